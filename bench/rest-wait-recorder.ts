// Times the app's HTTP requests to the GitHub simulator, from Node's fetch (undici) diagnostics channels, without touching the app.
import diagnostics from "node:diagnostics_channel";

interface Interval {
  readonly start: number;
  readonly end: number;
}

interface UndiciRequest {
  readonly origin: string;
  readonly path: string;
}

function requestOf(message: unknown): (UndiciRequest & object) | undefined {
  if (typeof message !== "object" || message === null || !("request" in message)) return undefined;
  const request = message.request;
  if (typeof request !== "object" || request === null || !("path" in request) || !("origin" in request)) return undefined;
  const { path, origin } = request;
  return typeof path === "string" && typeof origin === "string" ? Object.assign(request, { path, origin }) : undefined;
}

/** Requests to the model simulator and webhook deliveries into the app travel the same fetch; only GitHub REST counts here. */
function isGitHubRest(request: UndiciRequest): boolean {
  return !request.path.startsWith("/api/github/webhooks") && !request.path.startsWith("/anthropic/") && !request.path.startsWith("/openai/");
}

/** Epoch milliseconds with sub-millisecond precision, comparable with the app's `Date.now()` timestamps. */
const now = (): number => performance.timeOrigin + performance.now();

export class RestWaitRecorder {
  readonly #open = new Map<object, number>();
  #done: Interval[] = [];
  readonly #onCreate = (message: unknown): void => {
    const request = requestOf(message);
    if (request && isGitHubRest(request)) this.#open.set(request, now());
  };
  readonly #onEnd = (message: unknown): void => {
    const request = requestOf(message);
    const start = request && this.#open.get(request);
    if (request === undefined || start === undefined) return;
    this.#open.delete(request);
    this.#done.push({ start, end: now() });
  };
  readonly #onError = (message: unknown): void => {
    const request = requestOf(message);
    if (request) this.#open.delete(request);
  };

  start(): void {
    diagnostics.subscribe("undici:request:create", this.#onCreate);
    diagnostics.subscribe("undici:request:trailers", this.#onEnd);
    diagnostics.subscribe("undici:request:error", this.#onError);
  }

  stop(): void {
    diagnostics.unsubscribe("undici:request:create", this.#onCreate);
    diagnostics.unsubscribe("undici:request:trailers", this.#onEnd);
    diagnostics.unsubscribe("undici:request:error", this.#onError);
  }

  clear(): void {
    this.#done = [];
    this.#open.clear();
  }

  /** Milliseconds within [from, to] during which at least one GitHub REST request was in flight, and how many requests started then. */
  waitedBetween(from: number, to: number): { ms: number; requests: number } {
    const clipped = this.#done
      .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
      .filter((i) => i.end > i.start)
      .sort((a, b) => a.start - b.start);
    let total = 0;
    let reach = from;
    for (const i of clipped) {
      const start = Math.max(i.start, reach);
      if (i.end > start) total += i.end - start;
      reach = Math.max(reach, i.end);
    }
    return { ms: total, requests: this.#done.filter((i) => i.start >= from && i.start <= to).length };
  }
}
