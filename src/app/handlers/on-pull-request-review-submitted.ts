import { JobKind } from "../../engine/job-kinds.js";
import type { ReviewSubmittedPayload } from "../../engine/job-kinds.js";
import { reviewStateSchema } from "../../engine/job-kinds.js";
import { isTerminal } from "../../engine/task-states.js";
import { findTaskByPullRequest } from "../../store/tasks.js";
import { frozenConfig } from "../../engine/task-context.js";
import { isTrustedBot } from "../../security/trigger-policy.js";
import { pullRequestReviewSubmittedSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";


/** The human gate: a review on a task's PR. Bots' reviews steer only when trusted by name; a person's access is checked by the job. */
export const onPullRequestReviewSubmitted: WebhookHandler = (raw, { db, now, deliveryId, settings }) => {
  const payload = pullRequestReviewSubmittedSchema.parse(raw);
  const reviewer = payload.review.user;
  if (!reviewer) return { outcome: "ignored:bot" };
  const task = findTaskByPullRequest(db, payload.repository.owner.login, payload.repository.name, payload.pull_request.number);
  // A bot's review counts only where the task's frozen config trusts that bot by name.
  if (reviewer.type === "Bot" && !(task && isTrustedBot(reviewer.login, frozenConfig({ db }, task.id).trust.allow_bots, settings.appSlug))) return { outcome: "ignored:bot" };
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
