import { initial } from "./0001-initial.js";
import { issueLabels } from "./0002-issue-labels.js";

/** Numbered migrations, applied in order; `PRAGMA user_version` records how many have run. */
export const migrations: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  { version: 1, name: "initial", sql: initial },
  { version: 2, name: "issue-labels", sql: issueLabels },
];
