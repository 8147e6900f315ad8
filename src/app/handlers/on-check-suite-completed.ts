import { JobKind } from "../../engine/job-kinds.js";
import { isTerminal } from "../../engine/task-states.js";
import type { Db } from "../../store/open-database.js";
import { findTaskByHeadSha } from "../../store/tasks.js";
import { checkRunCompletedSchema, checkSuiteCompletedSchema, workflowRunCompletedSchema } from "../webhook-payloads.js";
import type { Decision, HandlerContext, WebhookHandler } from "./handler-types.js";

/**
 * CI finished something on a commit; if it is a task's head commit, the task reads its checks.
 * Suites, single check runs and workflow runs all lead here, so one lost delivery is covered by the
 * others (and by reconciliation); the job reads the checks once, whichever event arrived.
 */
function ciDecision(db: Db, context: Pick<HandlerContext, "now" | "deliveryId">, repo: { owner: { login: string }; name: string }, headSha: string): Decision {
  const task = findTaskByHeadSha(db, repo.owner.login, repo.name, headSha);
  if (!task || isTerminal(task.state)) return { outcome: "ignored:no-task" };
  return {
    outcome: `enqueued:ci:${task.id}`,
    job: { kind: JobKind.ciCompleted, taskId: task.id, payload: { taskId: task.id, headSha, deliveryId: context.deliveryId }, runAt: context.now },
  };
}

export const onCheckSuiteCompleted: WebhookHandler = (raw, context) => {
  const payload = checkSuiteCompletedSchema.parse(raw);
  if (context.settings.appId !== undefined && payload.check_suite.app?.id === context.settings.appId) return { outcome: "ignored:own-suite" };
  return ciDecision(context.db, context, payload.repository, payload.check_suite.head_sha);
};

export const onCheckRunCompleted: WebhookHandler = (raw, context) => {
  const payload = checkRunCompletedSchema.parse(raw);
  if (context.settings.appId !== undefined && payload.check_run.app?.id === context.settings.appId) return { outcome: "ignored:own-check" };
  return ciDecision(context.db, context, payload.repository, payload.check_run.head_sha);
};

export const onWorkflowRunCompleted: WebhookHandler = (raw, context) => {
  const payload = workflowRunCompletedSchema.parse(raw);
  return ciDecision(context.db, context, payload.repository, payload.workflow_run.head_sha);
};
