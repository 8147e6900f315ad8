import type { GitSignature, GitTreeEntry } from "../git-store.js";
import type { SimRepo, SimUrls } from "../sim-model.js";
import { readBlob, readCommit, readTree, wrappedBase64 } from "./read-git-object.js";
import { encodePath, isoSeconds, nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/** The simulator never signs commits, so every commit carries GitHub's "unsigned" verdict. */
export const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null } as const;

export function gitSignatureView(signature: GitSignature) {
  return { name: signature.name, email: signature.email, date: isoSeconds(signature.date) };
}

/** `git-ref`; `ref` is the full name (`refs/heads/x`). */
export function gitRefView(urls: SimUrls, repo: SimRepo, ref: string, sha: string) {
  const type = repo.git.get(sha)?.type ?? "commit";
  return {
    ref,
    node_id: nodeId("Ref", `${repo.id}:${ref}`),
    url: `${repoApiUrl(urls, repo)}/git/${encodePath(ref)}`,
    object: { sha, type, url: `${repoApiUrl(urls, repo)}/git/${type}s/${sha}` },
  };
}

/** `git-commit` (git/get-commit, git/create-commit). */
export function gitCommitView(urls: SimUrls, repo: SimRepo, sha: string) {
  const commit = readCommit(repo, sha);
  const api = repoApiUrl(urls, repo);
  return {
    sha,
    node_id: nodeId("Commit", `${repo.id}:${sha}`),
    url: `${api}/git/commits/${sha}`,
    html_url: `${repoWebUrl(urls, repo)}/commit/${sha}`,
    author: gitSignatureView(commit.author),
    committer: gitSignatureView(commit.committer),
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((parent) => ({ sha: parent, url: `${api}/git/commits/${parent}`, html_url: `${repoWebUrl(urls, repo)}/commit/${parent}` })),
    verification: UNSIGNED,
  };
}

/** Git's object type for a tree entry's mode: subtrees, submodule commits (gitlinks), or blobs. */
function entryType(mode: GitTreeEntry["mode"]): "tree" | "commit" | "blob" {
  if (mode === "040000") return "tree";
  return mode === "160000" ? "commit" : "blob";
}

interface TreeItem {
  path: string;
  mode: GitTreeEntry["mode"];
  type: "tree" | "commit" | "blob";
  sha: string;
  size?: number;
  url?: string;
}

function treeItems(urls: SimUrls, repo: SimRepo, treeSha: string, recursive: boolean, prefix: string): TreeItem[] {
  const api = repoApiUrl(urls, repo);
  const items: TreeItem[] = [];
  for (const entry of readTree(repo, treeSha).entries) {
    const path = `${prefix}${entry.name}`;
    const type = entryType(entry.mode);
    if (type === "tree") {
      items.push({ path, mode: entry.mode, type, sha: entry.sha, url: `${api}/git/trees/${entry.sha}` });
      // GitHub lists a subtree's contents right after the subtree itself.
      if (recursive) items.push(...treeItems(urls, repo, entry.sha, true, `${path}/`));
    } else if (type === "blob") {
      items.push({ path, mode: entry.mode, type, sha: entry.sha, size: readBlob(repo, entry.sha).content.length, url: `${api}/git/blobs/${entry.sha}` });
    } else {
      // A submodule's commit lives in another repository: GitHub gives neither size nor url.
      items.push({ path, mode: entry.mode, type, sha: entry.sha });
    }
  }
  return items;
}

/** `git-tree` (git/get-tree, git/create-tree); never truncated, the simulator's trees are small. */
export function gitTreeView(urls: SimUrls, repo: SimRepo, treeSha: string, recursive: boolean) {
  return {
    sha: treeSha,
    url: `${repoApiUrl(urls, repo)}/git/trees/${treeSha}`,
    tree: treeItems(urls, repo, treeSha, recursive, ""),
    truncated: false,
  };
}

/** `blob` (git/get-blob): content in base64. */
export function blobView(urls: SimUrls, repo: SimRepo, sha: string) {
  const blob = readBlob(repo, sha);
  return {
    sha,
    node_id: nodeId("Blob", `${repo.id}:${sha}`),
    size: blob.content.length,
    url: `${repoApiUrl(urls, repo)}/git/blobs/${sha}`,
    content: wrappedBase64(blob.content),
    encoding: "base64" as const,
  };
}

/** `short-blob` (git/create-blob). */
export function shortBlobView(urls: SimUrls, repo: SimRepo, sha: string) {
  return { sha, url: `${repoApiUrl(urls, repo)}/git/blobs/${sha}` };
}
