import { JobKind } from "../../engine/job-kinds.js";
import type { IssueClosedPayload } from "../../engine/job-kinds.js";
import { findActiveTaskForIssue } from "../../store/tasks.js";
import { issuesClosedSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";

/** Closing the issue stops its task, whatever phase it is in. */
export const onIssuesClosed: WebhookHandler = (raw, { db, now, deliveryId }) => {
  const payload = issuesClosedSchema.parse(raw);
  const task = findActiveTaskForIssue(db, payload.repository.owner.login, payload.repository.name, payload.issue.number);
  if (!task) return { outcome: "ignored:no-task" };
  const job: IssueClosedPayload = { taskId: task.id, deliveryId, by: payload.sender.login };
  return { outcome: `enqueued:issue-closed:${task.id}`, job: { kind: JobKind.issueClosed, taskId: task.id, payload: job, runAt: now } };
};
