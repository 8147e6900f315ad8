import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../src/config/repo-config.js";
import { raiseBudgetAlerts, raiseCircuitAlert, sweepAlerts } from "../../src/engine/alerts.js";
import { approvePlan, cancel, createTask, fail, handToHuman, merged, startPlanning, submitPlan } from "../../src/engine/transitions.js";
import type { WorkerLog } from "../../src/engine/worker.js";
import { listAlertsForTask, listRecentAlerts, listUnnotifiedTaskAlerts, markAlertNotified, raiseAlert } from "../../src/store/alerts.js";
import type { Db } from "../../src/store/open-database.js";
import { saveArtifact } from "../../src/store/task-artifacts.js";
import { requireTask } from "../../src/store/tasks.js";
import { ManualClock } from "../support/manual-clock.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const minute = 60_000;

function recordingLog(): WorkerLog & { lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] } {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
}

function taskWithConfig(db: Db, clock: ManualClock, yaml: string, issueNumber = 1): number {
  const task = createTask(db, sampleTask({ issueNumber }), { at: clock.now() });
  saveArtifact(db, task.id, "config", parseRepoConfig(yaml), clock.now());
  return task.id;
}

const sweepSettings = { failureRate: 0.5, windowMs: 60 * minute, minTasks: 4 };

describe("budget alerts", () => {
  it("raise each configured share once, as it is reached: 80% a warning, 100% critical", () => {
    const db = database();
    const clock = new ManualClock();
    const id = taskWithConfig(db, clock, "budget:\n  task_usd: 1\n");
    const deps = { db, clock };
    expect(raiseBudgetAlerts(deps, requireTask(db, id), 0.79)).toEqual([]);
    const at80 = raiseBudgetAlerts(deps, requireTask(db, id), 0.8);
    expect(at80).toEqual([expect.objectContaining({ kind: "budget", severity: "warning", key: `budget:80:task:${id}`, taskId: id })]);
    expect(at80[0]?.message).toBe(`task ${id} has spent $0.8000, 80% of its $1.00 budget (alert at 80%).`);
    // Reported again (every phase reports): nothing new.
    expect(raiseBudgetAlerts(deps, requireTask(db, id), 0.85)).toEqual([]);
    expect(raiseBudgetAlerts(deps, requireTask(db, id), 1)).toEqual([expect.objectContaining({ severity: "critical", key: `budget:100:task:${id}` })]);
    expect(listAlertsForTask(db, id, 0).map((a) => a.key)).toEqual([`budget:80:task:${id}`, `budget:100:task:${id}`]);
  });

  it("100% is reached when the budget refused a call, though spend stopped short of the cap", () => {
    const db = database();
    const clock = new ManualClock();
    const id = taskWithConfig(db, clock, "budget:\n  task_usd: 1\n");
    startPlanning(db, id, { at: clock.now() });
    handToHuman(db, id, { at: clock.now(), detail: { reason: "BudgetExceededError", budget: true } });
    const alerts = raiseBudgetAlerts({ db, clock }, requireTask(db, id), 0.3);
    expect(alerts.map((a) => a.key)).toEqual([`budget:100:task:${id}`]);
    expect(alerts[0]?.message).toContain("the next model call would have crossed it, so it was not made");
  });

  it("a pause for another reason is not the budget", () => {
    const db = database();
    const clock = new ManualClock();
    const id = taskWithConfig(db, clock, "");
    startPlanning(db, id, { at: clock.now() });
    handToHuman(db, id, { at: clock.now(), detail: { reason: "NeedsHumanError" } });
    expect(raiseBudgetAlerts({ db, clock }, requireTask(db, id), 0.3)).toEqual([]);
  });

  it("follow the repository's alerts.budget_percent", () => {
    const db = database();
    const clock = new ManualClock();
    const id = taskWithConfig(db, clock, "budget:\n  task_usd: 2\nalerts:\n  budget_percent: [50]\n");
    expect(raiseBudgetAlerts({ db, clock }, requireTask(db, id), 1.9).map((a) => a.key)).toEqual([`budget:50:task:${id}`]);
  });
});

