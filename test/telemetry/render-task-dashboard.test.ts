import { describe, expect, it } from "vitest";
import { advanceJob } from "../../src/engine/job-kinds.js";
import { approvePlan, approveCode, awaitCi, ciFailed, ciPassed, createTask, fail, startPlanning, submitChange, submitFix, submitPlan } from "../../src/engine/transitions.js";
import { raiseAlert } from "../../src/store/alerts.js";
import { saveArtifact } from "../../src/store/task-artifacts.js";
import type { TokenUsage } from "../../src/store/model-calls.js";
import { finishModelCall, startModelCall } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import { checkRunTextLimit, renderTaskDashboard } from "../../src/telemetry/render-task-dashboard.js";
import { buildTaskReport } from "../../src/telemetry/task-report.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();

let calls = 0;

function recordCall(db: Db, taskId: number, role: string, usage: TokenUsage, costUsd: number, durationMs: number): void {
  calls += 1;
  const id = startModelCall(db, { taskId, role, provider: "anthropic", model: "claude-sonnet-5-5", requestHash: `request-${calls}`, startedAt: 2_000 });
  finishModelCall(db, id, { usage, costUsd, durationMs, response: {} });
}

function callRows(markdown: string): string[] {
  return markdown.split("\n").filter((line) => /^\| \d+ \| /.test(line));
}

