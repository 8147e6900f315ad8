import { JobKind } from "../../engine/job-kinds.js";
import { isTerminal, TaskState } from "../../engine/task-states.js";
import { findTaskByPullRequest } from "../../store/tasks.js";
import { pullRequestClosedSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";

export const onPullRequestClosed: WebhookHandler = (raw, { db, now, deliveryId }) => {
  const payload = pullRequestClosedSchema.parse(raw);
  const task = findTaskByPullRequest(db, payload.repository.owner.login, payload.repository.name, payload.pull_request.number);
  if (!task) return { outcome: "ignored:no-task" };
  // An approved task is done already; its merge is still worth recording (cost per merged pull request).
  const mergedAfterApproval = task.state === TaskState.done && payload.pull_request.merged === true;
  if (isTerminal(task.state) && !mergedAfterApproval) return { outcome: "ignored:no-task" };
  return {
    outcome: `enqueued:closed:${task.id}`,
    job: {
      kind: JobKind.pullRequestClosed,
      taskId: task.id,
      payload: { taskId: task.id, deliveryId, merged: payload.pull_request.merged === true, by: payload.sender.login },
      runAt: now,
    },
  };
};
