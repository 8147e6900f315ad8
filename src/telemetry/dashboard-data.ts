/*
 * The all-tasks dashboard's data: plain JSON, read from the store in one place, for the HTML page
 * (render-dashboard-html.ts), /dashboard.json and `orchestrator dashboard`.
 *
 * The window is the last `days` UTC days, today included; the counts, spend, CI rate and phase
 * durations are those of the tasks created in it. Recent tasks are the latest 50 whatever their age.
 */
import { startOfUtcDay } from "../engine/budget.js";
import type { TaskState } from "../engine/task-states.js";
import { TaskState as States } from "../engine/task-states.js";
import { approve, ciFailed, ciPassed, handToHuman, merged } from "../engine/transitions.js";
import { listRecentAlerts } from "../store/alerts.js";
import { listModelCalls, taskSpend } from "../store/model-calls.js";
import type { Db } from "../store/open-database.js";
import { listTaskSpans } from "../store/spans.js";
import { statement } from "../store/statement-cache.js";
import type { TaskEvent } from "../store/task-events.js";
import { listTaskEvents } from "../store/task-events.js";
import type { Task } from "../store/tasks.js";
import { getTask } from "../store/tasks.js";
import type { PhaseSpan } from "./task-report.js";
import { phasesOf, sumCalls } from "./task-report.js";
import type { CostPerMergedPr, DashboardData, DashboardOptions, DayCounts, FirstPassCi, ModelRoleSpend, OutcomeBucket, PhaseDurations, RecentTask, TaskSummary, TaskTimeline } from "./dashboard-types.js";

const dayMs = 86_400_000;
export const defaultDashboardDays = 14;
export const maxDashboardDays = 366;
const recentTaskCount = 50;
const slowestPhaseCount = 8;
const alertCount = 50;
const timelineSpanLimit = 1000;

export class DashboardTaskNotFoundError extends Error {
  override readonly name = "DashboardTaskNotFoundError";
  constructor(readonly taskId: number) {
    super(`Task ${taskId} does not exist in this database.`);
  }
}

export function outcomeOf(state: TaskState): OutcomeBucket {
  if (state === States.done || state === States.failed || state === States.cancelled || state === States.needsHuman) return state;
  return "active";
}

/** What the dashboard needs of one task, read once. */
interface TaskFacts {
  readonly task: Task;
  readonly outcome: OutcomeBucket;
  readonly merged: boolean;
  readonly firstCiVerdict: "green" | "red" | null;
  readonly phases: readonly PhaseSpan[];
  readonly endedAt: number | null;
  readonly costUsd: number;
  readonly tokens: number;
}

/** A merge by a person (`merged`) or by Orchestrator on approval (`approve` with `merged: true`). */
function isMergeEvent(event: TaskEvent): boolean {
  return event.kind === merged.transitionName || (event.kind === approve.transitionName && event.detail.merged === true);
}

function ciVerdictOf(event: TaskEvent): "green" | "red" | null {
  if (event.kind === ciPassed.transitionName) return "green";
  if (event.kind === ciFailed.transitionName) return "red";
  if (event.kind === handToHuman.transitionName && event.fromState === States.awaitingCi) return "red";
  return null;
}

function factsOf(db: Db, task: Task): TaskFacts {
  const events = listTaskEvents(db, task.id);
  const phases = phasesOf(events);
  const spend = taskSpend(db, task.id);
  const outcome = outcomeOf(task.state);
  const last = phases.at(-1);
  const finished = outcome !== "active" && outcome !== "needs_human";
  return {
    task,
    outcome,
    merged: task.state === States.done && events.some(isMergeEvent),
    firstCiVerdict: events.map(ciVerdictOf).find((v) => v !== null) ?? null,
    phases,
    endedAt: finished && last ? last.startedAt : null,
    costUsd: spend.usd,
    tokens: spend.tokens,
  };
}

function zeroCounts(): Record<OutcomeBucket, number> {
  return { done: 0, failed: 0, cancelled: 0, needs_human: 0, active: 0 };
}

