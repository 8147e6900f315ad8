import { initial } from "./0001-initial.js";
import { issueLabels } from "./0002-issue-labels.js";
import { observability } from "./0003-observability.js";
import { historyRetention } from "./0004-history-retention.js";
import { alertClaims } from "./0005-alert-claims.js";

/** Numbered migrations, applied in order; `PRAGMA user_version` records how many have run. */
export const migrations: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  { version: 1, name: "initial", sql: initial },
  { version: 2, name: "issue-labels", sql: issueLabels },
  { version: 3, name: "observability", sql: observability },
  { version: 4, name: "history-retention", sql: historyRetention },
  { version: 5, name: "alert-claims", sql: alertClaims },
];
