import type { SimChange } from "./sim-changes.js";
import type { SimPull, SimRepo, SimUser } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";

/**
 * Merges a pull request with a merge commit (the head's tree on top of both parents), moves the
 * base branch and closes the PR, emitting the push and `pull_request.closed` with `merged: true`.
 * The simulator does not model conflicts: the head's tree wins.
 */
export function mergePull(world: SimWorld, repo: SimRepo, pull: SimPull, by: SimUser, title: string | undefined, emit: (change: SimChange) => void): string {
  const head = repo.git.get(pull.headSha);
  if (head?.type !== "commit") throw new Error(`Head ${pull.headSha} of #${pull.number} is not a commit.`);
  const now = world.now();
  const signature = { name: by.login, email: "noreply@github.com", date: now };
  const sha = repo.git.putCommit({ tree: head.tree, parents: [pull.baseSha, pull.headSha], author: signature, committer: signature, message: `${title ?? `Merge pull request #${pull.number} from ${repo.owner.login}/${pull.headRef}`}\n` });
  const ref = `refs/heads/${pull.baseRef}`;
  const before = repo.git.refs.get(ref) ?? "0".repeat(40);
  repo.git.refs.set(ref, sha);
  repo.pushedAt = now;
  Object.assign(pull, { state: "closed", closedAt: now, mergedAt: now, mergedBy: by, mergeCommitSha: sha, updatedAt: now });
  emit({ kind: "push", repo, ref, before, after: sha, sender: by });
  emit({ kind: "pull_request", action: "closed", repo, pull, sender: by });
  return sha;
}
