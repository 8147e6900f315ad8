import { ciFailuresSchema } from "../engine/phase-artifacts.js";
import type { TaskState } from "../engine/task-states.js";
import type { Alert } from "../store/alerts.js";
import { listAlertsForTask } from "../store/alerts.js";
import { loadArtifact } from "../store/task-artifacts.js";
import { z } from "zod";
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

/** One CI verdict on a pushed commit: green, red (a fix follows or the loop stops), or stopped waiting. */
export interface CiRun {
  readonly at: number;
  readonly verdict: "green" | "red" | "stopped";
  readonly checks: readonly { readonly name: string; readonly conclusion: string | null; readonly category?: string }[];
  readonly note?: string;
}

/** The latest failing checks as the CI loop read them: the quality gate's own title and summary among them. */
export interface GateResult {
  readonly name: string;
  readonly conclusion: string;
  readonly category: string;
  readonly title: string | null;
}

export interface TaskCounts {
  /** Plans reviewed. */
  readonly planRounds: number;
  /** Changes reviewed by the code reviewer. */
  readonly codeReviewRounds: number;
  readonly fixAttempts: number;
  /** Revisions a person's review asked for. */
  readonly revisions: number;
}

/** Everything a task's dashboards show, read from the store in one place. */
export interface TaskReport {
  readonly task: Task;
  readonly events: readonly TaskEvent[];
  readonly calls: readonly ModelCall[];
  readonly phases: readonly PhaseSpan[];
  readonly totals: SpendTotals;
  readonly counts: TaskCounts;
  readonly ciRuns: readonly CiRun[];
  readonly gate: readonly GateResult[];
  /** The task's alerts, and app-wide ones raised while it ran. */
  readonly alerts: readonly Alert[];
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

export function countsOf(events: readonly TaskEvent[]): TaskCounts {
  return {
    planRounds: events.filter((e) => e.fromState === "plan_review" && e.toState !== null).length,
    codeReviewRounds: events.filter((e) => e.fromState === "code_review" && e.toState !== null).length,
    fixAttempts: events.filter((e) => e.kind === "ci_failed").length,
    revisions: events.filter((e) => e.kind === "request_revision").length,
  };
}

const checkListSchema = z.array(z.object({ name: z.string(), conclusion: z.string().nullable(), category: z.string().optional() })).catch([]);

export function ciRunsOf(events: readonly TaskEvent[]): CiRun[] {
  const runs: CiRun[] = [];
  for (const e of events) {
    const checks = checkListSchema.parse(e.detail.checks ?? []);
    if (e.kind === "ci_passed") runs.push({ at: e.at, verdict: "green", checks, ...(typeof e.detail.noCi === "string" ? { note: e.detail.noCi } : {}) });
    else if (e.kind === "ci_failed") runs.push({ at: e.at, verdict: "red", checks });
    else if (e.fromState === "awaiting_ci" && e.toState === "needs_human") runs.push({ at: e.at, verdict: "stopped", checks });
  }
  return runs;
}

function latestGate(db: Db, taskId: number): GateResult[] {
  const failures = ciFailuresSchema.safeParse(loadArtifact(db, taskId, "ci_failures"));
  const last = failures.success ? failures.data.at(-1) : undefined;
  if (!last || last.action === "reset") return [];
  return last.checks.map((c) => ({ name: c.name, conclusion: c.conclusion, category: c.category, title: c.title }));
}

export function buildTaskReport(db: Db, taskId: number): TaskReport {
  const task = requireTask(db, taskId);
  const events = listTaskEvents(db, taskId);
  const calls = listModelCalls(db, taskId).filter((c) => c.status === "succeeded");
  return {
    task,
    events,
    calls,
    phases: phasesOf(events),
    totals: sumCalls(calls),
    counts: countsOf(events),
    ciRuns: ciRunsOf(events),
    gate: latestGate(db, taskId),
    alerts: listAlertsForTask(db, taskId, task.createdAt),
  };
}
