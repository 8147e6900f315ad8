import type { core } from "zod";

export type ZodIssue = core.$ZodIssue;

/** The issue a provider would report, with its full path from the request body's root. */
export interface LocatedIssue {
  readonly issue: ZodIssue;
  readonly path: readonly (string | number)[];
}

/**
 * Providers report the first problem only. A failed union is replaced by the issue from the branch
 * that got furthest (the branch whose type matched), so `content: [{type: "text"}]` reports the
 * missing `text`, not "expected string or array".
 */
export function firstIssue(issues: readonly ZodIssue[]): LocatedIssue | undefined {
  const issue = issues[0];
  if (issue === undefined) return undefined;
  return locate(issue, []);
}

function locate(issue: ZodIssue, prefix: readonly (string | number)[]): LocatedIssue {
  const path = [...prefix, ...issue.path.map((key) => (typeof key === "number" ? key : String(key)))];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return { issue, path };
  let best: LocatedIssue | undefined;
  for (const branch of issue.errors) {
    const inner = branch[0];
    if (inner === undefined) continue;
    const located = locate(inner, path);
    if (best === undefined || located.path.length > best.path.length) best = located;
  }
  // Every branch failed at the union itself: the value has none of the accepted types.
  return best !== undefined && best.path.length > path.length ? best : { issue, path };
}

/** True when the issue is about a field that is absent rather than wrong. */
export function isMissing(issue: ZodIssue): boolean {
  // JSON has no undefined, so an undefined input is an absent field.
  return issue.code === "invalid_type" && issue.input === undefined;
}

/** The JSON type name of a value, as providers word it. */
export function jsonTypeOf(value: unknown): "null" | "array" | "object" | "string" | "number" | "boolean" | "undefined" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return "string";
  if (typeof value === "number" || typeof value === "bigint") return "number";
  if (typeof value === "boolean") return "boolean";
  return typeof value === "object" ? "object" : "undefined";
}

/** The expected types of a union whose branches all failed at its root. */
export function unionExpectations(issue: ZodIssue): string[] {
  if (issue.code !== "invalid_union") return [];
  return issue.errors.flatMap((branch) => {
    const inner = branch[0];
    return inner?.code === "invalid_type" ? [inner.expected] : [];
  });
}

/** A value as it appears in an error message: strings bare, anything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return value;
  return value === undefined ? "undefined" : JSON.stringify(value);
}
