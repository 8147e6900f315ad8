/*
 * The shapes of the all-tasks dashboard's data (dashboard-data.ts builds it): plain JSON, what the
 * page, /dashboard.json and `orchestrator dashboard --json` carry.
 */
import type { TaskState } from "../engine/task-states.js";
import type { AlertKind, AlertSeverity } from "../store/alerts.js";
import type { StoredSpan } from "../store/spans.js";
import type { PhaseSpan, SpendTotals } from "./task-report.js";

/** Where a task ended up, or that it is still going: the outcomes the charts count. */
export const outcomeBuckets = ["done", "failed", "cancelled", "needs_human", "active"] as const;
export type OutcomeBucket = (typeof outcomeBuckets)[number];

export type OutcomeCounts = Readonly<Record<OutcomeBucket, number>>;

export interface DashboardOptions {
  /** Epoch ms: the end of the window. */
  readonly now: number;
  /** How many UTC days, today included (default 14). */
  readonly days?: number;
  /** A task whose timeline the data carries as `task`. */
  readonly taskId?: number;
  /** A spend cap for the window in USD: the data then carries the spend against it. */
  readonly budgetUsd?: number;
}

export interface DashboardTotals extends OutcomeCounts {
  readonly tasks: number;
  /** Done tasks whose pull request was merged (by a person, or by Orchestrator on approval). */
  readonly mergedPrs: number;
  readonly spendUsd: number;
  readonly tokens: number;
  readonly modelCalls: number;
}

export interface DayCounts {
  /** The UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly counts: OutcomeCounts;
}

export interface MergedTaskCost {
  readonly taskId: number;
  readonly repo: string;
  readonly prNumber: number | null;
  readonly costUsd: number;
}

export interface CostPerMergedPr {
  readonly mergedPrs: number;
  readonly totalUsd: number;
  /** Null when nothing was merged. */
  readonly averageUsd: number | null;
  readonly tasks: readonly MergedTaskCost[];
}

export interface FirstPassCi {
  /** Tasks that got a CI verdict (green, red, or handed to a person while waiting on CI). */
  readonly tasksWithVerdict: number;
  /** Of those, the tasks whose first verdict was green. */
  readonly greenFirstTime: number;
  /** greenFirstTime ÷ tasksWithVerdict; null when no task had a verdict. */
  readonly rate: number | null;
}

export interface ModelRoleSpend {
  readonly provider: string;
  readonly model: string;
  readonly role: string;
  readonly costUsd: number;
  readonly tokens: number;
  /** Calls that succeeded; failed ones are counted apart. */
  readonly calls: number;
  readonly failedCalls: number;
}

/** Durations of the finished phases in one state; quantiles interpolate between the closest ranks. */
export interface PhaseDurations {
  readonly state: TaskState;
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly maxMs: number;
}

/** What every listing of a task shows. */
export interface TaskSummary {
  readonly id: number;
  /** owner/name */
  readonly repo: string;
  readonly issueNumber: number;
  readonly issueTitle: string;
  readonly state: TaskState;
  readonly outcome: OutcomeBucket;
  readonly prNumber: number | null;
  readonly prUrl: string | null;
}

export interface RecentTask extends TaskSummary {
  readonly merged: boolean;
  readonly costUsd: number;
  readonly createdAt: number;
  /** To its final state, or until now while it is going. */
  readonly durationMs: number;
}

export interface DashboardAlert {
  readonly id: number;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly taskId: number | null;
  readonly message: string;
  readonly raisedAt: number;
}

/** A span as the timeline draws it: the stored span without its trace, task and attributes. */
export type TimelineSpan = Pick<StoredSpan, "spanId" | "parentSpanId" | "name" | "kind" | "startedAt" | "durationMs" | "status" | "statusMessage">;

export interface TimelineModelCall {
  readonly id: number;
  readonly role: string;
  readonly provider: string;
  readonly model: string;
  readonly status: "started" | "succeeded" | "failed";
  readonly startedAt: number;
  readonly durationMs: number | null;
  readonly costUsd: number;
  readonly tokens: number;
}

/** One task's timeline: its phases from the event log, its spans and its model calls. */
export interface TaskTimeline extends TaskSummary {
  readonly failure: string | null;
  readonly createdAt: number;
  /** When it reached its final state; null while it is going. */
  readonly endedAt: number | null;
  readonly phases: readonly PhaseSpan[];
  readonly spans: readonly TimelineSpan[];
  readonly modelCalls: readonly TimelineModelCall[];
  /** Of the calls that succeeded. */
  readonly totals: SpendTotals;
}

export interface DashboardBudget {
  readonly capUsd: number;
  readonly spentUsd: number;
  /** spentUsd ÷ capUsd (above 1 when over). */
  readonly share: number;
}

export interface DashboardData {
  readonly generatedAt: number;
  readonly window: { readonly days: number; readonly since: number; readonly until: number };
  readonly totals: DashboardTotals;
  readonly tasksByDay: readonly DayCounts[];
  readonly costPerMergedPr: CostPerMergedPr;
  readonly firstPassCi: FirstPassCi;
  readonly spendByModelRole: readonly ModelRoleSpend[];
  readonly slowestPhases: readonly PhaseDurations[];
  readonly recentTasks: readonly RecentTask[];
  readonly alerts: readonly DashboardAlert[];
  readonly budget: DashboardBudget | null;
  readonly task: TaskTimeline | null;
}
