import picomatch from "picomatch";

/**
 * Paths an agent may never write, by default: CI and app configuration (including local actions,
 * which workflows run with their secrets), ownership, git internals, keys and env files.
 */
export const defaultProtectedPaths: readonly string[] = [
  ".github/workflows/**",
  ".github/actions/**",
  ".github/orchestrator.yml",
  "CODEOWNERS",
  ".github/CODEOWNERS",
  "docs/CODEOWNERS",
  ".git/**",
  "**/*.pem",
  "**/.env*",
];

export type PathVerdict = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

export class PathPolicy {
  readonly #isProtected: (path: string) => boolean;
  readonly #patterns: readonly string[];

  constructor(protectedPaths: readonly string[] = defaultProtectedPaths) {
    this.#patterns = protectedPaths;
    this.#isProtected = picomatch([...protectedPaths], { dot: true });
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
    if (this.#isProtected(path)) {
      return { ok: false, reason: `${path} is protected (${this.#patterns.join(", ")}); a person must change it` };
    }
    return { ok: true, path };
  }
}
