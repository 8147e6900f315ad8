import type { RepoSnapshot } from "../context/repo-snapshot.js";
import { unpackTarball } from "../context/unpack-tarball.js";
import type { RepoRef } from "./github-gateway.js";
import { classifyGitHubError, GitHubError } from "./github-errors.js";
import type { OctokitLike } from "./octokit-gateway.js";

/** The repository at one commit, from its tarball: one request, unpacked in memory. */
export async function downloadSnapshot(octokit: OctokitLike, repo: RepoRef, at: { branch: string; commitSha: string; treeSha: string }): Promise<RepoSnapshot> {
  const { branch, commitSha, treeSha } = at;
  let archive: Awaited<ReturnType<OctokitLike["request"]>>;
  try {
    archive = await octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", { ...repo, ref: commitSha });
  } catch (error) {
    throw classifyGitHubError(`download ${repo.owner}/${repo.repo} at ${commitSha}`, error);
  }
  if (!(archive.data instanceof ArrayBuffer)) {
    throw new GitHubError(`The archive of ${repo.owner}/${repo.repo}@${commitSha} came back as ${typeof archive.data}, not bytes.`, archive.status, {
      retryable: false,
    });
  }
  const files = await unpackTarball(new Uint8Array(archive.data));
  return { ...repo, branch, commitSha, treeSha, files };
}
