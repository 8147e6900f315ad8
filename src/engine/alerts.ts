import type { GitHubGateway } from "../github/github-gateway.js";
import type { Alert, AlertSeverity } from "../store/alerts.js";
import { claimAlert, markAlertNotified, raiseAlert, releaseAlertClaim } from "../store/alerts.js";
import { enqueueJob } from "../store/jobs.js";
import type { Db } from "../store/open-database.js";
import { statement } from "../store/statement-cache.js";
import type { Task } from "../store/tasks.js";
import { formatUsd } from "../telemetry/format.js";
import type { CircuitChange } from "./circuit-breaker.js";
import type { EngineDeps } from "./engine-deps.js";
import { alertJob } from "./job-kinds.js";
import { frozenConfig, githubRedaction } from "./task-context.js";
import { TaskState } from "./task-states.js";

/*
 * Alerts: budget shares reached, a failure rate over a window, a provider's circuit open, a task
 * stuck. Each is raised once (its key), logged with its severity, and shown where people look: a
 * task's alert as a comment on its issue (a comment notifies; an edit does not) and as a note on its
 * check run; an app-wide alert on the dashboard page and on the check runs of tasks running then.
 */

export function alertMarker(key: string): string {
  return `<!-- orchestrator:alert=${key} -->`;
}

/** The log line every alert gets, at its severity. */
export function logAlert(deps: Pick<EngineDeps, "log">, alert: Alert): void {
  const fields = { alert: alert.kind, severity: alert.severity, key: alert.key, ...(alert.taskId === null ? {} : { taskId: alert.taskId }) };
  if (alert.severity === "critical") deps.log.error(`alert: ${alert.message}`, fields);
  else deps.log.warn(`alert: ${alert.message}`, fields);
}

/** Whether the task's last pause was its budget refusing a call. */
function stoppedByBudget(db: Db, task: Task): boolean {
  if (task.state !== TaskState.needsHuman) return false;
  const last = statement<[number], { detail: string }>(db, "SELECT detail FROM task_events WHERE task_id = ? AND to_state = 'needs_human' ORDER BY id DESC LIMIT 1").get(task.id);
  return last !== undefined && (JSON.parse(last.detail) as { budget?: unknown }).budget === true;
}

/**
 * The budget shares this task has reached (`alerts.budget_percent`, default 80 and 100) that were
 * not raised before. 100% is also reached when the budget refused a call: the cap stops spend
 * before it is crossed, so spend itself rarely gets there.
 */
export function raiseBudgetAlerts(deps: Pick<EngineDeps, "db" | "clock">, task: Task, spentUsd: number): Alert[] {
  const config = frozenConfig(deps, task.id);
  const cap = config.budget.task_usd;
  const refused = stoppedByBudget(deps.db, task);
  const raised: Alert[] = [];
  for (const percent of [...new Set(config.alerts.budget_percent)].sort((a, b) => a - b)) {
    const reached = spentUsd >= (cap * percent) / 100 || (percent === 100 && refused);
    if (!reached) continue;
    const severity: AlertSeverity = percent >= 100 ? "critical" : "warning";
    const message =
      percent >= 100
        ? `task ${task.id} reached its budget: ${formatUsd(spentUsd)} spent of ${formatUsd(cap)}${refused ? "; the next model call would have crossed it, so it was not made" : ""}. Raise it with \`/orchestrator budget <usd>\`, then \`/orchestrator retry\`.`
        : `task ${task.id} has spent ${formatUsd(spentUsd)}, ${Math.round((spentUsd / cap) * 100)}% of its ${formatUsd(cap)} budget (alert at ${percent}%).`;
    const alert = raiseAlert(deps.db, { key: `budget:${percent}:task:${task.id}`, kind: "budget", severity, taskId: task.id, message, raisedAt: deps.clock.now() });
    if (alert) raised.push(alert);
  }
  return raised;
}

/** Longer than posting a comment takes; a claim held past it by a dead process lapses. */
const alertClaimMs = 60_000;

/**
 * Posts an alert on its task's issue and records that it did. The alert job and the task's own
 * report may both try: only the one that claims the alert posts; false for the other. A retry
 * after a crash between posting and recording finds the comment by its marker.
 */
export async function postAlertComment(deps: EngineDeps, github: GitHubGateway, task: Task, alert: Alert): Promise<boolean> {
  if (!claimAlert(deps.db, alert.id, deps.clock.now(), alertClaimMs)) return false;
  const marker = alertMarker(alert.key);
  const icon = alert.severity === "critical" ? "🛑" : "⚠️";
  const body = `${marker}\n${icon} **Orchestrator alert** (${alert.severity}): ${alert.message}`;
  try {
    await github.upsertIssueComment({ owner: task.owner, repo: task.repo }, task.issueNumber, {
      commentId: null,
      marker,
      body: githubRedaction(deps, task.id)(body),
      since: new Date(alert.raisedAt - 60_000).toISOString(),
    });
  } catch (error) {
    releaseAlertClaim(deps.db, alert.id);
    throw error;
  }
  markAlertNotified(deps.db, alert.id, deps.clock.now());
  return true;
}

