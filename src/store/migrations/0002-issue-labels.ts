/** The issue's labels when it was labelled for work: risk:<level> and area:<name> labels steer routing. */
export const issueLabels = `
ALTER TABLE tasks ADD COLUMN issue_labels TEXT NOT NULL DEFAULT '[]';
`;
