import { createTwoFilesPatch, diffLines } from "diff";
import type { RepoSnapshot } from "../context/repo-snapshot.js";
import type { FileChange } from "../github/github-gateway.js";

/** Lines added plus lines removed, as a reviewer would count them. */
export function changedLineCount(before: string, after: string): number {
  let count = 0;
  for (const part of diffLines(before, after)) if (part.added || part.removed) count += part.count;
  return count;
}

function originalOf(snapshot: RepoSnapshot, path: string): string {
  return snapshot.files.get(path)?.content ?? "";
}

/** Lines changed by a whole change set. */
export function changeSetLineCount(snapshot: RepoSnapshot, changes: readonly FileChange[]): number {
  return changes.reduce((n, c) => n + changedLineCount(originalOf(snapshot, c.path), c.kind === "write" ? c.content : ""), 0);
}

/** The change set as a unified diff (three lines of context), the form reviewers read. */
export function renderUnifiedDiff(snapshot: RepoSnapshot, changes: readonly FileChange[]): string {
  return changes
    .map((change) => {
      const existed = snapshot.files.has(change.path);
      const before = originalOf(snapshot, change.path);
      const after = change.kind === "write" ? change.content : "";
      return createTwoFilesPatch(existed ? `a/${change.path}` : "/dev/null", change.kind === "delete" ? "/dev/null" : `b/${change.path}`, before, after, undefined, undefined, { context: 3 })
        .split("\n")
        .slice(1) // the "====" separator line
        .join("\n");
    })
    .join("\n");
}
