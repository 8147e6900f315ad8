import { planSchema } from "../../agents/planner.js";
import { neutralizeGitHubReferences } from "../../security/neutralize-references.js";
import type { Task } from "../../store/tasks.js";
import { listTaskEvents } from "../../store/task-events.js";
import type { EngineDeps } from "../engine-deps.js";
import { readArtifact } from "../phase-artifacts.js";
import { reportProgress } from "../report-progress.js";
import { githubRedaction, repoOf } from "../task-context.js";
import { TaskState } from "../task-states.js";

export function planCommentMarker(taskId: number): string {
  return `<!-- orchestrator:plan task=${taskId} -->`;
}

/**
 * The plan of a task the repository wants a person to approve, posted as a checklist on the issue
 * (found again by its marker, so a retry never posts it twice); implementation waits for
 * `/orchestrator approve-plan`.
 */
export async function postPlanForApproval(deps: EngineDeps, task: Task): Promise<void> {
  const github = await deps.github(task.installationId);
  const plan = readArtifact(deps.db, task.id, "plan", planSchema);
  const waiting = listTaskEvents(deps.db, task.id).findLast((e) => e.toState === TaskState.awaitingPlanApproval);
  const risk = typeof waiting?.detail.risk === "string" ? waiting.detail.risk : "high";
  const forChange = waiting?.kind === "await_change_approval";
  const marker = planCommentMarker(task.id);
  const body = [
    marker,
    `### ${forChange ? "Change" : "Plan"} for approval (risk: ${risk})`,
    "",
    ...(forChange
      ? [`The reviewed change touches paths of ${risk} risk (${typeof waiting.detail.riskReason === "string" ? waiting.detail.riskReason : "by the repository's rules"}), which its plan did not show. Nothing is pushed until a person approves. The plan it followed:`, ""]
      : []),
    neutralizeGitHubReferences(plan.summary),
    "",
    ...plan.steps.map((s) => `- [ ] **${neutralizeGitHubReferences(s.goal)}** — ${neutralizeGitHubReferences(s.change)}${s.files.length > 0 ? ` (${s.files.map((f) => `\`${f}\``).join(", ")})` : ""}${s.tests ? ` · tests: ${neutralizeGitHubReferences(s.tests)}` : ""}`),
    "",
    `Nothing is ${forChange ? "pushed" : "implemented"} until a person with write access comments \`/orchestrator approve-plan\`. ${forChange ? "" : "To change the plan, comment `/orchestrator replan <your feedback>`; "}to stop, \`/orchestrator cancel\`.`,
  ].join("\n");
  await github.upsertIssueComment(repoOf(task), task.issueNumber, { commentId: null, marker, since: new Date(task.createdAt).toISOString(), body: githubRedaction(deps, task.id)(body) });
  await reportProgress(deps, github, task.id);
}
