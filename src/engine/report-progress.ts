import type { CheckConclusion, GitHubGateway } from "../github/github-gateway.js";
import { updateTask } from "../store/tasks.js";
import type { Task } from "../store/tasks.js";
import { formatUsd } from "../telemetry/format.js";
import { progressMarker, renderProgressComment } from "../telemetry/render-progress-comment.js";
import { renderTaskDashboard } from "../telemetry/render-task-dashboard.js";
import { buildTaskReport } from "../telemetry/task-report.js";
import { listUnnotifiedTaskAlerts } from "../store/alerts.js";
import { logAlert, postAlertComment, raiseBudgetAlerts } from "./alerts.js";
import type { EngineDeps } from "./engine-deps.js";
import { dashboardCheckName } from "./engine-deps.js";
import { frozenConfig, githubRedaction } from "./task-context.js";
import type { TaskState } from "./task-states.js";

const finalConclusion: Partial<Record<TaskState, CheckConclusion>> = {
  done: "success",
  failed: "failure",
  cancelled: "cancelled",
  needs_human: "neutral",
};

/**
 * Brings the task's two faces on GitHub up to date: the progress comment on the issue and, once a
 * commit exists, the dashboard check run on it. Both are found again after a restart (stored ids,
 * then the comment marker or the check run's external id), so a retry never writes a second one.
 */
export async function reportProgress(deps: EngineDeps, github: GitHubGateway, taskId: number): Promise<Task> {
  const { db, clock } = deps;
  const report = buildTaskReport(db, taskId);
  let task = report.task;
  const repo = { owner: task.owner, repo: task.repo };
  const redact = githubRedaction(deps, task.id);

  // Budget shares reached since the last report: each told once, in a comment of its own (an edit notifies nobody).
  // Raised before anything is posted, so a retry finds the alert recorded and its comment by the marker.
  for (const alert of raiseBudgetAlerts(deps, task, report.totals.costUsd)) logAlert(deps, alert);
  for (const alert of listUnnotifiedTaskAlerts(db, task.id)) await postAlertComment(deps, github, task, alert);

  const comment = await github.upsertIssueComment(repo, task.issueNumber, {
    commentId: task.progressCommentId,
    marker: progressMarker(task.id),
    body: redact(renderProgressComment(report, frozenConfig(deps, task.id).budget.task_usd)),
    since: new Date(task.createdAt).toISOString(),
  });
  if (comment.id !== task.progressCommentId) task = updateTask(db, task.id, clock.now(), { progressCommentId: comment.id });

  if (task.headSha) {
    const conclusion = finalConclusion[task.state];
    const { budget } = frozenConfig(deps, task.id);
    const { publicUrl, github: githubUrls } = deps.settings;
    const dashboardUrl = publicUrl ? `${publicUrl}/dashboard?task=${task.id}` : undefined;
    const context = {
      budget: { usd: budget.task_usd, tokens: budget.task_tokens },
      ...(dashboardUrl ? { dashboardUrl } : {}),
      ...(githubUrls ? { issueUrl: `${githubUrls.webUrl}/${task.owner}/${task.repo}/issues/${task.issueNumber}` } : {}),
    };
    const run = await github.upsertCheckRun(repo, {
      checkRunId: task.checkRunId,
      name: dashboardCheckName,
      headSha: task.headSha,
      externalId: `task-${task.id}`,
      ...(dashboardUrl ? { detailsUrl: dashboardUrl } : {}),
      status: conclusion ? "completed" : "in_progress",
      ...(conclusion ? { conclusion } : {}),
      output: {
        title: `${task.state.replace(/_/g, " ")} · ${formatUsd(report.totals.costUsd)} · ${report.totals.calls} model calls`,
        summary: renderTaskDashboard(report, clock.now(), { ...context, redact }),
      },
    });
    if (run.id !== task.checkRunId) task = updateTask(db, task.id, clock.now(), { checkRunId: run.id });
  }
  return task;
}
