import { OrchestratorError } from "../engine/errors.js";

/** A provider call failed; `retryable` says whether the same call may succeed later (429, 5xx, 529, network). */
export class LlmError extends OrchestratorError {
  constructor(
    message: string,
    readonly provider: string,
    readonly status: number | undefined,
    options: { retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Status codes after which the same request may succeed: rate limits, overload and server faults. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `retry-after` in seconds (or an HTTP date), as providers send it with 429 and 529. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
