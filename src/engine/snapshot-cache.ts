import type { RepoSnapshot } from "../context/repo-snapshot.js";
import { RecentCache } from "./recent-cache.js";

/**
 * Recently read snapshots by commit, so the phases of one task read the repository once. A miss
 * (after a restart) only costs a fresh read, so this is an optimisation, never a source of truth.
 */
export class SnapshotCache {
  readonly #entries: RecentCache<RepoSnapshot>;

  constructor(capacity = 8) {
    this.#entries = new RecentCache(capacity);
  }

  get(owner: string, repo: string, sha: string): RepoSnapshot | undefined {
    return this.#entries.get(`${owner}/${repo}@${sha}`);
  }

  put(snapshot: RepoSnapshot): void {
    this.#entries.put(`${snapshot.owner}/${snapshot.repo}@${snapshot.commitSha}`, snapshot);
  }
}
