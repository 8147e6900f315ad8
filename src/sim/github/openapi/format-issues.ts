import type { ErrorObject } from "ajv";
import type { ValidationIssue } from "./validation-issue.js";

/** JSON pointer segments, unescaped, for readable `body/user/login` paths. */
function pointerSegments(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function escapeSegment(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Where the error is, down to the missing or extra property when Ajv reports it on the parent. */
function errorPointer(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const child =
    error.keyword === "required" ? params.missingProperty : error.keyword === "additionalProperties" ? params.additionalProperty : undefined;
  return typeof child === "string" ? `${error.instancePath}/${escapeSegment(child)}` : error.instancePath;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const message = error.message ?? `fails ${error.keyword}`;
  if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
    return `${message}: ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (error.keyword === "additionalProperties") return "is not allowed (no such property)";
  return message;
}

/**
 * Ajv reports every failed branch of an anyOf. Two kinds of noise go: the `type: null` branch that
 * stands for OpenAPI's `nullable` (the other branch says what was wanted), and the anyOf summary
 * when a branch already explains the failure at or below the same place.
 */
function withoutBranchNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  const isNullBranch = (e: ErrorObject): boolean =>
    e.keyword === "type" && (e.params as Record<string, unknown>).type === "null" && anyOfPaths.has(e.instancePath);
  const specific = errors.filter((e) => e.keyword !== "anyOf" && !isNullBranch(e));
  return errors.filter((e) => {
    if (isNullBranch(e)) return false;
    if (e.keyword !== "anyOf") return true;
    return !specific.some((s) => s.instancePath === e.instancePath || s.instancePath.startsWith(`${e.instancePath}/`));
  });
}

/**
 * @param label what the pointer is relative to, e.g. `body`, `query`, `response 201 body`.
 */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, where: ValidationIssue["where"], label: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of withoutBranchNoise(errors ?? [])) {
    const pointer = errorPointer(error);
    const place = [label, ...pointerSegments(pointer)].join("/");
    const message = `${place}: ${describe(error)}`;
    if (seen.has(message)) continue;
    seen.add(message);
    issues.push({ where, message, pointer });
  }
  return issues;
}
