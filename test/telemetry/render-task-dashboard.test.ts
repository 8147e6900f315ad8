import { describe, expect, it } from "vitest";
import { advanceJob } from "../../src/engine/job-kinds.js";
import { approvePlan, createTask, fail, startPlanning, submitPlan } from "../../src/engine/transitions.js";
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

    expect(markdown.length).toBeLessThanOrEqual(checkRunTextLimit);
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
});
