import type { CheckRunSummary } from "../../github/github-gateway.js";
import { appendTaskEvent } from "../../store/task-events.js";
import { getTask } from "../../store/tasks.js";
import type { EngineDeps } from "../engine-deps.js";
import { dashboardCheckName } from "../engine-deps.js";
import type { CiCompletedPayload } from "../job-kinds.js";
import { reportProgress } from "../report-progress.js";
import { repoOf } from "../task-context.js";
import { TaskState } from "../task-states.js";
import { ciPassed, handToHuman } from "../transitions.js";

const red = new Set(["failure", "timed_out", "cancelled", "action_required", "stale"]);

/** The checks that gate the task: every check on the head commit except the app's own dashboard. */
export function gatingChecks(runs: readonly CheckRunSummary[], ownAppId: number | undefined): CheckRunSummary[] {
  return runs.filter((r) => r.name !== dashboardCheckName && (ownAppId === undefined || r.appId !== ownAppId));
}

/**
 * A check suite finished on a task's head commit. Reads the commit's checks once; when every one
 * has concluded, green asks the requester for review and red hands the task to a person with the
 * names of the failing checks. Still-running checks mean another suite will report later.
 */
export async function runCiCompleted(deps: EngineDeps, payload: CiCompletedPayload): Promise<void> {
  const { db, clock, log } = deps;
  const task = getTask(db, payload.taskId);
  if (task?.state !== TaskState.awaitingCi || task.headSha !== payload.headSha) {
    log.info("ignored a CI result that no longer applies", { taskId: payload.taskId, headSha: payload.headSha, state: task?.state });
    return;
  }
  const github = await deps.github(task.installationId);
  const checks = gatingChecks(await github.listCheckRuns(repoOf(task), payload.headSha), deps.settings.appId);
  const pending = checks.filter((c) => c.status !== "completed");
  if (checks.length === 0 || pending.length > 0) {
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "ci_pending", detail: { pending: pending.map((c) => c.name) } });
    return;
  }
  const failed = checks.filter((c) => c.conclusion !== null && red.has(c.conclusion));
  const detail = { checks: checks.map((c) => ({ name: c.name, conclusion: c.conclusion })) };
  if (failed.length === 0) {
    ciPassed(db, task.id, { at: clock.now(), detail });
    try {
      await github.requestReviewers(repoOf(task), task.prNumber ?? 0, [task.requestedBy]);
    } catch (error) {
      // GitHub refuses some reviewers (the PR's author, people without access); the task goes on.
      appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_request_failed", detail: { reviewer: task.requestedBy, error: String(error) } });
    }
  } else {
    const names = failed.map((c) => `\`${c.name}\` (${c.conclusion ?? "unknown"})`).join(", ");
    handToHuman(db, task.id, {
      at: clock.now(),
      patch: { failure: `CI failed: ${names}. This version does not fix CI automatically yet; push a fix to the branch or close the pull request.` },
      detail,
    });
  }
  await reportProgress(deps, github, task.id);
}
