import { DEFAULT_DOCUMENTATION_URL } from "./operation-model.js";
import type { ValidationIssue } from "./validation-issue.js";

/** The body api.github.com sends with its errors (the `basic-error` schema). */
export interface GitHubErrorBody {
  message: string;
  documentation_url: string;
  status: string;
}

/** GitHub answers unknown routes, and path parameters it cannot parse, with this 404. */
export function notFoundBody(): GitHubErrorBody {
  return { message: "Not Found", documentation_url: DEFAULT_DOCUMENTATION_URL, status: "404" };
}

/**
 * GitHub's JSON-schema rejection of a request: 422 with `Invalid request.` and one line per
 * problem, a missing property phrased as GitHub phrases it (`"body" wasn't supplied.`).
 */
export function validationFailedBody(issues: readonly ValidationIssue[], documentationUrl: string = DEFAULT_DOCUMENTATION_URL): GitHubErrorBody {
  const lines = issues.map(issueLine);
  return { message: ["Invalid request.", "", ...lines].join("\n"), documentation_url: documentationUrl, status: "422" };
}

const REQUIRED = /must have required property '(.+)'$/;

function issueLine(issue: ValidationIssue): string {
  const missing = REQUIRED.exec(issue.message)?.[1];
  if (missing !== undefined) return `"${missing}" wasn't supplied.`;
  const detail = issue.message.slice(issue.message.indexOf(": ") + 2);
  // GitHub names the failing place by its schema path (`properties/title`), not the value path.
  const segments = (issue.pointer ?? "").split("/").slice(1);
  const schemaPath = segments.map((s) => (/^\d+$/.test(s) ? "items" : `properties/${s}`)).join("/");
  return schemaPath === "" ? `${capitalise(detail)}.` : `For '${schemaPath}', ${detail}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One entry of a `Validation Failed` body, e.g. `{ resource: "PullRequest", code: "custom", message: "A pull request already exists for o:b." }`. */
export interface GitHubFieldError {
  resource?: string;
  field?: string;
  code: "missing" | "missing_field" | "invalid" | "already_exists" | "unprocessable" | "custom";
  message?: string;
}

/** GitHub's 422 for a well-formed request the resource refuses (the `validation-error` schema). */
export function unprocessableBody(errors: readonly GitHubFieldError[], documentationUrl: string = DEFAULT_DOCUMENTATION_URL): GitHubErrorBody & { errors: GitHubFieldError[] } {
  return { message: "Validation Failed", errors: [...errors], documentation_url: documentationUrl, status: "422" };
}
