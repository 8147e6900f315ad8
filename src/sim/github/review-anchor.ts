import type { SimPull, SimRepo, SimReviewComment } from "./sim-model.js";
import { changedFiles } from "./views/diff-views.js";
import { diffLines, splitLines } from "./views/line-diff.js";
import { readBlob, readCommit } from "./views/read-git-object.js";

/** Where a review comment sits in a pull request's diff: GitHub's `diff_hunk` and `position`. */
export interface DiffAnchor {
  readonly line: number;
  readonly diffHunk: string;
  readonly position: number;
}

/** GitHub's answers to a review comment it cannot place (422, in the `errors` list). */
export const anchorErrors = {
  path: "Path could not be resolved",
  line: "Pull request review thread line must be part of the diff",
} as const;

/** Lines of context around a commented line that must stay unchanged for the thread to stay current (a hunk's). */
const CONTEXT = 3;

/**
 * Places a comment on `path` at the pull request's diff as of `commitId`, by new-file `line` or by
 * diff `position` (the line below the first `@@` is 1; later hunk headers count too). A line must be
 * part of the diff: added, or context shown around a change.
 */
export function anchorInDiff(repo: SimRepo, pull: SimPull, commitId: string, path: string, at: { line: number } | { position: number }): DiffAnchor | { error: string } {
  const patch = changedFiles(repo, pull.baseSha, commitId).find((f) => f.filename === path)?.patch;
  if (patch === undefined) return { error: anchorErrors.path };
  const lines = patch.split("\n");
  let hunkStart = 0;
  let newLine = 0;
  for (const [index, text] of lines.entries()) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (header) {
      hunkStart = index;
      newLine = Number(header[1]);
      continue;
    }
    if (text.startsWith("-") || text.startsWith("\\")) {
      if ("position" in at && at.position === index) return { error: anchorErrors.line };
      continue;
    }
    if ("line" in at ? at.line === newLine : at.position === index) return { line: newLine, diffHunk: lines.slice(hunkStart, index + 1).join("\n"), position: index };
    newLine += 1;
  }
  return { error: anchorErrors.line };
}

function fileAt(repo: SimRepo, commit: string, path: string): { sha: string; text: string } | undefined {
  const entry = repo.git.flatten(readCommit(repo, commit).tree).get(path);
  return entry === undefined ? undefined : { sha: entry.sha, text: readBlob(repo, entry.sha).content.toString("utf8") };
}

/**
 * The line a thread's comment is on at the pull request's head, or null when the thread is
 * outdated: its file is gone, or the commented line or the lines around it changed since.
 */
export function lineAtHead(repo: SimRepo, pull: SimPull, comment: Pick<SimReviewComment, "path" | "line" | "commitId">): number | null {
  if (comment.commitId === pull.headSha) return comment.line;
  const then = fileAt(repo, comment.commitId, comment.path);
  const now = fileAt(repo, pull.headSha, comment.path);
  if (then === undefined || now === undefined) return null;
  if (then.sha === now.sha) return comment.line;
  let oldLine = 0;
  let newLine = 0;
  let mapped: number | null = null;
  for (const edit of diffLines(splitLines(then.text), splitLines(now.text))) {
    if (edit.kind !== "+") oldLine += 1;
    if (edit.kind !== "-") newLine += 1;
    const near = edit.kind === "+" ? Math.abs(oldLine + 0.5 - comment.line) <= CONTEXT : Math.abs(oldLine - comment.line) <= CONTEXT;
    if (edit.kind !== " " && near) return null;
    if (edit.kind === " " && oldLine === comment.line) mapped = newLine;
  }
  return mapped;
}
