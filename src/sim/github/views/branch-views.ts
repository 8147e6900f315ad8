import type { SimRepo, SimUrls } from "../sim-model.js";
import { gitSignatureView, UNSIGNED } from "./git-views.js";
import { readCommit } from "./read-git-object.js";
import { encodePath, nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/**
 * `commit` (the repos API's commit, as nested in a branch). GitHub links the author and committer
 * to accounts by email; the model keeps no emails for users, so both stay null as for an unknown email.
 */
export function repoCommitView(urls: SimUrls, repo: SimRepo, sha: string) {
  const commit = readCommit(repo, sha);
  const api = repoApiUrl(urls, repo);
  const web = repoWebUrl(urls, repo);
  return {
    sha,
    node_id: nodeId("Commit", `${repo.id}:${sha}`),
    commit: {
      author: gitSignatureView(commit.author),
      committer: gitSignatureView(commit.committer),
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${sha}`,
      comment_count: 0,
      verification: UNSIGNED,
    },
    url: `${api}/commits/${sha}`,
    html_url: `${web}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    author: null,
    committer: null,
    parents: commit.parents.map((parent) => ({ sha: parent, url: `${api}/commits/${parent}`, html_url: `${web}/commit/${parent}` })),
  };
}

/** `branch-with-protection` (repos/get-branch); the simulator protects no branch. */
export function branchView(urls: SimUrls, repo: SimRepo, branch: string, commitSha: string) {
  const api = `${repoApiUrl(urls, repo)}/branches/${encodePath(branch)}`;
  return {
    name: branch,
    commit: repoCommitView(urls, repo, commitSha),
    _links: { self: api, html: `${repoWebUrl(urls, repo)}/tree/${encodePath(branch)}` },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: "off", contexts: [] as string[], checks: [] as { context: string; app_id: number | null }[] },
    },
    protection_url: `${api}/protection`,
  };
}
