import { describe, expect, it } from "vitest";
import type { TaskState } from "../../src/engine/task-states.js";
import type { Task } from "../../src/store/tasks.js";
import { progressMarker, renderProgressComment } from "../../src/telemetry/render-progress-comment.js";
import type { TaskReport } from "../../src/telemetry/task-report.js";
import { sumCalls } from "../../src/telemetry/task-report.js";
import { sampleTask } from "../support/temp-database.js";

function reportOf(state: TaskState, patch: Partial<Task> = {}): TaskReport {
  const task: Task = {
    id: 7,
    ...sampleTask(),
    issueLabels: [],
    state,
    baseSha: null,
    branch: null,
    headSha: null,
    prNumber: null,
    prUrl: null,
    progressCommentId: null,
    checkRunId: null,
    failure: null,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...patch,
  };
  return { task, events: [], calls: [], phases: [], totals: sumCalls([]), counts: { planRounds: 0, codeReviewRounds: 0, fixAttempts: 0, revisions: 0 }, ciRuns: [], gate: [], alerts: [] };
}

function checklist(comment: string): string[] {
  return comment.split("\n").filter((line) => line.startsWith("- ["));
}

describe("renderProgressComment", () => {
  it("opens with the task's marker, so the comment is found again after a restart", () => {
    const comment = renderProgressComment(reportOf("queued"));

    expect(comment.split("\n")[0]).toBe("<!-- orchestrator:task=7 -->");
    expect(progressMarker(7)).toBe("<!-- orchestrator:task=7 -->");
  });

  it("ticks the steps already finished and points at the current one", () => {
    const comment = renderProgressComment(reportOf("awaiting_ci"));

    expect(comment).toContain("**Orchestrator is waiting for CI.**");
    expect(checklist(comment)).toEqual(["- [x] Plan", "- [x] Implement", "- [x] Open pull request", "- [ ] CI ← now", "- [ ] Review"]);
  });

  it("ticks nothing while planning", () => {
    expect(checklist(renderProgressComment(reportOf("planning")))).toEqual(["- [ ] Plan ← now", "- [ ] Implement", "- [ ] Open pull request", "- [ ] CI", "- [ ] Review"]);
  });

  it("ticks every step when the task is done", () => {
    const comment = renderProgressComment(reportOf("done"));

    expect(comment).toContain("**Orchestrator finished this task.**");
    expect(checklist(comment).every((line) => line.startsWith("- [x]"))).toBe(true);
  });

  it("links the pull request, and the dashboard once its check run exists", () => {
    const prUrl = "https://github.com/mona/calculator/pull/2";

    expect(renderProgressComment(reportOf("awaiting_ci", { prUrl }))).toContain(`**Pull request:** ${prUrl}\n`);
    expect(renderProgressComment(reportOf("awaiting_ci", { prUrl, checkRunId: 90 }))).toContain(`**Pull request:** ${prUrl} · [task dashboard](${prUrl}/checks?check_run_id=90)`);
    expect(renderProgressComment(reportOf("planning"))).not.toContain("**Pull request:**");
  });

  it("shows the spend against the task's budget when it is known", () => {
    expect(renderProgressComment(reportOf("planning"), 5)).toContain("**Spend so far:** $0 of $5.00 · 0 model calls");
    expect(renderProgressComment(reportOf("planning"))).toContain("**Spend so far:** $0 · 0 model calls");
  });

  it("shows the spend so far", () => {
    const report = reportOf("implementing");
    const calls = [
      { id: 1, taskId: 7, role: "planner", provider: "anthropic", model: "m", requestHash: "h", status: "succeeded" as const, inputTokens: 1_000, outputTokens: 500, cacheReadTokens: 2_000, cacheWriteTokens: 100, costUsd: 0.0421, startedAt: 1, durationMs: 10, error: null },
    ];

    const comment = renderProgressComment({ ...report, calls, totals: sumCalls(calls) });

    expect(comment).toContain("**Spend so far:** $0.0421 · 1 model calls · 3,600 tokens");
  });

  it("says why the task stopped", () => {
    const comment = renderProgressComment(reportOf("failed", { failure: "The implementer did not finish within 8 turns." }));

    expect(comment).toContain("**Orchestrator stopped: the task failed.**");
    expect(comment.endsWith("**Why it stopped:** The implementer did not finish within 8 turns.")).toBe(true);
  });

  it("shows the step a stopped task stopped in, with the steps before it ticked", () => {
    const report = reportOf("needs_human", { failure: "CI failed: `test` (failure)." });
    const phases = (["queued", "planning", "implementing", "pushing", "awaiting_ci", "needs_human"] as const).map((state, i) => ({ state, startedAt: i, endedAt: i + 1 }));
    const comment = renderProgressComment({ ...report, phases });

    expect(checklist(comment)).toEqual(["- [x] Plan", "- [x] Implement", "- [x] Open pull request", "- [ ] CI ← stopped here", "- [ ] Review"]);
    expect(comment).toContain("**Why it stopped:** CI failed");
  });
});
