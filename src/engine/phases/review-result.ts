import { appendTaskEvent } from "../../store/task-events.js";
import { getTask } from "../../store/tasks.js";
import { triggerPermissions } from "../../security/trigger-policy.js";
import type { EngineDeps } from "../engine-deps.js";
import type { IssueClosedPayload, PullRequestClosedPayload, ReviewSubmittedPayload } from "../job-kinds.js";
import { advanceJob } from "../job-kinds.js";
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
  // Each transition enqueues the job that reports it, so a retry can never lose the report.
  const report = advanceJob(task.id, clock.now());
  if (payload.state === "approved" && approve.from.includes(task.state)) {
    // Approval after a stop (the person fixed it) clears why it had stopped.
    approve(db, task.id, { at: clock.now(), detail, patch: { failure: null }, enqueue: report });
  } else if (payload.state === "changes_requested" && task.state !== TaskState.needsHuman) {
    handToHuman(db, task.id, {
      at: clock.now(),
      patch: {
        failure: `@${payload.reviewer.login} requested changes. This version cannot revise a pull request yet: push the changes to the branch and approve it, close it to stop, or remove and add the label to start over.`,
      },
      detail,
      enqueue: report,
    });
  } else {
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_noted", detail: { ...detail, state: task.state } });
  }
}

/** The pull request was closed: merged finishes the task, closed unmerged cancels it. */
export function runPullRequestClosed(deps: EngineDeps, payload: PullRequestClosedPayload): Promise<void> {
  const { db, clock } = deps;
  const task = getTask(db, payload.taskId);
  if (!task || isTerminal(task.state)) return Promise.resolve();
  const detail = { by: payload.by, deliveryId: payload.deliveryId };
  const report = advanceJob(task.id, clock.now());
  if (payload.merged) merged(db, task.id, { at: clock.now(), detail, enqueue: report });
  else cancel(db, task.id, { at: clock.now(), patch: { failure: `@${payload.by} closed the pull request without merging.` }, detail, enqueue: report });
  return Promise.resolve();
}

/** The issue was closed: whatever the task was doing stops, before it spends more. */
export function runIssueClosed(deps: EngineDeps, payload: IssueClosedPayload): Promise<void> {
  const { db, clock } = deps;
  const task = getTask(db, payload.taskId);
  if (!task || isTerminal(task.state)) return Promise.resolve();
  cancel(db, task.id, {
    at: clock.now(),
    patch: { failure: `@${payload.by} closed the issue.` },
    detail: { by: payload.by, deliveryId: payload.deliveryId },
    enqueue: advanceJob(task.id, clock.now()),
  });
  return Promise.resolve();
}
