import { JobKind } from "../../engine/job-kinds.js";
import { isTerminal } from "../../engine/task-states.js";
import { findTaskByHeadSha } from "../../store/tasks.js";
import { checkSuiteCompletedSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";

/** CI finished a suite on some commit; if it is a task's head commit, the task reads its checks. */
export const onCheckSuiteCompleted: WebhookHandler = (raw, { db, now, deliveryId, settings }) => {
  const payload = checkSuiteCompletedSchema.parse(raw);
  if (settings.appId !== undefined && payload.check_suite.app?.id === settings.appId) return { outcome: "ignored:own-suite" };
  const task = findTaskByHeadSha(db, payload.repository.owner.login, payload.repository.name, payload.check_suite.head_sha);
  if (!task || isTerminal(task.state)) return { outcome: "ignored:no-task" };
  return {
    outcome: `enqueued:ci:${task.id}`,
    job: { kind: JobKind.ciCompleted, taskId: task.id, payload: { taskId: task.id, headSha: payload.check_suite.head_sha, deliveryId }, runAt: now },
  };
};
