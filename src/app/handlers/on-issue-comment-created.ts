import { parseCommand } from "../../engine/commands.js";
import type { CommandPayload } from "../../engine/job-kinds.js";
import { JobKind } from "../../engine/job-kinds.js";
import { findActiveTaskForIssue, findTaskByPullRequest } from "../../store/tasks.js";
import { issueCommentCreatedSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";

/**
 * A comment on an issue or a pull request: only a `/orchestrator` command does anything, and only
 * from a person (the job checks their access). Comments between people are never instructions.
 */
export const onIssueCommentCreated: WebhookHandler = (raw, { db, now, deliveryId }) => {
  const payload = issueCommentCreatedSchema.parse(raw);
  const author = payload.comment.user ?? payload.sender;
  if (author.type === "Bot" || payload.sender.type === "Bot") return { outcome: "ignored:bot" };
  if (!parseCommand(payload.comment.body)) return { outcome: "ignored:no-command" };
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const number = payload.issue.number;
  const onPullRequest = payload.issue.pull_request !== undefined && payload.issue.pull_request !== null;
  const task = onPullRequest ? findTaskByPullRequest(db, owner, repo, number) : findActiveTaskForIssue(db, owner, repo, number);
  const job: CommandPayload = {
    deliveryId,
    installationId: payload.installation.id,
    owner,
    repo,
    issueNumber: number,
    taskId: task?.id ?? null,
    commentId: payload.comment.id,
    commentCreatedAt: payload.comment.created_at,
    author,
    body: payload.comment.body.slice(0, 10_000),
  };
  return { outcome: `enqueued:command${task ? `:${task.id}` : ""}`, job: { kind: JobKind.command, ...(task ? { taskId: task.id } : {}), payload: job, runAt: now } };
};
