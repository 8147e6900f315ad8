import { createHash } from "node:crypto";

/**
 * Git's object model, with real SHA-1 ids: blobs, trees and commits hashed exactly as git hashes
 * them, so the shas the app sees behave like GitHub's (same content, same sha).
 */
export interface GitBlob {
  readonly type: "blob";
  readonly content: Buffer;
}

export interface GitTreeEntry {
  readonly name: string;
  readonly mode: "100644" | "100755" | "040000" | "120000" | "160000";
  readonly sha: string;
}

export interface GitTree {
  readonly type: "tree";
  readonly entries: readonly GitTreeEntry[];
}

export interface GitSignature {
  readonly name: string;
  readonly email: string;
  readonly date: string;
}

export interface GitCommit {
  readonly type: "commit";
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitSignature;
  readonly committer: GitSignature;
  readonly message: string;
}

export type GitObject = GitBlob | GitTree | GitCommit;

function hashObject(type: string, body: Buffer): string {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

function gitTimestamp(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return `${seconds} +0000`;
}

/** Git sorts tree entries by name, comparing a subtree's name as if it ended in '/'. */
function treeOrder(a: GitTreeEntry, b: GitTreeEntry): number {
  const key = (e: GitTreeEntry): string => (e.mode === "040000" ? `${e.name}/` : e.name);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

export class GitStore {
  readonly #objects = new Map<string, GitObject>();
  readonly refs = new Map<string, string>();

  get(sha: string): GitObject | undefined {
    return this.#objects.get(sha);
  }

  putBlob(content: Buffer): string {
    const sha = hashObject("blob", content);
    this.#objects.set(sha, { type: "blob", content });
    return sha;
  }

  putTree(entries: readonly GitTreeEntry[]): string {
    const sorted = [...entries].sort(treeOrder);
    const body = Buffer.concat(sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode === "040000" ? "40000" : e.mode} ${e.name}\0`), Buffer.from(e.sha, "hex")])));
    const sha = hashObject("tree", body);
    this.#objects.set(sha, { type: "tree", entries: sorted });
    return sha;
  }

  putCommit(commit: Omit<GitCommit, "type">): string {
    const lines = [
      `tree ${commit.tree}`,
      ...commit.parents.map((p) => `parent ${p}`),
      `author ${commit.author.name} <${commit.author.email}> ${gitTimestamp(commit.author.date)}`,
      `committer ${commit.committer.name} <${commit.committer.email}> ${gitTimestamp(commit.committer.date)}`,
      "",
      commit.message,
    ];
    const sha = hashObject("commit", Buffer.from(lines.join("\n")));
    this.#objects.set(sha, { type: "commit", ...commit });
    return sha;
  }

  /** Every file of a tree, recursively, as path → blob sha and mode. */
  flatten(treeSha: string, prefix = ""): Map<string, { sha: string; mode: GitTreeEntry["mode"] }> {
    const tree = this.get(treeSha);
    const files = new Map<string, { sha: string; mode: GitTreeEntry["mode"] }>();
    if (tree?.type !== "tree") return files;
    for (const entry of tree.entries) {
      const path = `${prefix}${entry.name}`;
      if (entry.mode === "040000") for (const [p, f] of this.flatten(entry.sha, `${path}/`)) files.set(p, f);
      else files.set(path, { sha: entry.sha, mode: entry.mode });
    }
    return files;
  }

  /** Builds nested trees from flat paths (the inverse of flatten); returns the root tree's sha. */
  writeTree(files: ReadonlyMap<string, { sha: string; mode: GitTreeEntry["mode"] }>): string {
    const children = new Map<string, Map<string, { sha: string; mode: GitTreeEntry["mode"] }>>();
    const entries: GitTreeEntry[] = [];
    for (const [path, file] of files) {
      const slash = path.indexOf("/");
      if (slash === -1) {
        entries.push({ name: path, mode: file.mode, sha: file.sha });
      } else {
        const dir = path.slice(0, slash);
        const sub = children.get(dir) ?? new Map<string, { sha: string; mode: GitTreeEntry["mode"] }>();
        sub.set(path.slice(slash + 1), file);
        children.set(dir, sub);
      }
    }
    for (const [dir, sub] of children) entries.push({ name: dir, mode: "040000", sha: this.writeTree(sub) });
    return this.putTree(entries);
  }

  /** Commits a whole set of files (path → content) on top of `parent`; for seeding fixture repositories. */
  commitFiles(files: ReadonlyMap<string, Buffer>, message: string, author: GitSignature, parents: readonly string[] = []): string {
    const flat = new Map<string, { sha: string; mode: GitTreeEntry["mode"] }>();
    for (const [path, content] of files) flat.set(path, { sha: this.putBlob(content), mode: "100644" });
    return this.putCommit({ tree: this.writeTree(flat), parents, author, committer: author, message });
  }
}
