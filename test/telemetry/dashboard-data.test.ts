import { describe, expect, it } from "vitest";
import {
  approve,
  approveCode,
  approvePlan,
  awaitCi,
  cancel,
  ciFailed,
  ciPassed,
  createTask,
  fail,
  handToHuman,
  merged,
  startPlanning,
  submitChange,
  submitFix,
  submitPlan,
} from "../../src/engine/transitions.js";
import { raiseAlert } from "../../src/store/alerts.js";
import { failModelCall, finishModelCall, startModelCall } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import type { StoredSpan } from "../../src/store/spans.js";
import { insertSpans } from "../../src/store/spans.js";
import { buildDashboardData, DashboardTaskNotFoundError, quantile } from "../../src/telemetry/dashboard-data.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
/** Noon on 15 January 2026 (UTC); a three-day window starts at midnight on the 13th. */
const now = Date.UTC(2026, 0, 15, 12);
const jan = (day: number, h: number, m = 0): number => Date.UTC(2026, 0, day, h, m);

function newTask(db: Db, issueNumber: number, at: number, repo = "calculator"): number {
  return createTask(db, sampleTask({ issueNumber, repo, issueTitle: `Issue ${issueNumber}` }), { at }).id;
}

/** queued 1 s, planning 60 s, plan_review 10 s, implementing 120 s, code_review 20 s, pushing 5 s: returns when awaiting_ci began. */
function toAwaitingCi(db: Db, id: number, createdAt: number): number {
  let at = createdAt + second;
  startPlanning(db, id, { at });
  submitPlan(db, id, { at: (at += minute) });
  approvePlan(db, id, { at: (at += 10 * second) });
  submitChange(db, id, { at: (at += 2 * minute) });
  approveCode(db, id, { at: (at += 20 * second) });
  awaitCi(db, id, { at: (at += 5 * second), patch: { prNumber: 100 + id, prUrl: `https://github.com/mona/calculator/pull/${100 + id}`, headSha: `sha-${id}` } });
  return at;
}

interface CallSpec {
  readonly role: string;
  readonly provider?: string;
  readonly model?: string;
  readonly costUsd: number;
  readonly input: number;
  readonly output: number;
  readonly at: number;
}

