/** A provider-neutral estimate (about four characters a token for code and English); budgets, not billing. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