function repoOf(task: Task): string {
  return `${task.owner}/${task.repo}`;
}

function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The value at quantile `q` of ascending `sorted`, interpolating between the two closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const low = sorted[below] ?? 0;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (position - below);
}

function tasksByDay(facts: readonly TaskFacts[], since: number, days: number): DayCounts[] {
  const byDay = new Map<string, Record<OutcomeBucket, number>>();
  for (let i = 0; i < days; i += 1) byDay.set(utcDay(since + i * dayMs), zeroCounts());
  for (const f of facts) {
    const counts = byDay.get(utcDay(f.task.createdAt));
    if (counts) counts[f.outcome] += 1;
  }
  return [...byDay].map(([day, counts]) => ({ day, counts }));
}

function costPerMergedPr(facts: readonly TaskFacts[]): CostPerMergedPr {
  const tasks = facts.filter((f) => f.merged).map((f) => ({ taskId: f.task.id, repo: repoOf(f.task), prNumber: f.task.prNumber, costUsd: f.costUsd }));
  const totalUsd = tasks.reduce((sum, t) => sum + t.costUsd, 0);
  return { mergedPrs: tasks.length, totalUsd, averageUsd: tasks.length === 0 ? null : totalUsd / tasks.length, tasks };
}

function firstPassCi(facts: readonly TaskFacts[]): FirstPassCi {
  const verdicts = facts.map((f) => f.firstCiVerdict).filter((v) => v !== null);
  const green = verdicts.filter((v) => v === "green").length;
  return { tasksWithVerdict: verdicts.length, greenFirstTime: green, rate: verdicts.length === 0 ? null : green / verdicts.length };
}

function slowestPhases(facts: readonly TaskFacts[]): PhaseDurations[] {
  const byState = new Map<TaskState, number[]>();
  for (const phase of facts.flatMap((f) => f.phases)) {
    if (phase.endedAt === null) continue;
    const list = byState.get(phase.state) ?? [];
    list.push(phase.endedAt - phase.startedAt);
    byState.set(phase.state, list);
  }
  return [...byState]
    .map(([state, durations]) => {
      const sorted = durations.toSorted((a, b) => a - b);
      return { state, count: sorted.length, medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), maxMs: sorted.at(-1) ?? 0 };
    })
    .sort((a, b) => b.p90Ms - a.p90Ms || b.maxMs - a.maxMs || a.state.localeCompare(b.state))
    .slice(0, slowestPhaseCount);
}

interface SpendRow {
  provider: string;
  model: string;
  role: string;
  costUsd: number;
  tokens: number;
  calls: number;
  failedCalls: number;
}

/** Model calls of the tasks created in the window, by provider, model and role, costliest first. */
function spendByModelRole(db: Db, since: number, until: number): ModelRoleSpend[] {
  return statement<[number, number], SpendRow>(
    db,
    `SELECT provider, model, role,
            COALESCE(SUM(cost_usd), 0) AS costUsd,
            COALESCE(SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens), 0) AS tokens,
            COUNT(*) FILTER (WHERE status = 'succeeded') AS calls,
            COUNT(*) FILTER (WHERE status = 'failed') AS failedCalls
       FROM model_calls
      WHERE task_id IN (SELECT id FROM tasks WHERE created_at >= ? AND created_at <= ?)
      GROUP BY provider, model, role
      ORDER BY costUsd DESC, calls DESC, provider, model, role`,
  )
    .all(since, until)
    .map((row) => ({ ...row }));
}

/** What every listing of a task shows. */
function taskSummary(f: TaskFacts): TaskSummary {
  const { task } = f;
  return { id: task.id, repo: repoOf(task), issueNumber: task.issueNumber, issueTitle: task.issueTitle, state: task.state, outcome: f.outcome, prNumber: task.prNumber, prUrl: task.prUrl };
}

function recentTask(f: TaskFacts, now: number): RecentTask {
  const { task } = f;
  return {
    ...taskSummary(f),
    merged: f.merged,
    costUsd: f.costUsd,
    createdAt: task.createdAt,
    durationMs: (f.endedAt ?? Math.max(now, task.createdAt)) - task.createdAt,
  };
}

