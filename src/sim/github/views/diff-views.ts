import type { SimRepo, SimUrls } from "../sim-model.js";
import { mergeBase } from "./commit-graph.js";
import { diffLines, splitLines, unifiedPatch } from "./line-diff.js";
import { readBlob, readCommit } from "./read-git-object.js";
import { encodePath, repoApiUrl, repoWebUrl } from "./view-urls.js";

type FileStatus = "added" | "removed" | "modified" | "renamed" | "changed";

export interface FileChange {
  readonly filename: string;
  readonly status: FileStatus;
  readonly previousFilename?: string;
  /** The file's blob: the new one, or the old one for a removed file. */
  readonly sha: string;
  /** The commit whose tree holds `sha`. */
  readonly commit: string;
  readonly additions: number;
  readonly deletions: number;
  /** Absent for binary files and changes without lines (renames, mode changes, empty files). */
  readonly patch?: string;
}

/** Git's test for binary content: a NUL byte in the first 8000 bytes. */
function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

function lineChange(repo: SimRepo, before: string | undefined, after: string | undefined): Pick<FileChange, "additions" | "deletions" | "patch"> {
  const old = before === undefined ? Buffer.alloc(0) : readBlob(repo, before).content;
  const next = after === undefined ? Buffer.alloc(0) : readBlob(repo, after).content;
  if (isBinary(old) || isBinary(next)) return { additions: 0, deletions: 0 };
  const edits = diffLines(splitLines(old.toString("utf8")), splitLines(next.toString("utf8")));
  const additions = edits.filter((e) => e.kind === "+").length;
  const deletions = edits.filter((e) => e.kind === "-").length;
  return additions + deletions === 0 ? { additions, deletions } : { additions, deletions, patch: unifiedPatch(edits) };
}

/**
 * The files `headSha` changes, compared with its merge base with `baseSha` (GitHub's three-dot
 * diff), sorted by name. A removed and an added file with the same content count as a rename.
 */
export function changedFiles(repo: SimRepo, baseSha: string, headSha: string): FileChange[] {
  const from = mergeBase(repo.git, baseSha, headSha) ?? baseSha;
  const before = repo.git.flatten(readCommit(repo, from).tree);
  const after = repo.git.flatten(readCommit(repo, headSha).tree);
  const added = [...after].filter(([path]) => !before.has(path));
  const removed = [...before].filter(([path]) => !after.has(path));
  const renamedFrom = new Map<string, string>();
  const claimed = new Set<string>();
  for (const [path, file] of added) {
    const source = removed.find(([oldPath, old]) => old.sha === file.sha && !claimed.has(oldPath));
    if (source === undefined) continue;
    claimed.add(source[0]);
    renamedFrom.set(path, source[0]);
  }

  const changes: FileChange[] = [];
  for (const [path, file] of after) {
    const old = before.get(path);
    const previousFilename = renamedFrom.get(path);
    if (previousFilename !== undefined) {
      changes.push({ filename: path, status: "renamed", previousFilename, sha: file.sha, commit: headSha, additions: 0, deletions: 0 });
    } else if (old === undefined) {
      changes.push({ filename: path, status: "added", sha: file.sha, commit: headSha, ...lineChange(repo, undefined, file.sha) });
    } else if (old.sha !== file.sha) {
      changes.push({ filename: path, status: "modified", sha: file.sha, commit: headSha, ...lineChange(repo, old.sha, file.sha) });
    } else if (old.mode !== file.mode) {
      changes.push({ filename: path, status: "changed", sha: file.sha, commit: headSha, additions: 0, deletions: 0 });
    }
  }
  for (const [path, file] of removed) {
    if (!claimed.has(path)) changes.push({ filename: path, status: "removed", sha: file.sha, commit: from, ...lineChange(repo, file.sha, undefined) });
  }
  return changes.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

/** `diff-entry[]` (pulls/list-files). */
export function diffEntryViews(urls: SimUrls, repo: SimRepo, baseSha: string, headSha: string) {
  return changedFiles(repo, baseSha, headSha).map((change) => {
    const path = encodePath(change.filename);
    return {
      sha: change.sha,
      filename: change.filename,
      status: change.status,
      additions: change.additions,
      deletions: change.deletions,
      changes: change.additions + change.deletions,
      blob_url: `${repoWebUrl(urls, repo)}/blob/${change.commit}/${path}`,
      raw_url: `${repoWebUrl(urls, repo)}/raw/${change.commit}/${path}`,
      contents_url: `${repoApiUrl(urls, repo)}/contents/${path}?ref=${change.commit}`,
      ...(change.patch === undefined ? {} : { patch: change.patch }),
      ...(change.previousFilename === undefined ? {} : { previous_filename: change.previousFilename }),
    };
  });
}
