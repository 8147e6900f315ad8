import { appendTaskEvent } from "../../store/task-events.js";
import { getTask } from "../../store/tasks.js";
import { triggerPermissions } from "../../security/trigger-policy.js";
import type { EngineDeps } from "../engine-deps.js";
import type { PullRequestClosedPayload, ReviewSubmittedPayload } from "../job-kinds.js";
import { reportProgress } from "../report-progress.js";
import { repoOf } from "../task-context.js";
import { isTerminal, TaskState } from "../task-states.js";
import { approve, cancel, handToHuman, merged } from "../transitions.js";

/**
 * A review was submitted on a task's pull request. Only people with write access steer the task;
 * anyone else's review is logged and left alone. Approval finishes the task.
 */
export async function runReviewSubmitted(deps: EngineDeps, payload: ReviewSubmittedPayload): Promise<void> {
  const { db, clock, log } = deps;
  const task = getTask(db, payload.taskId);
  if (!task || isTerminal(task.state)) return;
  const github = await deps.github(task.installationId);
  const permission = await github.getPermission(repoOf(task), payload.reviewer.login);
  const detail = { reviewer: payload.reviewer.login, permission, reviewId: payload.reviewId, review: payload.state };
  if (!triggerPermissions.includes(permission)) {
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_ignored", detail });
    log.info("ignored a review from someone without write access", detail);
    return;
  }
  if (payload.state === "approved" && approve.from.includes(task.state)) {
    approve(db, task.id, { at: clock.now(), detail });
  } else if (payload.state === "changes_requested" && task.state !== TaskState.needsHuman) {
    handToHuman(db, task.id, {
      at: clock.now(),
      patch: { failure: `@${payload.reviewer.login} requested changes. This version does not revise pull requests yet; push the changes to the branch, then approve.` },
      detail,
    });
  } else {
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_noted", detail: { ...detail, state: task.state } });
    return;
  }
  await reportProgress(deps, github, task.id);
}

/** The pull request was closed: merged finishes the task, closed unmerged cancels it. */
export async function runPullRequestClosed(deps: EngineDeps, payload: PullRequestClosedPayload): Promise<void> {
  const { db, clock } = deps;
  const task = getTask(db, payload.taskId);
  if (!task || isTerminal(task.state)) return;
  const detail = { by: payload.by, deliveryId: payload.deliveryId };
  if (payload.merged) merged(db, task.id, { at: clock.now(), detail });
  else cancel(db, task.id, { at: clock.now(), patch: { failure: `@${payload.by} closed the pull request without merging.` }, detail });
  await reportProgress(deps, await deps.github(task.installationId), task.id);
}
