import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export interface ModelCall extends TokenUsage {
  readonly id: number;
  readonly taskId: number | null;
  readonly role: string;
  readonly provider: string;
  readonly model: string;
  readonly requestHash: string;
  readonly status: "started" | "succeeded" | "failed";
  readonly costUsd: number;
  readonly startedAt: number;
  readonly durationMs: number | null;
  readonly error: string | null;
}

interface ModelCallRow {
  id: number;
  task_id: number | null;
  role: string;
  provider: string;
  model: string;
  request_hash: string;
  status: "started" | "succeeded" | "failed";
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  started_at: number;
  duration_ms: number | null;
  response: string | null;
  error: string | null;
}

function toModelCall(row: ModelCallRow): ModelCall {
  return {
    id: row.id,
    taskId: row.task_id,
    role: row.role,
    provider: row.provider,
    model: row.model,
    requestHash: row.request_hash,
    status: row.status,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    costUsd: row.cost_usd,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    error: row.error,
  };
}

export function startModelCall(
  db: Db,
  call: { taskId: number | null; role: string; provider: string; model: string; requestHash: string; startedAt: number },
): number {
  const row = statement<unknown[], { id: number }>(db, 
      "INSERT INTO model_calls (task_id, role, provider, model, request_hash, status, started_at) VALUES (?, ?, ?, ?, ?, 'started', ?) RETURNING id",
    )
    .get(call.taskId, call.role, call.provider, call.model, call.requestHash, call.startedAt);
  if (!row) throw new Error("Recording a model call returned no row.");
  return row.id;
}

export function finishModelCall(
  db: Db,
  id: number,
  result: { usage: TokenUsage; costUsd: number; durationMs: number; response: unknown },
): void {
  statement(db, 
    `UPDATE model_calls SET status = 'succeeded', input_tokens = ?, output_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?,
       cost_usd = ?, duration_ms = ?, response = ? WHERE id = ?`,
  ).run(
    result.usage.inputTokens,
    result.usage.outputTokens,
    result.usage.cacheReadTokens,
    result.usage.cacheWriteTokens,
    result.costUsd,
    result.durationMs,
    JSON.stringify(result.response),
    id,
  );
}

export function failModelCall(db: Db, id: number, durationMs: number, error: string): void {
  statement(db, "UPDATE model_calls SET status = 'failed', duration_ms = ?, error = ? WHERE id = ?").run(durationMs, error, id);
}

/**
 * Marks a task's calls still `started` as failed: called when a job of the task begins, and jobs of
 * one task never overlap, so such a call was cut off by a crash and will never get its answer.
 */
export function markInterruptedCalls(db: Db, taskId: number): number {
  return statement(db, "UPDATE model_calls SET status = 'failed', error = 'interrupted: the process stopped before the answer was recorded' WHERE status = 'started' AND task_id = ?")
    .run(taskId).changes;
}

/** A call this task already paid for with exactly this request; its stored response is replayed instead of paying twice. */
export function findSucceededCall(db: Db, taskId: number | null, requestHash: string): { call: ModelCall; response: unknown } | undefined {
  const row = statement<[number | null, string], ModelCallRow>(db, 
      "SELECT * FROM model_calls WHERE task_id IS ? AND request_hash = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
    )
    .get(taskId, requestHash);
  return row && { call: toModelCall(row), response: JSON.parse(row.response ?? "null") as unknown };
}

export function listModelCalls(db: Db, taskId?: number): ModelCall[] {
  const rows =
    taskId === undefined
      ? statement<[], ModelCallRow>(db, "SELECT * FROM model_calls ORDER BY id").all()
      : statement<[number], ModelCallRow>(db, "SELECT * FROM model_calls WHERE task_id = ? ORDER BY id").all(taskId);
  return rows.map(toModelCall);
}

export interface Spend {
  readonly usd: number;
  readonly tokens: number;
}

const spendColumns = "COALESCE(SUM(cost_usd), 0) AS usd, COALESCE(SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens), 0) AS tokens";

/** What a task has spent on model calls so far. */
export function taskSpend(db: Db, taskId: number): Spend {
  return statement<[number], Spend>(db, `SELECT ${spendColumns} FROM model_calls WHERE task_id = ?`).get(taskId) ?? { usd: 0, tokens: 0 };
}

/** What all tasks of one repository have spent on model calls since a moment (the start of the UTC day). */
export function repoSpendSince(db: Db, owner: string, repo: string, since: number): Spend {
  return (
    statement<[number, string, string], Spend>(
      db,
      `SELECT ${spendColumns} FROM model_calls WHERE started_at >= ? AND task_id IN (SELECT id FROM tasks WHERE owner = ? AND repo = ?)`,
    ).get(since, owner, repo) ?? { usd: 0, tokens: 0 }
  );
}