describe("sweepAlerts", () => {
  it("raises a stuck task once per stay in its state, after its alerts.stuck_minutes, with a job to tell its issue", () => {
    const db = database();
    const clock = new ManualClock();
    const log = recordingLog();
    const id = taskWithConfig(db, clock, "alerts:\n  stuck_minutes: 30\n");
    startPlanning(db, id, { at: clock.now() });
    clock.advance(29 * minute);
    expect(sweepAlerts({ db, clock, log }, sweepSettings)).toEqual([]);
    clock.advance(2 * minute);
    const [stuck] = sweepAlerts({ db, clock, log }, sweepSettings);
    expect(stuck).toMatchObject({ kind: "task_stuck", severity: "warning", taskId: id });
    expect(stuck?.message).toMatch(/has been in planning for 31 minutes without progress \(alert after 30\)/);
    expect(db.prepare("SELECT kind, payload, task_id FROM jobs WHERE kind = 'alert'").all()).toEqual([{ kind: "alert", payload: JSON.stringify({ alertId: stuck?.id }), task_id: null }]);
    expect(log.lines.map((l) => [l.level, l.fields?.alert, l.fields?.severity, l.fields?.taskId])).toEqual([["warn", "task_stuck", "warning", id]]);
    clock.advance(60 * minute);
    expect(sweepAlerts({ db, clock, log }, sweepSettings)).toEqual([]);
    // Moving on and sticking again is a new alert.
    submitPlan(db, id, { at: clock.now() });
    clock.advance(31 * minute);
    expect(sweepAlerts({ db, clock, log }, sweepSettings).map((a) => a.kind)).toEqual(["task_stuck"]);
  });

  it("leaves tasks that wait on people or CI alone", () => {
    const db = database();
    const clock = new ManualClock();
    const id = taskWithConfig(db, clock, "alerts:\n  stuck_minutes: 5\n");
    startPlanning(db, id, { at: clock.now() });
    handToHuman(db, id, { at: clock.now() });
    clock.advance(600 * minute);
    expect(sweepAlerts({ db, clock, log: recordingLog() }, sweepSettings)).toEqual([]);
  });

  it("raises the failure rate when enough tasks finished in the window and too many failed, once per window", () => {
    const db = database();
    const clock = new ManualClock(100 * 60 * minute);
    const log = recordingLog();
    const finish = (issue: number, how: "fail" | "cancel" | "merge"): void => {
      const id = taskWithConfig(db, clock, "", issue);
      if (how === "fail") fail(db, id, { at: clock.now() });
      else if (how === "cancel") cancel(db, id, { at: clock.now() });
      else merged(db, id, { at: clock.now() });
    };
    finish(1, "fail");
    finish(2, "merge");
    finish(3, "fail");
    // Three finished: below the minimum, however bad.
    expect(sweepAlerts({ db, clock, log }, sweepSettings)).toEqual([]);
    finish(4, "cancel");
    const [rate] = sweepAlerts({ db, clock, log }, sweepSettings);
    expect(rate).toMatchObject({ kind: "failure_rate", severity: "critical", taskId: null });
    expect(rate?.message).toBe("2 of the 4 tasks that finished in the last 60 minutes failed (50%, alert at 50%).");
    expect(log.lines.at(-1)).toMatchObject({ level: "error", message: `alert: ${rate?.message ?? ""}` });
    expect(sweepAlerts({ db, clock, log }, sweepSettings)).toEqual([]);
    // Later sweeps, the same failures still in the window: no second alert for them.
    clock.advance(30 * minute);
    expect(sweepAlerts({ db, clock, log }, sweepSettings)).toEqual([]);
    // A new failure while the rate is still high is news.
    finish(5, "fail");
    expect(sweepAlerts({ db, clock, log }, sweepSettings).map((a) => a.message)).toEqual(["3 of the 5 tasks that finished in the last 60 minutes failed (60%, alert at 50%)."]);
    // The window moves on: those failures are history.
    clock.advance(61 * minute);
    expect(sweepAlerts({ db, clock, log }, sweepSettings)).toEqual([]);
  });

  it("stays quiet below the rate", () => {
    const db = database();
    const clock = new ManualClock();
    for (let issue = 1; issue <= 5; issue += 1) {
      const id = taskWithConfig(db, clock, "", issue);
      if (issue === 1) fail(db, id, { at: clock.now() });
      else merged(db, id, { at: clock.now() });
    }
    expect(sweepAlerts({ db, clock, log: recordingLog() }, sweepSettings)).toEqual([]);
  });
});

