import type { TaskState } from "../engine/task-states.js";
import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export interface TaskEvent {
  readonly id: number;
  readonly taskId: number;
  readonly at: number;
  readonly kind: string;
  readonly fromState: TaskState | null;
  readonly toState: TaskState | null;
  readonly detail: Record<string, unknown>;
}

interface TaskEventRow {
  id: number;
  task_id: number;
  at: number;
  kind: string;
  from_state: TaskState | null;
  to_state: TaskState | null;
  detail: string;
}

/** Append-only: there is no update or delete for events. */
export function appendTaskEvent(
  db: Db,
  event: { taskId: number; at: number; kind: string; fromState?: TaskState | null; toState?: TaskState | null; detail?: Record<string, unknown> },
): void {
  statement(db, "INSERT INTO task_events (task_id, at, kind, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?)").run(
    event.taskId,
    event.at,
    event.kind,
    event.fromState ?? null,
    event.toState ?? null,
    JSON.stringify(event.detail ?? {}),
  );
}

export function listTaskEvents(db: Db, taskId: number): TaskEvent[] {
  return statement<[number], TaskEventRow>(db, "SELECT * FROM task_events WHERE task_id = ? ORDER BY id")
    .all(taskId)
    .map((row) => ({
      id: row.id,
      taskId: row.task_id,
      at: row.at,
      kind: row.kind,
      fromState: row.from_state,
      toState: row.to_state,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    }));
}

export function countTaskEvents(db: Db): number {
  return statement<[], { n: number }>(db, "SELECT count(*) AS n FROM task_events").get()?.n ?? 0;
}
