/*
 * What every quality gate reports, whatever tool produced it: one finding per problem, with where
 * it is and how bad it is. Parsers turn a tool's output into findings; the gate runner decides what
 * fails (zero warnings by default; findings on lines the change did not touch are reported but do
 * not fail when the gate is diff-aware).
 */

export const severities = ["error", "warning", "note"] as const;
export type Severity = (typeof severities)[number];

export interface Finding {
  /** The gate that reported it (its name in config), filled in by the runner; parsers leave it "". */
  readonly gate: string;
  readonly severity: Severity;
  /** Repository-relative path with forward slashes, or null when the finding has no file. */
  readonly path: string | null;
  /** 1-based line, or null. */
  readonly line: number | null;
  readonly message: string;
  /** The rule or check id (an ESLint rule, TS2322, a Semgrep rule id), when the tool gives one. */
  readonly rule: string | null;
  /** For test failures: the failing test's full name. */
  readonly test?: string;
}

/** A tool's output could not be read in the format the gate names: the gate fails with this message, never silently passes. */
export class ReportFormatError extends Error {
  override readonly name = "ReportFormatError";
}

/** Turns a path a tool printed (absolute, `./`-prefixed, Windows separators) into one relative to `root`. */
export function relativePath(path: string, root: string): string {
  const unix = path.replace(/\\/g, "/").replace(/^file:\/\//, "");
  const base = root.replace(/\\/g, "/").replace(/\/+$/, "");
  const relative = base !== "" && unix.startsWith(`${base}/`) ? unix.slice(base.length + 1) : unix;
  return relative.replace(/^\.\//, "");
}
