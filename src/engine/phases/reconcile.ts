import type { Db } from "../../store/open-database.js";
import { enqueueJob } from "../../store/jobs.js";
import { statement } from "../../store/statement-cache.js";
import { appendTaskEvent, listTaskEvents } from "../../store/task-events.js";
import { getTask } from "../../store/tasks.js";
import type { EngineDeps } from "../engine-deps.js";
import { JobKind, reviewStateSchema } from "../job-kinds.js";
import { repoOf } from "../task-context.js";
import { TaskState } from "../task-states.js";
import { runCiCompleted } from "./ci-result.js";
import { runPullRequestClosed, runReviewSubmitted } from "./review-result.js";

/** States that wait on GitHub: a lost webhook would leave them waiting for ever. */
const waitingStates = [TaskState.awaitingCi, TaskState.awaitingReview, TaskState.needsHuman] as const;

/**
 * Queues one reconcile job per waiting task that has a pull request, at most one per task per
 * `periodMs` (the unique key), so start-up and the periodic sweep never pile jobs up.
 */
export function scheduleReconcile(db: Db, now: number, periodMs: number): number {
  const waiting = statement<[], { id: number }>(db, `SELECT id FROM tasks WHERE state IN ('awaiting_ci', 'awaiting_review', 'needs_human') AND pr_number IS NOT NULL`).all();
  let queued = 0;
  const slot = Math.floor(now / Math.max(1000, periodMs));
  for (const { id } of waiting) {
    if (enqueueJob(db, { kind: JobKind.reconcile, taskId: id, payload: { taskId: id }, uniqueKey: `reconcile:${id}:${slot}`, runAt: now }, now) !== undefined) queued += 1;
  }
  return queued;
}

/**
 * GitHub does not redeliver a webhook that failed, so a waiting task reads what it waits on once:
 * the pull request (merged or closed), its checks (when waiting on CI) and its reviews (a review
 * not yet acted on). Each finding goes through the same job code its webhook would have run.
 */
export async function runReconcile(deps: EngineDeps, taskId: number): Promise<void> {
  const { db, clock } = deps;
  const task = getTask(db, taskId);
  if (task?.prNumber === undefined || task.prNumber === null || !(waitingStates as readonly string[]).includes(task.state)) return;
  const github = await deps.github(task.installationId);
  const repo = repoOf(task);
  const pr = await github.getPullRequest(repo, task.prNumber);
  const deliveryId = `reconcile-${clock.now()}`;
  if (pr.state === "closed") {
    appendTaskEvent(db, { taskId, at: clock.now(), kind: "reconciled", detail: { found: pr.merged ? "merged" : "closed" } });
    return runPullRequestClosed(deps, { taskId, deliveryId, merged: pr.merged, by: "someone (found by reconciliation)" });
  }
  const seen = new Set(listTaskEvents(db, taskId).flatMap((e) => (typeof e.detail.reviewId === "number" ? [e.detail.reviewId] : [])));
  const reviews = (await github.listReviews(repo, task.prNumber)).filter((r) => r.user !== null && r.user.type !== "Bot" && !seen.has(r.id) && r.commitId === task.headSha);
  const review = reviews.at(-1);
  const state = review ? reviewStateSchema.safeParse(review.state) : undefined;
  if (review?.user && state?.success && state.data !== "commented") {
    appendTaskEvent(db, { taskId, at: clock.now(), kind: "reconciled", detail: { found: "review", reviewId: review.id } });
    return runReviewSubmitted(deps, { taskId, deliveryId, reviewId: review.id, reviewer: review.user, state: state.data, commitId: review.commitId, body: review.body });
  }
  if (task.state === TaskState.awaitingCi && task.headSha !== null) {
    return runCiCompleted(deps, { taskId, headSha: task.headSha, deliveryId });
  }
}