/**
 * A provider's circuit opened: one alert per outage. A probe that fails re-opens a half-open
 * circuit; that is the same outage going on, not a new one.
 */
export function raiseCircuitAlert(deps: Pick<EngineDeps, "db" | "clock" | "log">, change: CircuitChange): Alert | undefined {
  if (change.to !== "open" || change.from !== "closed") return undefined;
  const now = deps.clock.now();
  const alert = raiseAlert(deps.db, {
    key: `circuit_open:${change.provider}:${now}`,
    kind: "circuit_open",
    severity: "critical",
    taskId: null,
    message: `the circuit of ${change.provider} opened after ${change.failures} consecutive failures: its calls go to the next model of each chain until a probe succeeds.`,
    raisedAt: now,
  });
  if (alert) logAlert(deps, alert);
  return alert;
}

const workingStates = [
  TaskState.queued,
  TaskState.planning,
  TaskState.planReview,
  TaskState.implementing,
  TaskState.codeReview,
  TaskState.pushing,
  TaskState.fixing,
  TaskState.revising,
] as const;

export interface AlertSweepSettings {
  /** Share of finished tasks that failed, over the window, at or above which an alert is raised. */
  readonly failureRate: number;
  readonly windowMs: number;
  /** Fewer finished tasks than this in the window say nothing. */
  readonly minTasks: number;
}

/**
 * The periodic look (with reconciliation): the failure rate over the last window, and tasks
 * working with no progress for longer than their `alerts.stuck_minutes`. A stuck task's comment is
 * posted by an `alert` job, which runs even while the task's own job is stuck.
 */
export function sweepAlerts(deps: Pick<EngineDeps, "db" | "clock" | "log">, settings: AlertSweepSettings): Alert[] {
  const { db } = deps;
  const now = deps.clock.now();
  const raised: Alert[] = [];

  const outcome = statement<[number], { failed: number; finished: number; newestFailure: number | null }>(
    db,
    `SELECT coalesce(sum(to_state = 'failed'), 0) AS failed, count(*) AS finished, max(CASE WHEN to_state = 'failed' THEN id END) AS newestFailure
       FROM task_events WHERE at >= ? AND to_state IN ('done', 'failed', 'cancelled')`,
  ).get(now - settings.windowMs) ?? { failed: 0, finished: 0, newestFailure: null };
  if (outcome.newestFailure !== null && outcome.finished >= settings.minTasks && outcome.failed / outcome.finished >= settings.failureRate) {
    const windowMinutes = Math.round(settings.windowMs / 60_000);
    const alert = raiseAlert(db, {
      // Keyed by the newest failure: the same failures never alert twice, a new one while the rate is high does.
      key: `failure_rate:${outcome.newestFailure}`,
      kind: "failure_rate",
      severity: "critical",
      taskId: null,
      message: `${outcome.failed} of the ${outcome.finished} tasks that finished in the last ${windowMinutes} minutes failed (${Math.round((outcome.failed / outcome.finished) * 100)}%, alert at ${Math.round(settings.failureRate * 100)}%).`,
      raisedAt: now,
    });
    if (alert) raised.push(alert);
  }

  const candidates = statement<[], { id: number; state: string; last_at: number; last_id: number }>(
    db,
    `SELECT t.id, t.state, e.at AS last_at, e.id AS last_id FROM tasks t
       JOIN task_events e ON e.id = (SELECT max(id) FROM task_events WHERE task_id = t.id AND to_state IS NOT NULL)
      WHERE t.state IN (${workingStates.map((s) => `'${s}'`).join(", ")})`,
  ).all();
  for (const task of candidates) {
    const limitMs = frozenConfig(deps, task.id).alerts.stuck_minutes * 60_000;
    if (now - task.last_at < limitMs) continue;
    const alert = raiseAlert(db, {
      // Once per stay in a state: moving on and getting stuck again raises a new one.
      key: `task_stuck:${task.id}:${task.last_id}`,
      kind: "task_stuck",
      severity: "warning",
      taskId: task.id,
      message: `task ${task.id} has been in ${task.state.replace(/_/g, " ")} for ${Math.round((now - task.last_at) / 60_000)} minutes without progress (alert after ${limitMs / 60_000}). Its jobs may be retrying a failing provider or GitHub; \`/orchestrator status\` shows where it is.`,
      raisedAt: now,
    });
    if (!alert) continue;
    raised.push(alert);
    enqueueJob(db, alertJob(alert.id, now), now);
  }
  for (const alert of raised) logAlert(deps, alert);
  return raised;
}
