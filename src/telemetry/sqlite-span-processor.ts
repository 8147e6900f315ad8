import type { Context } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { Db } from "../store/open-database.js";
import type { SpanKind, StoredSpan } from "../store/spans.js";
import { insertSpans, pruneSpans } from "../store/spans.js";
import { SpanAttr } from "./tracing.js";

const spanKinds: readonly SpanKind[] = ["webhook", "job", "phase", "model", "github", "other"];

function ms([seconds, nanos]: readonly [number, number]): number {
  return seconds * 1000 + nanos / 1e6;
}

/** The span as the store keeps it: attributes flattened to scalars (arrays joined), the task id lifted into its column. */
export function toStoredSpan(span: ReadableSpan): StoredSpan {
  const attributes: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (value === undefined) continue;
    attributes[key] = Array.isArray(value) ? value.join(",") : value;
  }
  const kind = attributes[SpanAttr.kind];
  const taskId = attributes[SpanAttr.taskId];
  return {
    spanId: span.spanContext().spanId,
    traceId: span.spanContext().traceId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    taskId: typeof taskId === "number" ? taskId : null,
    name: span.name,
    kind: spanKinds.includes(kind as SpanKind) ? (kind as SpanKind) : "other",
    startedAt: ms(span.startTime),
    durationMs: ms(span.duration),
    status: span.status.code === SpanStatusCode.ERROR ? "error" : "ok",
    statusMessage: span.status.message ?? null,
    attributes,
  };
}

export interface SqliteSpanProcessorOptions {
  /** Buffered spans are written at least this often (and whenever 500 are waiting). Default 1 s. */
  readonly flushMs?: number;
  /** Spans older than this are deleted, checked at most hourly. Default 14 days; 0 keeps everything. */
  readonly retentionMs?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Keeps the finished spans of tasks in SQLite, so the dashboards draw timelines with no collector.
 * Spans are buffered and written in one transaction per flush, never inside the code that ends them.
 */
export class SqliteSpanProcessor implements SpanProcessor {
  readonly #db: Db;
  readonly #options: Required<Omit<SqliteSpanProcessorOptions, "onError">> & SqliteSpanProcessorOptions;
  #buffer: StoredSpan[] = [];
  #timer: NodeJS.Timeout | undefined;
  #lastPrune = 0;
  #soon = false;
  #closed = false;

  constructor(db: Db, options: SqliteSpanProcessorOptions = {}) {
    this.#db = db;
    this.#options = { flushMs: 1000, retentionMs: 14 * 86_400_000, now: Date.now, ...options };
  }

  onStart(_span: Span, _parentContext: Context): void {
    // Nothing to do until the span ends.
  }

  onEnd(span: ReadableSpan): void {
    // Only a task's spans are kept: the dashboards draw tasks' timelines, and a webhook burst (spans
    // of no task yet) would otherwise cost a write per delivery. Those go to OTLP when it is set.
    if (this.#closed || typeof span.attributes[SpanAttr.taskId] !== "number") return;
    this.#buffer.push(toStoredSpan(span));
    if (this.#buffer.length >= 500) {
      // Soon, but not inside span.end(): the code ending the span (a webhook's answer) must not pay for the commit.
      if (!this.#soon) {
        this.#soon = true;
        setImmediate(() => {
          this.#soon = false;
          this.#write();
        });
      }
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#write();
      }, this.#options.flushMs);
      this.#timer.unref();
    }
  }

  /** Writes what is buffered now (the dashboards call this before they read). */
  flushNow(): void {
    this.#write();
  }

  forceFlush(): Promise<void> {
    this.#write();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#write();
    this.#closed = true;
    return Promise.resolve();
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const spans = this.#buffer;
    this.#buffer = [];
    if (spans.length === 0) return;
    if (!this.#db.open) {
      this.#options.onError?.(new Error(`the database is closed: ${spans.length} span${spans.length === 1 ? "" : "s"} not stored`));
      return;
    }
    try {
      insertSpans(this.#db, spans);
      const now = this.#options.now();
      if (this.#options.retentionMs > 0 && now - this.#lastPrune >= 3_600_000) {
        this.#lastPrune = now;
        pruneSpans(this.#db, now - this.#options.retentionMs);
      }
    } catch (error) {
      // Tracing never takes the app down: the spans of this flush are lost, and said so.
      this.#options.onError?.(error);
    }
  }
}
