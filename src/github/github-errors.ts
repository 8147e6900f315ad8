import { OrchestratorError } from "../engine/errors.js";

/** A GitHub request failed. Rate limits, server errors and network failures may succeed later. */
export class GitHubError extends OrchestratorError {
  constructor(
    message: string,
    readonly status: number | undefined,
    options: { retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options);
  }
}

function readStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  return typeof error.status === "number" ? error.status : undefined;
}

function readHeader(error: unknown, name: string): string | undefined {
  if (typeof error !== "object" || error === null || !("response" in error)) return undefined;
  const response = error.response;
  if (typeof response !== "object" || response === null || !("headers" in response)) return undefined;
  const headers = response.headers;
  if (typeof headers !== "object" || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

export function githubStatus(error: unknown): number | undefined {
  return readStatus(error);
}

/** Turns an Octokit failure into a GitHubError that says what was being done and whether to retry. */
export function classifyGitHubError(doing: string, error: unknown): GitHubError {
  if (error instanceof GitHubError) return error;
  const status = readStatus(error);
  const detail = error instanceof Error ? error.message : String(error);
  const retryAfterHeader = readHeader(error, "retry-after");
  const primaryLimitSpent = readHeader(error, "x-ratelimit-remaining") === "0";
  // Secondary rate limits come as 403 (or 429) with retry-after, while the primary quota is far from spent.
  const rateLimited = status === 429 || (status === 403 && (primaryLimitSpent || retryAfterHeader !== undefined));
  const retryable = status === undefined || status >= 500 || rateLimited;
  const waitMs = retryAfterHeader !== undefined ? Number(retryAfterHeader) * 1000 : rateLimited && primaryLimitSpent ? untilReset(error) : Number.NaN;
  return new GitHubError(`GitHub refused to ${doing}${status === undefined ? "" : ` (HTTP ${status})`}: ${detail}`, status, {
    retryable,
    ...(Number.isFinite(waitMs) && waitMs > 0 ? { retryAfterMs: waitMs } : {}),
    cause: error,
  });
}

/** A spent primary quota comes back at x-ratelimit-reset (epoch seconds); retrying sooner only fails again. */
function untilReset(error: unknown): number {
  const reset = Number(readHeader(error, "x-ratelimit-reset"));
  return Number.isFinite(reset) ? reset * 1000 - Date.now() : Number.NaN;
}