describe("renderTaskDashboard", () => {
  it("shows one row per model call and the totals of all of them", () => {
    const db = database();
    const task = createTask(db, sampleTask(), { at: 1_000, enqueue: (id) => advanceJob(id, 1_000) });
    startPlanning(db, task.id, { at: 2_000 });
    recordCall(db, task.id, "planner", { inputTokens: 1_200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 4_000 }, 0.25, 1_500);
    submitPlan(db, task.id, { at: 4_000 });
    approvePlan(db, task.id, { at: 5_000 });
    recordCall(db, task.id, "implementer", { inputTokens: 800, outputTokens: 2_000, cacheReadTokens: 4_000, cacheWriteTokens: 0 }, 0.5, 2_500);
    const failed = startModelCall(db, { taskId: task.id, role: "implementer", provider: "anthropic", model: "claude-sonnet-5-5", requestHash: "x", startedAt: 6_000 });
    db.prepare("UPDATE model_calls SET status = 'failed' WHERE id = ?").run(failed);

    const markdown = renderTaskDashboard(buildTaskReport(db, task.id), 10_000);

    expect(markdown).toContain(`**Task ${task.id}** for #1 · state **implementing**`);
    expect(callRows(markdown)).toEqual([
      "| 1 | planner | anthropic/claude-sonnet-5-5 | 1,200 | 300 | 0 | 4,000 | 0% | $0.2500 | 1.5 s |",
      "| 2 | implementer | anthropic/claude-sonnet-5-5 | 800 | 2,000 | 4,000 | 0 | 83% | $0.5000 | 2.5 s |",
    ]);
    expect(markdown).toContain("| | **Total** | | **2,000** | **2,300** | **4,000** | **4,000** | **40%** | **$0.7500** | **4.0 s** |");
    expect(markdown).toContain("**Spend:** $0.7500 over 2 model calls");
    expect(markdown).toContain("| implementing | 1970-01-01T00:00:05.000Z | 5.0 s so far |");
    expect(markdown).toContain("| planning | 1970-01-01T00:00:02.000Z | 2.0 s |");
  });

  it("says why a task stopped, below the totals", () => {
    const db = database();
    const task = createTask(db, sampleTask(), { at: 1_000 });
    fail(db, task.id, { at: 2_000, patch: { failure: "The plan was malformed." } });

    const markdown = renderTaskDashboard(buildTaskReport(db, task.id), 3_000);

    expect(markdown.endsWith("**Stopped:** The plan was malformed.")).toBe(true);
    expect(markdown.indexOf("**Total**")).toBeLessThan(markdown.indexOf("**Stopped:**"));
  });

  it("stays within GitHub's limit with 5,000 calls, dropping rows from the middle and keeping the totals", () => {
    const db = database();
    const task = createTask(db, sampleTask(), { at: 1_000 });
    startPlanning(db, task.id, { at: 2_000 });
    db.transaction(() => {
      for (let i = 0; i < 5_000; i += 1) {
        recordCall(db, task.id, "implementer", { inputTokens: 123_456, outputTokens: 2_345, cacheReadTokens: 45_678, cacheWriteTokens: 1_234 }, 0.0123, 12_345);
      }
    })();
    fail(db, task.id, { at: 3_000, patch: { failure: `The implementer gave up: ${"it kept failing. ".repeat(60)}` } });

    const markdown = renderTaskDashboard(buildTaskReport(db, task.id), 4_000);

    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(checkRunTextLimit);
    const rows = callRows(markdown);
    expect(rows[0]).toMatch(/^\| 1 \| /);
    expect(rows.at(-1)).toMatch(/^\| 5000 \| /);
    const omitted = /\| … \| (\d+) calls omitted \|/.exec(markdown);
    expect(Number(omitted?.[1])).toBe(5_000 - rows.length);
    expect(rows.length).toBeGreaterThan(100);
    expect(markdown).toContain("| | **Total** | | **617,280,000** | **11,725,000** | **228,390,000** | **6,170,000** |");
    expect(markdown).toContain("over 5000 model calls");
    expect(markdown).toContain("**Stopped:** The implementer gave up");
  });

  it("shows links, spend against budget, rounds, CI results, the latest failing checks and alerts", () => {
    const db = database();
    const task = createTask(db, sampleTask(), { at: 1_000 });
    startPlanning(db, task.id, { at: 2_000 });
    recordCall(db, task.id, "planner", { inputTokens: 1_000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 }, 0.8, 1_000);
    submitPlan(db, task.id, { at: 3_000 });
    approvePlan(db, task.id, { at: 4_000 });
    submitChange(db, task.id, { at: 5_000 });
    approveCode(db, task.id, { at: 6_000 });
    awaitCi(db, task.id, { at: 7_000 });
    ciFailed(db, task.id, { at: 8_000, detail: { checks: [{ name: "Orchestrator quality gate", conclusion: "failure", category: "tests" }] } });
    saveArtifact(db, task.id, "ci_failures", [{ headSha: "abc", signature: "s", action: "fix", checks: [{ checkRunId: 1, name: "Orchestrator quality gate", conclusion: "failure", category: "tests", rerunnable: false, title: "1 failing test: subtract", summary: null, annotations: [], text: "" }] }], 8_000);
    submitFix(db, task.id, { at: 9_000 });
    awaitCi(db, task.id, { at: 10_000 });
    ciPassed(db, task.id, { at: 11_000, detail: { checks: [{ name: "Orchestrator quality gate", conclusion: "success" }, { name: "lint", conclusion: "success" }] } });
    raiseAlert(db, { key: "budget:80:task:1", kind: "budget", severity: "warning", taskId: task.id, message: "task 1 has spent $0.8000, 80% of its $1.00 budget (alert at 80%).", raisedAt: 6_500 });

    const markdown = renderTaskDashboard(buildTaskReport(db, task.id), 12_000, { budget: { usd: 1, tokens: 10_000 }, issueUrl: "https://github.com/mona/calculator/issues/1", dashboardUrl: "https://orchestrator.example/dashboard?task=1" });

    expect(markdown).toContain("[issue #1](https://github.com/mona/calculator/issues/1) · [timeline](https://orchestrator.example/dashboard?task=1)");
    expect(markdown).toContain("**Budget:** $0.8000 of $1.00 (80%) `████████░░` · 1,500 of 10,000 tokens (15%)");
    expect(markdown).toContain("**Rounds:** plan 1 · code review 1 · CI fix attempts 1 · revisions 0");
    expect(markdown).toContain("- 1970-01-01T00:00:08.000Z ❌ red: `Orchestrator quality gate` failure (tests)");
    expect(markdown).toContain("- 1970-01-01T00:00:11.000Z ✅ green: `Orchestrator quality gate` success, `lint` success");
    expect(markdown).toContain("| Orchestrator quality gate | failure | tests | 1 failing test: subtract |");
    expect(markdown).toContain("- ⚠️ **warning** 1970-01-01T00:00:06.500Z task 1 has spent $0.8000, 80% of its $1.00 budget (alert at 80%).");
    expect(markdown).toContain("| awaiting_review | 1970-01-01T00:00:11.000Z | 1.0 s so far | `██████████` |");
  });

  it("measures GitHub's limit in bytes and gives up whole sections, never the totals, when even they do not fit", () => {
    const db = database();
    const task = createTask(db, sampleTask(), { at: 1_000 });
    startPlanning(db, task.id, { at: 2_000 });
    db.transaction(() => {
      for (let i = 0; i < 3_000; i += 1) recordCall(db, task.id, "implementer", { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, 0.01, 10);
    })();
    submitPlan(db, task.id, { at: 3_000 });
    approvePlan(db, task.id, { at: 4_000 });
    submitChange(db, task.id, { at: 5_000 });
    approveCode(db, task.id, { at: 6_000 });
    awaitCi(db, task.id, { at: 7_000 });
    // Hundreds of failing checks with long, multi-byte names, on each of many red runs.
    const checks = Array.from({ length: 300 }, (_, i) => ({ name: `✗ check ${i} ${"é".repeat(200)}`, conclusion: "failure", category: "tests" }));
    for (let run = 0; run < 8; run += 1) {
      ciFailed(db, task.id, { at: 8_000 + run, detail: { checks } });
      submitFix(db, task.id, { at: 8_000 + run });
      awaitCi(db, task.id, { at: 8_000 + run });
    }
    saveArtifact(db, task.id, "ci_failures", [{ headSha: "abc", signature: "s", action: "fix", checks: checks.map((c, i) => ({ ...c, checkRunId: i, rerunnable: false, title: "ü".repeat(300), summary: null, annotations: [], text: "" })) }], 8_000);
    for (let i = 0; i < 40; i += 1) raiseAlert(db, { key: `k${i}`, kind: "task_stuck", severity: "warning", taskId: task.id, message: "🛑".repeat(400), raisedAt: 8_000 + i });
    fail(db, task.id, { at: 9_000, patch: { failure: "💥".repeat(5_000) } });

    const markdown = renderTaskDashboard(buildTaskReport(db, task.id), 10_000, { budget: { usd: 100, tokens: 1_000_000 } });

    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(checkRunTextLimit);
    // Eight red runs of 300 long checks, 300 failing checks and 40 long alerts: the CI section is the first to go.
    expect(markdown).toContain("_CI and quality gate omitted to fit GitHub's limit_");
    expect(markdown).toContain("### Alerts");
    expect(markdown).toContain("### Phases");
    expect(markdown).toContain("| | **Total** |");
    expect(markdown).toMatch(/\*\*Stopped:\*\* (💥)+…$/);
    expect(callRows(markdown)[0]).toMatch(/^\| 1 \| /);
    expect(callRows(markdown).length).toBeGreaterThan(10);
  });

  it("lists at most 20 checks per CI result and 30 failing checks, counting the rest", () => {
    const db = database();
    const task = createTask(db, sampleTask(), { at: 1_000 });
    startPlanning(db, task.id, { at: 2_000 });
    submitPlan(db, task.id, { at: 3_000 });
    approvePlan(db, task.id, { at: 4_000 });
    submitChange(db, task.id, { at: 5_000 });
    approveCode(db, task.id, { at: 6_000 });
    awaitCi(db, task.id, { at: 7_000 });
    const checks = Array.from({ length: 300 }, (_, i) => ({ name: `check ${i}`, conclusion: "failure", category: "tests" }));
    ciFailed(db, task.id, { at: 8_000, detail: { checks } });
    saveArtifact(db, task.id, "ci_failures", [{ headSha: "abc", signature: "s", action: "fix", checks: checks.map((c, i) => ({ ...c, checkRunId: i, rerunnable: false, title: null, summary: null, annotations: [], text: "" })) }], 8_000);
    const markdown = renderTaskDashboard(buildTaskReport(db, task.id), 9_000);
    expect(markdown).toContain("`check 19` failure (tests), +280 more");
    expect(markdown).not.toContain("`check 20`");
    expect(markdown).toContain("| check 29 | failure | tests |  |\n| … | 270 more failing checks | | |");
  });

  it("masks secrets before it fits the text", () => {
    const db = database();
    const task = createTask(db, sampleTask(), { at: 1_000 });
    fail(db, task.id, { at: 2_000, patch: { failure: "GitHub said: bad token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB" } });
    const markdown = renderTaskDashboard(buildTaskReport(db, task.id), 3_000, { redact: (text) => text.replace(/ghp_\w+/g, "[REDACTED]") });
    expect(markdown).toContain("**Stopped:** GitHub said: bad token [REDACTED]");
    expect(markdown).not.toContain("ghp_");
  });
});
