import { planSchema, renderPlan } from "../../agents/planner.js";
import { loadArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import { hasEarlierTaskForIssue, updateTask } from "../../store/tasks.js";
import { formatUsd } from "../../telemetry/format.js";
import { neutralizeGitHubReferences } from "../../security/neutralize-references.js";
import { progressMarker } from "../../telemetry/render-progress-comment.js";
import { buildTaskReport } from "../../telemetry/task-report.js";
import { branchName } from "../branch-name.js";
import type { EngineDeps } from "../engine-deps.js";
import { PermanentError } from "../errors.js";
import { reportProgress } from "../report-progress.js";
import { githubRedaction, repoOf } from "../task-context.js";
import { awaitCi } from "../transitions.js";
import { changeSetSchema } from "../change-set.js";

const author = { name: "Orchestrator", email: "orchestrator@users.noreply.github.com" };

/**
 * Commits the change set on the task's branch and opens the pull request. Each result (branch,
 * commit, PR) is stored the moment it exists, and the commit's date is fixed, so a retry reuses
 * what an earlier attempt made instead of making it twice.
 */
export async function runPushing(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const github = await deps.github(task.installationId);
  const repo = repoOf(task);
  const stored = changeSetSchema.safeParse(loadArtifact(db, task.id, "changes"));
  if (!stored.success) throw new PermanentError(`Task ${task.id} has no valid stored change set to push.`);
  if (task.baseSha === null) throw new PermanentError(`Task ${task.id} has no base commit.`);
  const changeSet = stored.data;

  let current = task;
  if (current.branch === null) {
    const branch = branchName(current.issueNumber, current.issueTitle, hasEarlierTaskForIssue(db, current) ? current.id : undefined);
    current = updateTask(db, current.id, clock.now(), { branch });
  }
  const branch = current.branch ?? "";
  if (current.headSha === null) {
    const snapshot = deps.snapshots.get(task.owner, task.repo, task.baseSha);
    const baseTreeSha = snapshot?.treeSha ?? (await github.getCommitTree(repo, task.baseSha));
    const { commitSha } = await github.commitFiles(repo, {
      baseSha: task.baseSha,
      baseTreeSha,
      branch,
      message: `${neutralizeGitHubReferences(changeSet.commitMessage)}\n\nCloses #${task.issueNumber}`,
      changes: changeSet.changes,
      date: new Date(task.createdAt).toISOString(),
      author,
    });
    current = updateTask(db, current.id, clock.now(), { headSha: commitSha });
  }
  if (current.prNumber === null) {
    const plan = planSchema.safeParse(loadArtifact(db, task.id, "plan"));
    const spend = buildTaskReport(db, task.id).totals;
    const pr = await github.openPullRequest(repo, {
      head: branch,
      base: task.defaultBranch,
      title: task.issueTitle,
      draft: false,
      body: githubRedaction(deps, task.id)([
        progressMarker(task.id),
        neutralizeGitHubReferences(changeSet.summary),
        "",
        `Closes #${task.issueNumber}`,
        ...(plan.success ? ["", "### Plan", "", neutralizeGitHubReferences(renderPlan(plan.data))] : []),
        ...(changeSet.refusals.length > 0 ? ["", "### Edits refused by the path policy", "", ...changeSet.refusals.map((r) => `- ${r}`)] : []),
        "",
        `---`,
        `Requested by @${task.requestedBy} · spend so far ${formatUsd(spend.costUsd)} over ${spend.calls} model calls · review this PR to finish the task: approve, or request changes.`,
      ].join("\n")),
    });
    current = updateTask(db, current.id, clock.now(), { prNumber: pr.number, prUrl: pr.url });
  }
  awaitCi(db, current.id, { at: clock.now(), detail: { branch, headSha: current.headSha, pr: current.prNumber, files: changeSet.changes.length } });
  await reportProgress(deps, github, current.id);
}
