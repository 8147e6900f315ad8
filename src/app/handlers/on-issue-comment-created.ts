import { parseCommand } from "../../engine/commands.js";
import type { CommandPayload } from "../../engine/job-kinds.js";
import { JobKind } from "../../engine/job-kinds.js";
import { findActiveTaskForIssue, findTaskByPullRequest } from "../../store/tasks.js";
import { issueCommentCreatedSchema } from "../webhook-payloads.js";
import { frozenConfig } from "../../engine/task-context.js";
import { isTrustedBot } from "../../security/trigger-policy.js";
import type { WebhookHandler } from "./handler-types.js";

/**
 * A comment on an issue or a pull request: only a `/orchestrator` command does anything, from a
 * person (the job checks their access) or a bot the task's config trusts by name. Comments between
 * people are never instructions.
 */
export const onIssueCommentCreated: WebhookHandler = (raw, { db, now, deliveryId, settings }) => {
  const payload = issueCommentCreatedSchema.parse(raw);
  const author = payload.comment.user ?? payload.sender;
  if (!parseCommand(payload.comment.body)) return { outcome: author.type === "Bot" ? "ignored:bot" : "ignored:no-command" };
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const number = payload.issue.number;
  const onPullRequest = payload.issue.pull_request !== undefined && payload.issue.pull_request !== null;
  const task = onPullRequest ? findTaskByPullRequest(db, owner, repo, number) : findActiveTaskForIssue(db, owner, repo, number);
  // A bot's command counts only where the task's frozen config trusts that bot by name.
  if (author.type === "Bot" && !(task && isTrustedBot(author.login, frozenConfig({ db }, task.id).trust.allow_bots, settings.appSlug))) return { outcome: "ignored:bot" };
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
