import type { GitBlob, GitCommit, GitObject, GitTree } from "../git-store.js";
import type { SimRepo } from "../sim-model.js";

/**
 * A view was asked to render a git object the repository does not hold (or holds as another
 * type). Routes check existence first and answer 404/422; reaching this is a simulator bug.
 */
export class MissingGitObjectError extends Error {
  readonly sha: string;
  readonly expected: GitObject["type"];

  constructor(repo: SimRepo, sha: string, expected: GitObject["type"], found: GitObject["type"] | undefined) {
    super(`${repo.owner.login}/${repo.name} has no ${expected} ${sha}${found === undefined ? "" : ` (it is a ${found})`}`);
    this.name = "MissingGitObjectError";
    this.sha = sha;
    this.expected = expected;
  }
}

export function readCommit(repo: SimRepo, sha: string): GitCommit {
  const object = repo.git.get(sha);
  if (object?.type !== "commit") throw new MissingGitObjectError(repo, sha, "commit", object?.type);
  return object;
}

export function readTree(repo: SimRepo, sha: string): GitTree {
  const object = repo.git.get(sha);
  if (object?.type !== "tree") throw new MissingGitObjectError(repo, sha, "tree", object?.type);
  return object;
}

export function readBlob(repo: SimRepo, sha: string): GitBlob {
  const object = repo.git.get(sha);
  if (object?.type !== "blob") throw new MissingGitObjectError(repo, sha, "blob", object?.type);
  return object;
}

/** Base64 in 60-character lines, as GitHub sends blob and file content; decoders skip the newlines. */
export function wrappedBase64(content: Buffer): string {
  return (content.toString("base64").match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join("");
}
