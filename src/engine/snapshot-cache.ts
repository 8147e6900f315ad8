import type { RepoSnapshot } from "../context/repo-snapshot.js";

/**
 * Recently read snapshots by commit, so the phases of one task read the repository once. A miss
 * (after a restart) only costs a fresh read, so this is an optimisation, never a source of truth.
 */
export class SnapshotCache {
  readonly #entries = new Map<string, RepoSnapshot>();
  readonly #capacity: number;

  constructor(capacity = 8) {
    this.#capacity = capacity;
  }

  get(owner: string, repo: string, sha: string): RepoSnapshot | undefined {
    const key = `${owner}/${repo}@${sha}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  put(snapshot: RepoSnapshot): void {
    const key = `${snapshot.owner}/${snapshot.repo}@${snapshot.commitSha}`;
    this.#entries.delete(key);
    this.#entries.set(key, snapshot);
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
