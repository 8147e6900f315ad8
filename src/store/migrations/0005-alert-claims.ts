/**
 * The alert job and the task's own report can both see an alert not yet posted; whichever claims
 * it first posts it, and a claim that outlives its holder (a crash mid-post) lapses.
 */
export const alertClaims = `
ALTER TABLE alerts ADD COLUMN claimed_until INTEGER;
`;
