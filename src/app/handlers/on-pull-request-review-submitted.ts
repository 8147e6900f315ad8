import { JobKind } from "../../engine/job-kinds.js";
import type { ReviewSubmittedPayload } from "../../engine/job-kinds.js";
import { reviewStateSchema } from "../../engine/job-kinds.js";
import { isTerminal } from "../../engine/task-states.js";
import { findTaskByPullRequest } from "../../store/tasks.js";
import { pullRequestReviewSubmittedSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";


/** The human gate: a review on a task's PR. Bots' reviews never steer; the reviewer's access is checked by the job. */
export const onPullRequestReviewSubmitted: WebhookHandler = (raw, { db, now, deliveryId }) => {
  const payload = pullRequestReviewSubmittedSchema.parse(raw);
  const reviewer = payload.review.user;
  if (!reviewer || reviewer.type === "Bot") return { outcome: "ignored:bot" };
  const task = findTaskByPullRequest(db, payload.repository.owner.login, payload.repository.name, payload.pull_request.number);
  if (!task || isTerminal(task.state)) return { outcome: "ignored:no-task" };
  const state = reviewStateSchema.safeParse(payload.review.state);
  if (!state.success) return { outcome: `ignored:review-state:${payload.review.state}` };
  const job: ReviewSubmittedPayload = {
    taskId: task.id,
    deliveryId,
    reviewId: payload.review.id,
    reviewer,
    state: state.data,
    commitId: payload.review.commit_id ?? null,
    body: payload.review.body ?? "",
  };
  return { outcome: `enqueued:review:${task.id}`, job: { kind: JobKind.reviewSubmitted, taskId: task.id, payload: job, runAt: now } };
};