describe("raiseCircuitAlert", () => {
  it("raises one critical alert per outage: a failed probe re-opening the circuit is the same outage", () => {
    const db = database();
    const clock = new ManualClock();
    const log = recordingLog();
    expect(raiseCircuitAlert({ db, clock, log }, { provider: "anthropic", from: "closed", to: "open", failures: 3 })).toMatchObject({ kind: "circuit_open", severity: "critical", taskId: null });
    expect(raiseCircuitAlert({ db, clock, log }, { provider: "anthropic", from: "open", to: "half_open", failures: 3 })).toBeUndefined();
    clock.advance(minute);
    expect(raiseCircuitAlert({ db, clock, log }, { provider: "anthropic", from: "half_open", to: "open", failures: 4 })).toBeUndefined();
    expect(raiseCircuitAlert({ db, clock, log }, { provider: "anthropic", from: "half_open", to: "closed", failures: 0 })).toBeUndefined();
    clock.advance(minute);
    expect(raiseCircuitAlert({ db, clock, log }, { provider: "anthropic", from: "closed", to: "open", failures: 3 })).toBeDefined();
    expect(listRecentAlerts(db, 0).map((a) => a.kind)).toEqual(["circuit_open", "circuit_open"]);
    expect(log.lines.map((l) => l.level)).toEqual(["error", "error"]);
  });

  it("shows app-wide alerts on the check runs of tasks running when they were raised", () => {
    const db = database();
    const clock = new ManualClock();
    const id = taskWithConfig(db, clock, "");
    startPlanning(db, id, { at: clock.now() });
    submitPlan(db, id, { at: clock.now() });
    approvePlan(db, id, { at: clock.now() });
    clock.advance(minute);
    raiseCircuitAlert({ db, clock, log: recordingLog() }, { provider: "openai", from: "closed", to: "open", failures: 3 });
    expect(listAlertsForTask(db, id, requireTask(db, id).createdAt).map((a) => a.kind)).toEqual(["circuit_open"]);
    expect(listAlertsForTask(db, id, clock.now() + 1)).toEqual([]);
  });

  it("a long outage's app-wide alerts never crowd out a task's own", () => {
    const db = database();
    const clock = new ManualClock();
    const id = taskWithConfig(db, clock, "budget:\n  task_usd: 1\n");
    const [budget] = raiseBudgetAlerts({ db, clock }, requireTask(db, id), 0.9);
    for (let i = 0; i < 50; i += 1) {
      clock.advance(minute);
      raiseAlert(db, { key: `failure_rate:${i}`, kind: "failure_rate", severity: "critical", taskId: null, message: `rate ${i}`, raisedAt: clock.now() });
    }
    const shown = listAlertsForTask(db, id, 0);
    expect(shown[0]?.key).toBe(budget?.key);
    // The newest app-wide ones, oldest first.
    expect(shown.slice(1).map((a) => a.message)).toEqual(Array.from({ length: 20 }, (_, i) => `rate ${30 + i}`));
    expect(listUnnotifiedTaskAlerts(db, id).map((a) => a.key)).toEqual([budget?.key]);
    markAlertNotified(db, budget?.id ?? 0, clock.now());
    expect(listUnnotifiedTaskAlerts(db, id)).toEqual([]);
  });
});