function taskTimeline(db: Db, f: TaskFacts): TaskTimeline {
  const { task } = f;
  const calls = listModelCalls(db, task.id);
  return {
    ...taskSummary(f),
    failure: task.failure,
    createdAt: task.createdAt,
    endedAt: f.endedAt,
    phases: f.phases,
    spans: listTaskSpans(db, task.id, timelineSpanLimit).map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      kind: s.kind,
      startedAt: s.startedAt,
      durationMs: s.durationMs,
      status: s.status,
      statusMessage: s.statusMessage,
    })),
    modelCalls: calls.map((c) => ({
      id: c.id,
      role: c.role,
      provider: c.provider,
      model: c.model,
      status: c.status,
      startedAt: c.startedAt,
      durationMs: c.durationMs,
      costUsd: c.costUsd,
      tokens: c.inputTokens + c.outputTokens + c.cacheReadTokens + c.cacheWriteTokens,
    })),
    totals: sumCalls(calls.filter((c) => c.status === "succeeded")),
  };
}

/** Reads everything the dashboard shows. Throws DashboardTaskNotFoundError for a `taskId` that does not exist. */
export function buildDashboardData(db: Db, options: DashboardOptions): DashboardData {
  const { now } = options;
  const days = Math.min(Math.max(Math.trunc(options.days ?? defaultDashboardDays), 1), maxDashboardDays);
  const since = startOfUtcDay(now) - (days - 1) * dayMs;
  const timelineTask = options.taskId === undefined ? undefined : getTask(db, options.taskId);
  if (options.taskId !== undefined && !timelineTask) throw new DashboardTaskNotFoundError(options.taskId);

  const known = new Map<number, TaskFacts>();
  const facts = (task: Task): TaskFacts => {
    const found = known.get(task.id) ?? factsOf(db, task);
    known.set(task.id, found);
    return found;
  };
  const tasksById = (rows: readonly { id: number }[]): Task[] => rows.map((r) => getTask(db, r.id)).filter((t) => t !== undefined);
  // Ids first, then each task by its key: the dashboard never holds every task ever made.
  const inWindow = tasksById(statement<[number, number], { id: number }>(db, "SELECT id FROM tasks WHERE created_at >= ? AND created_at <= ? ORDER BY id").all(since, now)).map(facts);
  const recent = tasksById(statement<[number], { id: number }>(db, "SELECT id FROM tasks ORDER BY id DESC LIMIT ?").all(recentTaskCount)).map(facts);

  const counts = zeroCounts();
  for (const f of inWindow) counts[f.outcome] += 1;
  const bySpend = spendByModelRole(db, since, now);
  const spendUsd = inWindow.reduce((sum, f) => sum + f.costUsd, 0);
  const costOfMerged = costPerMergedPr(inWindow);

  return {
    generatedAt: now,
    window: { days, since, until: now },
    totals: {
      tasks: inWindow.length,
      ...counts,
      mergedPrs: costOfMerged.mergedPrs,
      spendUsd,
      tokens: inWindow.reduce((sum, f) => sum + f.tokens, 0),
      modelCalls: bySpend.reduce((sum, s) => sum + s.calls, 0),
    },
    tasksByDay: tasksByDay(inWindow, since, days),
    costPerMergedPr: costOfMerged,
    firstPassCi: firstPassCi(inWindow),
    spendByModelRole: bySpend,
    slowestPhases: slowestPhases(inWindow),
    recentTasks: recent.map((f) => recentTask(f, now)),
    alerts: listRecentAlerts(db, since, alertCount).map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, taskId: a.taskId, message: a.message, raisedAt: a.raisedAt })),
    budget: options.budgetUsd === undefined ? null : { capUsd: options.budgetUsd, spentUsd: spendUsd, share: options.budgetUsd > 0 ? spendUsd / options.budgetUsd : 0 },
    task: timelineTask ? taskTimeline(db, facts(timelineTask)) : null,
  };
}
