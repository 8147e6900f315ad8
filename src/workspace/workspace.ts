import type { RepoSnapshot } from "../context/repo-snapshot.js";
import type { FileChange } from "../github/github-gateway.js";
import type { PathPolicy } from "./path-policy.js";

export type EditResult = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

type Entry = { readonly content: string } | { readonly deleted: true };

/**
 * The repository as the implementer changes it: the snapshot underneath, the agent's edits on top.
 * Nothing touches a disk; `changes()` is what gets committed.
 */
export class Workspace {
  readonly #snapshot: RepoSnapshot;
  readonly #policy: PathPolicy;
  readonly #overlay = new Map<string, Entry>();
  readonly #refusals: string[] = [];

  constructor(snapshot: RepoSnapshot, policy: PathPolicy) {
    this.#snapshot = snapshot;
    this.#policy = policy;
  }

  /** Paths refused by the path policy, with the reason: told to the model and logged, never committed. */
  get refusals(): readonly string[] {
    return this.#refusals;
  }

  read(path: string): string | undefined {
    const entry = this.#overlay.get(path);
    if (entry) return "deleted" in entry ? undefined : entry.content;
    return this.#snapshot.files.get(path)?.content ?? undefined;
  }

  exists(path: string): boolean {
    const entry = this.#overlay.get(path);
    if (entry) return !("deleted" in entry);
    return this.#snapshot.files.has(path);
  }

  write(rawPath: string, content: string): EditResult {
    const verdict = this.#checkPath(rawPath);
    if (!verdict.ok) return verdict;
    const conflict = this.#shapeConflict(verdict.path);
    if (conflict) return { ok: false, message: conflict };
    if (this.#snapshot.files.get(verdict.path)?.content === null && !this.#overlay.has(verdict.path)) {
      return { ok: false, message: `${verdict.path} is binary or too large to show, so it cannot be rewritten blind` };
    }
    const existed = this.exists(verdict.path);
    this.#overlay.set(verdict.path, { content });
    return { ok: true, message: `${existed ? "rewrote" : "created"} ${verdict.path}` };
  }

  replace(rawPath: string, oldText: string, newText: string): EditResult {
    const verdict = this.#checkPath(rawPath);
    if (!verdict.ok) return verdict;
    const current = this.read(verdict.path);
    if (current === undefined) {
      const binary = this.#snapshot.files.get(verdict.path)?.content === null;
      return { ok: false, message: binary ? `${verdict.path} is binary or too large to edit` : `${verdict.path} does not exist` };
    }
    if (oldText === "") return { ok: false, message: "the text to replace is empty; use write_file to create or rewrite a file" };
    const first = current.indexOf(oldText);
    if (first === -1) return { ok: false, message: `the text to replace was not found in ${verdict.path}` };
    if (current.includes(oldText, first + 1)) {
      return { ok: false, message: `the text to replace occurs more than once in ${verdict.path}; include more surrounding lines` };
    }
    this.#overlay.set(verdict.path, { content: current.slice(0, first) + newText + current.slice(first + oldText.length) });
    return { ok: true, message: `edited ${verdict.path}` };
  }

  delete(rawPath: string): EditResult {
    const verdict = this.#checkPath(rawPath);
    if (!verdict.ok) return verdict;
    if (!this.exists(verdict.path)) return { ok: false, message: `${verdict.path} does not exist` };
    this.#overlay.set(verdict.path, { deleted: true });
    return { ok: true, message: `deleted ${verdict.path}` };
  }

  /** The net change against the snapshot: rewriting a file to its original content is no change. */
  changes(): FileChange[] {
    const changes: FileChange[] = [];
    for (const [path, entry] of [...this.#overlay].sort(([a], [b]) => a.localeCompare(b))) {
      const original = this.#snapshot.files.get(path);
      if ("deleted" in entry) {
        if (original) changes.push({ kind: "delete", path });
      } else if (original?.content !== entry.content) {
        changes.push({ kind: "write", path, content: entry.content, ...(original?.executable ? { executable: true } : {}) });
      }
    }
    return changes;
  }

  /** A write that git cannot represent, or that a case-insensitive checkout would collapse. */
  #shapeConflict(path: string): string | undefined {
    const paths = [...this.#snapshot.files.keys(), ...this.#overlay.keys()].filter((p) => this.exists(p));
    if (paths.some((p) => p.startsWith(`${path}/`))) return `${path} is a folder; write the files inside it`;
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i += 1) {
      const parent = parts.slice(0, i).join("/");
      if (this.exists(parent)) return `${parent} is a file, so ${path} cannot be created under it`;
    }
    const lower = path.toLowerCase();
    const twin = paths.find((p) => p !== path && p.toLowerCase() === lower);
    return twin === undefined ? undefined : `${path} differs from the existing ${twin} only by case, which collide on macOS and Windows`;
  }

  #checkPath(rawPath: string): { ok: true; path: string } | { ok: false; message: string } {
    const verdict = this.#policy.check(rawPath);
    if (verdict.ok) return verdict;
    this.#refusals.push(`${rawPath}: ${verdict.reason}`);
    return { ok: false, message: `refused: ${verdict.reason}` };
  }
}
