import picomatch from "picomatch";
import { secretPathPatterns } from "../security/secret-paths.js";

/**
 * Paths an agent may never write, by default: CI and app configuration (including local actions,
 * which workflows run with their secrets), ownership, git internals and submodules, the
 * instructions agents read (an edit there would steer every later task), keys and env files.
 */
export const defaultProtectedPaths: readonly string[] = [
  ".github/workflows/**",
  ".github/actions/**",
  ".github/orchestrator.yml",
  ".github/orchestrator.md",
  ".github/copilot-instructions.md",
  "**/AGENTS.md",
  "**/CLAUDE.md",
  "CODEOWNERS",
  ".github/CODEOWNERS",
  "docs/CODEOWNERS",
  ".git/**",
  ".gitmodules",
  ...secretPathPatterns,
];

export type PathVerdict = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

export class PathPolicy {
  readonly #isProtected: (path: string) => boolean;
  readonly #patterns: readonly string[];
  /** The fixed folder each pattern lives in (`.github/workflows` for `.github/workflows/**`). */
  readonly #protectedFolders: readonly string[];

  constructor(protectedPaths: readonly string[] = defaultProtectedPaths) {
    this.#patterns = protectedPaths;
    // Case-insensitive: a checkout on macOS or Windows treats `.ENV` as `.env`.
    this.#isProtected = picomatch([...protectedPaths], { dot: true, nocase: true });
    this.#protectedFolders = protectedPaths
      .map((pattern) => {
        const scanned = picomatch.scan(pattern);
        // A glob's fixed base, or a single file's folder.
        return (scanned.isGlob ? scanned.base : pattern.split("/").slice(0, -1).join("/")).toLowerCase();
      })
      .filter((folder) => folder !== "");
  }

  /** Normalises a path an agent proposes and says whether it may be written. */
  check(raw: string): PathVerdict {
    const path = raw.trim().replace(/^\.\/+/, "");
    if (path === "") return { ok: false, reason: "the path is empty" };
    if (path.includes("\\")) return { ok: false, reason: "use forward slashes in paths" };
    if (path.startsWith("/")) return { ok: false, reason: "paths are relative to the repository root" };
    if (path.split("/").some((part) => part === ".." || part === "." || part === "")) {
      return { ok: false, reason: "the path must not contain '.', '..' or empty segments" };
    }
    const lower = path.toLowerCase();
    // Writing a folder's own path would replace the whole folder in the commit's tree.
    if (this.#protectedFolders.some((folder) => folder === lower || folder.startsWith(`${lower}/`))) {
      return { ok: false, reason: `${path} holds protected files (${this.#patterns.join(", ")}); a person must change it` };
    }
    if (this.#isProtected(path)) {
      return { ok: false, reason: `${path} is protected (${this.#patterns.join(", ")}); a person must change it` };
    }
    return { ok: true, path };
  }
}