function recordCall(db: Db, taskId: number, spec: CallSpec): number {
  const id = startModelCall(db, { taskId, role: spec.role, provider: spec.provider ?? "anthropic", model: spec.model ?? "claude-sonnet-5-5", requestHash: `${taskId}-${spec.role}-${spec.at}`, startedAt: spec.at });
  finishModelCall(db, id, { usage: { inputTokens: spec.input, outputTokens: spec.output, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: spec.costUsd, durationMs: 2 * second, response: {} });
  return id;
}

/**
 * Seven tasks in the window and one before it:
 *   merged      created Jan 13: green CI first, merged by a person; $1.50
 *   autoMerged  created Jan 14: red CI, a fix, green, approved and merged by Orchestrator; $2.25 (+ a failed call)
 *   handedOver  created Jan 14: handed to a person while waiting on CI; $0.10
 *   approved    created Jan 15: green CI, approved without a merge
 *   planning    created Jan 15: still planning
 *   cancelled   created Jan 15: cancelled after 30 s
 *   failed      created Jan 15: failed after 10 s
 *   old         created Jan 12: merged, $9 — outside the window
 */
function history(db: Db): Record<"old" | "merged" | "autoMerged" | "handedOver" | "approved" | "planning" | "cancelled" | "failed", number> {
  const old = newTask(db, 9, jan(12, 8));
  merged(db, old, { at: toAwaitingCi(db, old, jan(12, 8)) + minute });
  recordCall(db, old, { role: "planner", costUsd: 9, input: 100, output: 100, at: jan(12, 8, 1) });

  const mergedTask = newTask(db, 1, jan(13, 10));
  let at = toAwaitingCi(db, mergedTask, jan(13, 10));
  ciPassed(db, mergedTask, { at: (at += 5 * minute) });
  merged(db, mergedTask, { at: at + hour });
  recordCall(db, mergedTask, { role: "planner", costUsd: 0.5, input: 800, output: 200, at: jan(13, 10, 1) });
  recordCall(db, mergedTask, { role: "implementer", costUsd: 1, input: 2000, output: 1000, at: jan(13, 10, 2) });

  const autoMerged = newTask(db, 2, jan(14, 9));
  at = toAwaitingCi(db, autoMerged, jan(14, 9));
  ciFailed(db, autoMerged, { at: (at += 200 * second) });
  submitFix(db, autoMerged, { at: (at += 100 * second) });
  awaitCi(db, autoMerged, { at: (at += 5 * second) });
  ciPassed(db, autoMerged, { at: (at += 250 * second) });
  approve(db, autoMerged, { at: at + 10 * minute, detail: { reviewer: "mona", merged: true, mergeMessage: "Merged" } });
  recordCall(db, autoMerged, { role: "implementer", costUsd: 2, input: 4000, output: 1000, at: jan(14, 9, 3) });
  recordCall(db, autoMerged, { role: "code_reviewer", provider: "openai", model: "gpt-5.4", costUsd: 0.25, input: 1500, output: 500, at: jan(14, 9, 4) });
  const failedCall = startModelCall(db, { taskId: autoMerged, role: "implementer", provider: "anthropic", model: "claude-sonnet-5-5", requestHash: "failed", startedAt: jan(14, 9, 5) });
  failModelCall(db, failedCall, 500, "overloaded");

  const handedOver = newTask(db, 3, jan(14, 11));
  handToHuman(db, handedOver, { at: toAwaitingCi(db, handedOver, jan(14, 11)) + 30 * minute, patch: { failure: "CI did not finish." } });
  recordCall(db, handedOver, { role: "planner", costUsd: 0.1, input: 400, output: 100, at: jan(14, 11, 1) });

  const approved = newTask(db, 4, jan(15, 8));
  at = toAwaitingCi(db, approved, jan(15, 8));
  ciPassed(db, approved, { at: (at += 100 * second) });
  approve(db, approved, { at: at + minute, detail: { reviewer: "mona" } });

  const planning = newTask(db, 5, jan(15, 9));
  startPlanning(db, planning, { at: jan(15, 9) + second });
  const cancelled = newTask(db, 6, jan(15, 10));
  cancel(db, cancelled, { at: jan(15, 10) + 30 * second });
  const failed = newTask(db, 7, jan(15, 10, 30));
  fail(db, failed, { at: jan(15, 10, 30) + 10 * second });
  return { old, merged: mergedTask, autoMerged, handedOver, approved, planning, cancelled, failed };
}

describe("buildDashboardData", () => {
  it("counts the window's tasks by outcome and by the UTC day they were created, leaving out older tasks", () => {
    const db = database();
    history(db);

    const data = buildDashboardData(db, { now, days: 3 });

    expect(data.window).toEqual({ days: 3, since: Date.UTC(2026, 0, 13), until: now });
    expect(data.totals).toMatchObject({ tasks: 7, done: 3, mergedPrs: 2, needs_human: 1, failed: 1, cancelled: 1, active: 1, tokens: 11_500, modelCalls: 5 });
    expect(data.totals.spendUsd).toBeCloseTo(3.85, 10);
    expect(data.tasksByDay).toEqual([
      { day: "2026-01-13", counts: { done: 1, failed: 0, cancelled: 0, needs_human: 0, active: 0 } },
      { day: "2026-01-14", counts: { done: 1, failed: 0, cancelled: 0, needs_human: 1, active: 0 } },
      { day: "2026-01-15", counts: { done: 1, failed: 1, cancelled: 1, needs_human: 0, active: 1 } },
    ]);
  });

  it("has a bar for every day of the window, empty days included", () => {
    const db = database();
    newTask(db, 1, jan(15, 9));

    const data = buildDashboardData(db, { now });

    expect(data.window.days).toBe(14);
    expect(data.tasksByDay.map((d) => d.day)).toEqual(Array.from({ length: 14 }, (_, i) => `2026-01-${String(2 + i).padStart(2, "0")}`));
    expect(data.tasksByDay.at(-1)?.counts.active).toBe(1);
    expect(data.tasksByDay.slice(0, -1).every((d) => Object.values(d.counts).every((c) => c === 0))).toBe(true);
  });

  it("costs a merged pull request by the spend of the tasks merged by a person or by Orchestrator, not those only approved", () => {
    const db = database();
    const ids = history(db);

    const { costPerMergedPr } = buildDashboardData(db, { now, days: 3 });

    expect(costPerMergedPr.tasks).toEqual([
      { taskId: ids.merged, repo: "mona/calculator", prNumber: 100 + ids.merged, costUsd: 1.5 },
      { taskId: ids.autoMerged, repo: "mona/calculator", prNumber: 100 + ids.autoMerged, costUsd: 2.25 },
    ]);
    expect(costPerMergedPr.mergedPrs).toBe(2);
    expect(costPerMergedPr.totalUsd).toBeCloseTo(3.75, 10);
    expect(costPerMergedPr.averageUsd).toBeCloseTo(1.875, 10);
  });

  it("rates first-pass CI by each task's first verdict: red CI and a hand-over while waiting on CI count against", () => {
    const db = database();
    history(db);

    const { firstPassCi } = buildDashboardData(db, { now, days: 3 });

    // merged and approved were green first; autoMerged was red first; handedOver stopped waiting on CI.
    expect(firstPassCi).toEqual({ tasksWithVerdict: 4, greenFirstTime: 2, rate: 0.5 });
  });

  it("has no rate and no average when nothing was judged or merged", () => {
    const db = database();
    newTask(db, 1, jan(15, 9));

    const data = buildDashboardData(db, { now });

    expect(data.firstPassCi).toEqual({ tasksWithVerdict: 0, greenFirstTime: 0, rate: null });
    expect(data.costPerMergedPr).toEqual({ mergedPrs: 0, totalUsd: 0, averageUsd: null, tasks: [] });
  });

  it("adds spend up by provider, model and role, costliest first, with failed calls counted apart", () => {
    const db = database();
    history(db);

    const { spendByModelRole } = buildDashboardData(db, { now, days: 3 });

    expect(spendByModelRole).toEqual([
      { provider: "anthropic", model: "claude-sonnet-5-5", role: "implementer", costUsd: 3, tokens: 8000, calls: 2, failedCalls: 1 },
      { provider: "anthropic", model: "claude-sonnet-5-5", role: "planner", costUsd: 0.6, tokens: 1500, calls: 2, failedCalls: 0 },
      { provider: "openai", model: "gpt-5.4", role: "code_reviewer", costUsd: 0.25, tokens: 2000, calls: 1, failedCalls: 0 },
    ]);
  });

  it("gives the median, 90th percentile and longest of each state's finished phases", () => {
    const db = database();
    for (const [i, seconds] of [10, 20, 30, 40, 50].entries()) {
      const id = newTask(db, i + 1, jan(15, 8));
      startPlanning(db, id, { at: jan(15, 8) + second });
      // The failed phase never ends: it is not counted.
      fail(db, id, { at: jan(15, 8) + second + seconds * second });
    }

    const { slowestPhases } = buildDashboardData(db, { now });

    expect(slowestPhases).toEqual([
      { state: "planning", count: 5, medianMs: 30_000, p90Ms: 46_000, maxMs: 50_000 },
      { state: "queued", count: 5, medianMs: 1000, p90Ms: 1000, maxMs: 1000 },
    ]);
  });

  it("lists at most eight states, slowest 90th percentile first", () => {
    const db = database();
    const id = newTask(db, 1, jan(15, 8));
    let at = toAwaitingCi(db, id, jan(15, 8));
    ciFailed(db, id, { at: (at += 3 * minute) });
    submitFix(db, id, { at: (at += 30 * second) });
    awaitCi(db, id, { at: (at += 2 * second) });
    ciPassed(db, id, { at: (at += minute) });
    merged(db, id, { at: at + 4 * minute });

    const { slowestPhases } = buildDashboardData(db, { now });

    // awaiting_ci twice (3 min and 1 min: p90 2.8 min), awaiting_review 4 min, implementing 2 min, planning 1 min, fixing 30 s,
    // code_review 20 s, plan_review 10 s, pushing 5 s and 2 s (p90 4.7 s); queued (1 s) is the ninth.
    expect(slowestPhases.map((p) => [p.state, p.p90Ms])).toEqual([
      ["awaiting_review", 240_000],
      ["awaiting_ci", 168_000],
      ["implementing", 120_000],
      ["planning", 60_000],
      ["fixing", 30_000],
      ["code_review", 20_000],
      ["plan_review", 10_000],
      ["pushing", 4700],
    ]);
  });

  it("lists the latest 50 tasks newest first, whatever their age, with cost and time to their final state or until now", () => {
    const db = database();
    const ids = history(db);
    for (let i = 0; i < 44; i += 1) newTask(db, 100 + i, jan(1, 8), "other");

    const { recentTasks } = buildDashboardData(db, { now, days: 3 });

    expect(recentTasks).toHaveLength(50);
    expect(recentTasks.map((t) => t.id)).toEqual(Array.from({ length: 50 }, (_, i) => 52 - i));
    const byId = new Map(recentTasks.map((t) => [t.id, t]));
    expect(byId.get(ids.cancelled)).toMatchObject({ state: "cancelled", outcome: "cancelled", durationMs: 30_000, costUsd: 0, prNumber: null, merged: false });
    expect(byId.get(ids.planning)).toMatchObject({ state: "planning", outcome: "active", durationMs: 3 * hour });
    expect(byId.get(ids.handedOver)).toMatchObject({ outcome: "needs_human", durationMs: now - jan(14, 11) });
    expect(byId.get(ids.autoMerged)).toMatchObject({ repo: "mona/calculator", issueNumber: 2, issueTitle: "Issue 2", merged: true, costUsd: 2.25, prUrl: `https://github.com/mona/calculator/pull/${100 + ids.autoMerged}` });
    expect(byId.has(ids.old)).toBe(false);
    expect(byId.has(ids.merged)).toBe(false);
  });

  it("shows the window's alerts, newest first", () => {
    const db = database();
    const id = newTask(db, 1, jan(15, 8));
    raiseAlert(db, { key: "old", kind: "failure_rate", severity: "warning", taskId: null, message: "Before the window.", raisedAt: jan(10, 8) });
    raiseAlert(db, { key: "budget", kind: "budget", severity: "warning", taskId: id, message: "80% of the budget.", raisedAt: jan(15, 9) });
    raiseAlert(db, { key: "stuck", kind: "task_stuck", severity: "critical", taskId: id, message: "Stuck in planning.", raisedAt: jan(15, 10) });

    const { alerts } = buildDashboardData(db, { now, days: 3 });

    expect(alerts.map((a) => [a.kind, a.severity, a.taskId, a.message])).toEqual([
      ["task_stuck", "critical", id, "Stuck in planning."],
      ["budget", "warning", id, "80% of the budget."],
    ]);
  });

  it("carries one task's timeline: its phases, its spans in the order they started, and all its model calls", () => {
    const db = database();
    const ids = history(db);
    const span = (spanId: string, name: string, kind: StoredSpan["kind"], startedAt: number, durationMs: number, status: "ok" | "error" = "ok"): StoredSpan => ({
      spanId, traceId: "t".repeat(32), parentSpanId: null, taskId: ids.autoMerged, name, kind, startedAt, durationMs, status, statusMessage: status === "error" ? "502 Bad Gateway" : null, attributes: { "http.status_code": 502 },
    });
    insertSpans(db, [
      span("b".repeat(16), "POST /repos/{owner}/{repo}/git/trees", "github", jan(14, 9, 6), 300, "error"),
      span("a".repeat(16), "implementing", "phase", jan(14, 9, 2), 2 * minute),
      span("c".repeat(16), "someone else's", "other", jan(14, 9, 3), 10),
    ]);
    insertSpans(db, [{ ...span("d".repeat(16), "not this task", "phase", jan(14, 9), 5), taskId: ids.merged }]);

    const { task } = buildDashboardData(db, { now, days: 3, taskId: ids.autoMerged });

    expect(task).toMatchObject({ id: ids.autoMerged, repo: "mona/calculator", issueNumber: 2, state: "done", outcome: "done", prNumber: 100 + ids.autoMerged, createdAt: jan(14, 9) });
    expect(task?.phases.map((p) => p.state)).toEqual(["queued", "planning", "plan_review", "implementing", "code_review", "pushing", "awaiting_ci", "fixing", "pushing", "awaiting_ci", "awaiting_review", "done"]);
    expect(task?.endedAt).toBe(task?.phases.at(-1)?.startedAt);
    expect(task?.spans.map((s) => [s.name, s.kind, s.status])).toEqual([
      ["implementing", "phase", "ok"],
      ["someone else's", "other", "ok"],
      ["POST /repos/{owner}/{repo}/git/trees", "github", "error"],
    ]);
    expect(task?.spans[2]?.statusMessage).toBe("502 Bad Gateway");
    expect(task?.modelCalls.map((c) => [c.role, c.status, c.costUsd, c.tokens])).toEqual([
      ["implementer", "succeeded", 2, 5000],
      ["code_reviewer", "succeeded", 0.25, 2000],
      ["implementer", "failed", 0, 0],
    ]);
    expect(task?.totals).toMatchObject({ calls: 2, costUsd: 2.25 });
  });

  it("refuses a task that does not exist, and has no timeline when none was asked for", () => {
    const db = database();
    history(db);

    expect(() => buildDashboardData(db, { now, taskId: 999 })).toThrow(DashboardTaskNotFoundError);
    expect(() => buildDashboardData(db, { now, taskId: 999 })).toThrow("Task 999 does not exist in this database.");
    expect(buildDashboardData(db, { now }).task).toBeNull();
  });

  it("weighs the window's spend against a budget when one is given", () => {
    const db = database();
    history(db);

    expect(buildDashboardData(db, { now, days: 3 }).budget).toBeNull();
    const { budget } = buildDashboardData(db, { now, days: 3, budgetUsd: 10 });
    expect(budget?.capUsd).toBe(10);
    expect(budget?.spentUsd).toBeCloseTo(3.85, 10);
    expect(budget?.share).toBeCloseTo(0.385, 10);
  });

  it("is plain JSON: it survives a round trip unchanged", () => {
    const db = database();
    const ids = history(db);

    const data = buildDashboardData(db, { now, days: 3, taskId: ids.autoMerged, budgetUsd: 5 });

    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it("keeps the window between one day and a year", () => {
    const db = database();
    expect(buildDashboardData(db, { now, days: 0 }).tasksByDay).toHaveLength(1);
    expect(buildDashboardData(db, { now, days: 5000 }).window.days).toBe(366);
  });

  it("an empty database gives zeros, not errors", () => {
    const data = buildDashboardData(database(), { now });
    expect(data.totals).toEqual({ tasks: 0, done: 0, failed: 0, cancelled: 0, needs_human: 0, active: 0, mergedPrs: 0, spendUsd: 0, tokens: 0, modelCalls: 0 });
    expect(data.spendByModelRole).toEqual([]);
    expect(data.slowestPhases).toEqual([]);
    expect(data.recentTasks).toEqual([]);
  });
});

describe("quantile", () => {
  it("interpolates between the two closest ranks", () => {
    expect(quantile([1, 3], 0.5)).toBe(2);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBe(0);
  });
});
