import type { GitStore } from "../git-store.js";

/** Every commit reachable from `sha` (itself included) that the store holds. */
export function ancestors(git: GitStore, sha: string): Set<string> {
  const seen = new Set<string>();
  const pending = [sha];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const commit = git.get(next);
    if (seen.has(next) || commit?.type !== "commit") continue;
    seen.add(next);
    pending.push(...commit.parents);
  }
  return seen;
}

/** The nearest common ancestor, found breadth-first from `head`; undefined for unrelated histories. */
export function mergeBase(git: GitStore, base: string, head: string): string | undefined {
  const fromBase = ancestors(git, base);
  const queue = [head];
  const seen = new Set<string>();
  // The queue grows while it is walked; an array iterator sees the appended commits.
  for (const sha of queue) {
    if (seen.has(sha)) continue;
    if (fromBase.has(sha)) return sha;
    seen.add(sha);
    const commit = git.get(sha);
    if (commit?.type === "commit") queue.push(...commit.parents);
  }
  return undefined;
}

/** How many commits `head` has that `base` lacks: a pull request's `commits`. */
export function commitsAhead(git: GitStore, base: string, head: string): number {
  const fromBase = ancestors(git, base);
  let count = 0;
  for (const sha of ancestors(git, head)) if (!fromBase.has(sha)) count += 1;
  return count;
}
