import type { TaskState } from "../engine/task-states.js";
import { TaskState as S } from "../engine/task-states.js";
import { formatCount, formatUsd } from "./format.js";
import type { TaskReport } from "./task-report.js";

export function progressMarker(taskId: number): string {
  return `<!-- orchestrator:task=${taskId} -->`;
}

const steps: readonly { readonly label: string; readonly states: readonly TaskState[] }[] = [
  { label: "Plan", states: [S.queued, S.planning, S.planReview, S.awaitingPlanApproval] },
  { label: "Implement", states: [S.implementing, S.codeReview] },
  { label: "Open pull request", states: [S.pushing] },
  { label: "CI", states: [S.awaitingCi, S.fixing] },
  { label: "Review", states: [S.awaitingReview, S.revising] },
];

const headline: Record<TaskState, string> = {
  queued: "is queued",
  planning: "is planning",
  plan_review: "is reviewing the plan",
  awaiting_plan_approval: "is waiting for the plan to be approved",
  implementing: "is implementing the plan",
  code_review: "is reviewing the change",
  pushing: "is opening the pull request",
  awaiting_ci: "is waiting for CI",
  fixing: "is fixing CI",
  awaiting_review: "is waiting for your review",
  revising: "is revising after review",
  done: "finished this task",
  cancelled: "stopped: the task was cancelled",
  failed: "stopped: the task failed",
  needs_human: "needs a person to continue",
};

/** The one issue comment per task, edited in place as the task moves; `budgetUsd` is the task's cap, shown next to its spend. */
export function renderProgressComment(report: TaskReport, budgetUsd?: number): string {
  const { task, totals } = report;
  const finished = task.state === S.done;
  const stepOf = (state: TaskState): number => steps.findIndex((s) => s.states.includes(state));
  let current = stepOf(task.state);
  // A task that stopped (failed, cancelled, waiting for a person) shows the step it stopped in.
  const stopped = current === -1 && !finished;
  if (stopped) current = report.phases.map((p) => stepOf(p.state)).findLast((i) => i !== -1) ?? 0;
  const lines = [
    progressMarker(task.id),
    `**Orchestrator ${headline[task.state]}.**`,
    "",
    ...steps.map((step, i) => {
      const done = finished || i < current;
      const marker = i !== current || finished ? "" : stopped ? " ← stopped here" : " ← now";
      return `- [${done ? "x" : " "}] ${step.label}${marker}`;
    }),
    "",
  ];
  if (task.prUrl) {
    const dashboard = task.checkRunId ? ` · [task dashboard](${task.prUrl}/checks?check_run_id=${task.checkRunId})` : "";
    lines.push(`**Pull request:** ${task.prUrl}${dashboard}`);
  }
  lines.push(`**Spend so far:** ${formatUsd(totals.costUsd)}${budgetUsd === undefined ? "" : ` of ${formatUsd(budgetUsd)}`} · ${formatCount(totals.calls)} model calls · ${formatCount(totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens + totals.outputTokens)} tokens`);
  if (task.failure) lines.push("", `**Why it stopped:** ${task.failure}`);
  return lines.join("\n");
}
