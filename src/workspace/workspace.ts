import type { RepoSnapshot } from "../context/repo-snapshot.js";
import type { FileChange } from "../github/github-gateway.js";
import { containsRedactionPlaceholder, findSecrets } from "../security/redact-secrets.js";
import type { PathPolicy } from "./path-policy.js";
import { changedLineCount } from "./render-diff.js";

export type EditResult = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

type Entry = { readonly content: string } | { readonly deleted: true };

export interface WorkspaceLimits {
  /** Most files the change may touch. */
  readonly maxFiles: number;
  /** Most lines the change may add and remove. */
  readonly maxLines: number;
}

export const defaultWorkspaceLimits: WorkspaceLimits = { maxFiles: 50, maxLines: 3000 };

/**
 * The repository as the implementer changes it: the snapshot underneath, the agent's edits on top.
 * Nothing touches a disk; `changes()` is what gets committed.
 */
export class Workspace {
  readonly #snapshot: RepoSnapshot;
  readonly #policy: PathPolicy;
  readonly #overlay = new Map<string, Entry>();
  readonly #refusals: string[] = [];
  readonly #limits: WorkspaceLimits;
  readonly #lines = new Map<string, number>();

  constructor(snapshot: RepoSnapshot, policy: PathPolicy, limits: WorkspaceLimits = defaultWorkspaceLimits) {
    this.#snapshot = snapshot;
    this.#policy = policy;
    this.#limits = limits;
  }

  /** Lays an earlier, already checked change set over the snapshot (a revision continues from it). */
  restore(changes: readonly FileChange[]): void {
    for (const change of changes) {
      this.#overlay.set(change.path, change.kind === "write" ? { content: change.content } : { deleted: true });
      this.#lines.set(change.path, changedLineCount(this.#snapshot.files.get(change.path)?.content ?? "", change.kind === "write" ? change.content : ""));
    }
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
    const refused = this.#commit(verdict.path, content);
    if (refused) return refused;
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
    const refused = this.#commit(verdict.path, current.slice(0, first) + newText + current.slice(first + oldText.length));
    if (refused) return refused;
    return { ok: true, message: `edited ${verdict.path}` };
  }

  delete(rawPath: string): EditResult {
    const verdict = this.#checkPath(rawPath);
    if (!verdict.ok) return verdict;
    if (!this.exists(verdict.path)) return { ok: false, message: `${verdict.path} does not exist` };
    const refused = this.#commit(verdict.path, null);
    if (refused) return refused;
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

  /**
   * Applies one file's new content (null deletes it) unless it would bring a secret into the
   * repository, write back a redaction placeholder, or take the change past its limits.
   */
  #commit(path: string, content: string | null): EditResult | undefined {
    const original = this.#snapshot.files.get(path)?.content ?? "";
    if (content !== null) {
      if (containsRedactionPlaceholder(content) && !containsRedactionPlaceholder(original)) {
        return this.#refuse(path, "the content contains a [REDACTED:…] placeholder, which stands for a value hidden from you; leave the lines that hold it unchanged");
      }
      const before = new Set(findSecrets(original).map((m) => original.slice(m.start, m.end)));
      const added = findSecrets(content).filter((m) => !before.has(content.slice(m.start, m.end)));
      if (added[0]) {
        return this.#refuse(path, `the content contains what looks like a secret (${added[0].kind}); keep keys out of the repository and read them from the environment`);
      }
    }
    const lines = changedLineCount(original, content ?? "");
    const touched = new Set([...this.#lines].filter(([, n]) => n > 0).map(([p]) => p));
    if (lines > 0) touched.add(path);
    else touched.delete(path);
    const total = [...this.#lines].reduce((n, [p, l]) => n + (p === path ? 0 : l), 0) + lines;
    if (touched.size > this.#limits.maxFiles) {
      return this.#refuse(path, `the change would touch ${touched.size} files, more than the limit of ${this.#limits.maxFiles}; keep the change smaller`);
    }
    if (total > this.#limits.maxLines) {
      return this.#refuse(path, `the change would add and remove ${total} lines, more than the limit of ${this.#limits.maxLines}; keep the change smaller`);
    }
    this.#overlay.set(path, content === null ? { deleted: true } : { content });
    this.#lines.set(path, lines);
    return undefined;
  }

  #refuse(path: string, reason: string): EditResult {
    this.#refusals.push(`${path}: ${reason}`);
    return { ok: false, message: `refused: ${reason}` };
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
    return { ok: false, message: this.#refuse(rawPath, verdict.reason).message };
  }
}
