import { setTimeout as sleep } from "node:timers/promises";
import type { Octokit } from "@octokit/rest";
import { RequestError } from "@octokit/request-error";

/**
 * The retry policy of @octokit/plugin-retry (v8), without its per-request Bottleneck limiter.
 * Bottleneck's in-memory store waits a timer tick (at least 1 ms) at each step of scheduling a
 * job, submit, register and run, so every request paid about 5 ms before it was even sent, failed
 * or not; here a request is sent at once and only a failure waits.
 *
 * The policy is the plugin's defaults: a request error with status 400 or more, bar the statuses
 * that cannot succeed on a second try, is retried up to 3 times (or `request.retries`), after 1, 4
 * and 9 seconds; so is a GraphQL answer whose first error is GitHub's "Something went wrong while
 * executing your query". `request.retryCount` counts the retries as the plugin does (the throttling
 * plugin reads it). The Octokit it goes on must have @octokit/plugin-retry disabled
 * (`retry: { enabled: false }`), or failures would be retried by both.
 */
export const doNotRetry: readonly number[] = [400, 401, 403, 404, 410, 422, 451];
const defaultRetries = 3;
const somethingWentWrong = "Something went wrong while executing your query";

export interface RequestRetrySettings {
  /** Milliseconds per unit of the plugin's quadratic delay; tests shorten it. Default 1000. */
  readonly retryAfterBaseMs?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** JavaScript's `~~value`, as the plugin reads its counts. */
function toInt32(value: unknown): number {
  return Number(value) | 0;
}

/**
 * The plugin's error hook: a request error worth retrying carries, in its request's options, how
 * many retries it gets and the delay factor ((retries so far + 1)²). Other errors pass unchanged.
 */
function markForRetry(error: unknown, requestOptions: Record<string, unknown>): unknown {
  if (!isRecord(error) || error.request === undefined) return error;
  const sent = error.request;
  if (!isRecord(sent) || !sent.request) return error;
  const status = error.status;
  if (typeof status === "number" && status >= 400 && !doNotRetry.includes(status)) {
    const retries = requestOptions.retries ?? defaultRetries;
    const retryCount = typeof requestOptions.retryCount === "number" ? requestOptions.retryCount : 0;
    sent.request = Object.assign({}, sent.request, { retries, retryAfter: (retryCount + 1) ** 2 });
  }
  return error;
}

/** The plugin's `failed` listener: milliseconds to wait before the next attempt, or undefined to give up. */
function retryDelayMs(error: unknown, retryCount: number, requestOptions: Record<string, unknown>, baseMs: number): number | undefined {
  if (!isRecord(error) || !isRecord(error.request)) return undefined;
  const marked = error.request.request;
  const maxRetries = isRecord(marked) ? toInt32(marked.retries) : 0;
  const after = isRecord(marked) ? toInt32(marked.retryAfter) : 0;
  requestOptions.retryCount = retryCount + 1;
  return maxRetries > retryCount ? toInt32(after * baseMs) : undefined;
}

/** The message of a GraphQL answer whose first error is GitHub's transient "Something went wrong", else undefined. */
function graphqlHiccup(data: unknown): string | undefined {
  if (!isRecord(data) || !Array.isArray(data.errors) || data.errors.length === 0) return undefined;
  const first: unknown = data.errors[0];
  const message = isRecord(first) ? String(first.message) : undefined;
  return message?.includes(somethingWentWrong) ? message : undefined;
}

/** An Octokit plugin that retries requests as @octokit/plugin-retry would. */
export function requestRetry(settings: RequestRetrySettings = {}): (octokit: Pick<Octokit, "hook">) => void {
  const baseMs = settings.retryAfterBaseMs ?? 1000;
  return (octokit) => {
    octokit.hook.wrap("request", async (request, options) => {
      const requestOptions: Record<string, unknown> = options.request;
      for (let retryCount = 0; ; retryCount += 1) {
        try {
          let response;
          try {
            response = await request(options);
          } catch (error) {
            throw markForRetry(error, requestOptions);
          }
          const hiccup = graphqlHiccup(response.data);
          if (hiccup !== undefined) throw markForRetry(new RequestError(hiccup, 500, { request: options, response }), requestOptions);
          return response;
        } catch (error) {
          const delayMs = retryDelayMs(error, retryCount, requestOptions, baseMs);
          if (delayMs === undefined) throw error;
          await sleep(delayMs);
        }
      }
    });
  };
}
