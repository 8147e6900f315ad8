import type { TaskState } from "../engine/task-states.js";
import type { ModelCall } from "../store/model-calls.js";
import { listModelCalls } from "../store/model-calls.js";
import type { Db } from "../store/open-database.js";
import type { TaskEvent } from "../store/task-events.js";
import { listTaskEvents } from "../store/task-events.js";
import type { Task } from "../store/tasks.js";
import { requireTask } from "../store/tasks.js";

export interface PhaseSpan {
  readonly state: TaskState;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

export interface SpendTotals {
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly costUsd: number;
  readonly modelMs: number;
}

/** Everything a task's dashboards show, read from the store in one place. */
export interface TaskReport {
  readonly task: Task;
  readonly events: readonly TaskEvent[];
  readonly calls: readonly ModelCall[];
  readonly phases: readonly PhaseSpan[];
  readonly totals: SpendTotals;
}

export function sumCalls(calls: readonly ModelCall[]): SpendTotals {
  return calls.reduce<SpendTotals>(
    (t, c) => ({
      calls: t.calls + 1,
      inputTokens: t.inputTokens + c.inputTokens,
      outputTokens: t.outputTokens + c.outputTokens,
      cacheReadTokens: t.cacheReadTokens + c.cacheReadTokens,
      cacheWriteTokens: t.cacheWriteTokens + c.cacheWriteTokens,
      costUsd: t.costUsd + c.costUsd,
      modelMs: t.modelMs + (c.durationMs ?? 0),
    }),
    { calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, modelMs: 0 },
  );
}

export function phasesOf(events: readonly TaskEvent[]): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  for (const event of events) {
    if (event.toState === null) continue;
    const last = spans.at(-1);
    if (last) spans[spans.length - 1] = { ...last, endedAt: event.at };
    spans.push({ state: event.toState, startedAt: event.at, endedAt: null });
  }
  return spans;
}

export function buildTaskReport(db: Db, taskId: number): TaskReport {
  const task = requireTask(db, taskId);
  const events = listTaskEvents(db, taskId);
  const calls = listModelCalls(db, taskId).filter((c) => c.status === "succeeded");
  return { task, events, calls, phases: phasesOf(events), totals: sumCalls(calls) };
}
