import type { CheckConclusion, CheckRunSummary } from "../../github/github-gateway.js";
import { appendTaskEvent } from "../../store/task-events.js";
import { getTask } from "../../store/tasks.js";
import type { EngineDeps } from "../engine-deps.js";
import { dashboardCheckName } from "../engine-deps.js";
import type { CiCompletedPayload } from "../job-kinds.js";
import { advanceJob } from "../job-kinds.js";
import { describeError, OrchestratorError } from "../errors.js";
import { repoOf } from "../task-context.js";
import { TaskState } from "../task-states.js";
import { ciPassed, handToHuman } from "../transitions.js";

const red: ReadonlySet<CheckConclusion> = new Set<CheckConclusion>(["failure", "timed_out", "cancelled", "action_required", "stale"]);

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
  if (task?.state === TaskState.pushing && task.headSha === payload.headSha) {
    // CI finished before the pull request was recorded (the push job is between attempts): read it once that is done.
    throw new OrchestratorError("CI reported before the task finished opening its pull request; reading it again shortly.", { retryable: true, retryAfterMs: 1000 });
  }
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
  // Each transition enqueues the job that reports it, so a retry can never lose the report.
  const report = advanceJob(task.id, clock.now());
  if (failed.length === 0) {
    if (task.prNumber !== null) {
      try {
        // Asked before the transition: asking again on a retry is harmless, never asking is not.
        await github.requestReviewers(repoOf(task), task.prNumber, [task.requestedBy]);
      } catch (error) {
        // GitHub refuses some reviewers (the PR's author, people without access); the task goes on.
        appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_request_failed", detail: { reviewer: task.requestedBy, error: describeError(error) } });
      }
    }
    ciPassed(db, task.id, { at: clock.now(), detail, enqueue: report });
  } else {
    const names = failed.map((c) => `\`${c.name}\` (${c.conclusion ?? "unknown"})`).join(", ");
    handToHuman(db, task.id, {
      at: clock.now(),
      patch: {
        failure: `CI failed: ${names}. This version does not fix CI yet: push a fix to the branch and approve the pull request to finish, close it to stop, or remove and add the label to start over.`,
      },
      detail,
      enqueue: report,
    });
  }
}
