import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export type SpanKind = "webhook" | "job" | "phase" | "model" | "github" | "other";

/** A finished trace span as the store keeps it. */
export interface StoredSpan {
  readonly spanId: string;
  readonly traceId: string;
  readonly parentSpanId: string | null;
  readonly taskId: number | null;
  readonly name: string;
  readonly kind: SpanKind;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly status: "ok" | "error";
  readonly statusMessage: string | null;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

interface SpanRow {
  span_id: string;
  trace_id: string;
  parent_span_id: string | null;
  task_id: number | null;
  name: string;
  kind: SpanKind;
  started_at: number;
  duration_ms: number;
  status: "ok" | "error";
  status_message: string | null;
  attributes: string;
}

function fromRow(row: SpanRow): StoredSpan {
  return {
    spanId: row.span_id,
    traceId: row.trace_id,
    parentSpanId: row.parent_span_id,
    taskId: row.task_id,
    name: row.name,
    kind: row.kind,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    status: row.status,
    statusMessage: row.status_message,
    attributes: JSON.parse(row.attributes) as StoredSpan["attributes"],
  };
}

/** Writes spans in one transaction; a span already stored (same id) is left as it is. */
export function insertSpans(db: Db, spans: readonly StoredSpan[]): void {
  if (spans.length === 0) return;
  const insert = statement(
    db,
    "INSERT OR IGNORE INTO spans (span_id, trace_id, parent_span_id, task_id, name, kind, started_at, duration_ms, status, status_message, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (const s of spans) {
      insert.run(s.spanId, s.traceId, s.parentSpanId, s.taskId, s.name, s.kind, s.startedAt, s.durationMs, s.status, s.statusMessage, JSON.stringify(s.attributes));
    }
  })();
}

/** A task's spans in the order they started. */
export function listTaskSpans(db: Db, taskId: number, limit = 5000): StoredSpan[] {
  return statement<[number, number], SpanRow>(db, "SELECT * FROM spans WHERE task_id = ? ORDER BY started_at, span_id LIMIT ?").all(taskId, limit).map(fromRow);
}

/** Spans that started at or after `since` (epoch ms), oldest first. */
export function listSpansSince(db: Db, since: number, limit = 10_000): StoredSpan[] {
  return statement<[number, number], SpanRow>(db, "SELECT * FROM spans WHERE started_at >= ? ORDER BY started_at, span_id LIMIT ?").all(since, limit).map(fromRow);
}

/** Drops spans that started before `before` (epoch ms); returns how many went. */
export function pruneSpans(db: Db, before: number): number {
  return statement<[number]>(db, "DELETE FROM spans WHERE started_at < ?").run(before).changes;
}
