/**
 * Errors carry their own verdict, made where they are raised: may the job be tried again, and how
 * soon. The worker reads the verdict, never a message; an error without one (a bug) is permanent.
 */
export class OrchestratorError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Input that will not get better by trying again: a malformed model reply, a refused edit, bad config. */
export class PermanentError extends OrchestratorError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: false });
  }
}

/**
 * Work that must not go on without a person: a budget cap, an exhausted round limit. The task
 * pauses in needs_human with this message, instead of failing.
 */
export class NeedsHumanError extends PermanentError {}

/** SQLite's answer when another connection holds the write lock: it passes. */
const transientSqliteCodes: ReadonlySet<string> = new Set(["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT"]);

export function isRetryable(error: unknown): boolean {
  if (error instanceof OrchestratorError) return error.retryable;
  return error instanceof Error && "code" in error && typeof error.code === "string" && transientSqliteCodes.has(error.code);
}

export function retryAfterMs(error: unknown): number | undefined {
  return error instanceof OrchestratorError ? error.retryAfterMs : undefined;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
