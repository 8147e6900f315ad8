import { JobKind } from "../../engine/job-kinds.js";
import { TaskState } from "../../engine/task-states.js";
import type { IntakePayload } from "../../engine/job-kinds.js";
import { findActiveTaskForIssue } from "../../store/tasks.js";
import { issuesLabeledSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";

/**
 * The trigger. The label must be ours and the issue open. The sender's permission (and, for a bot,
 * whether the repository's config trusts it) is checked by the intake job, because that needs
 * GitHub and a handler must not wait.
 */
export const onIssuesLabeled: WebhookHandler = (raw, { db, now, deliveryId, settings }) => {
  const payload = issuesLabeledSchema.parse(raw);
  // GitHub treats label names case-insensitively, so does the trigger.
  if (payload.label?.name.toLowerCase() !== settings.label.toLowerCase()) return { outcome: "ignored:other-label" };
  if (payload.issue.state !== "open") return { outcome: "ignored:issue-closed" };
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const active = findActiveTaskForIssue(db, owner, repo, payload.issue.number);
  // A task waiting for a person is restarted by the label (the intake job decides, after checking access).
  if (active && active.state !== TaskState.needsHuman) return { outcome: `ignored:already-active:${active.id}` };
  const job: IntakePayload = {
    deliveryId,
    installationId: payload.installation.id,
    owner,
    repo,
    defaultBranch: payload.repository.default_branch,
    issueNumber: payload.issue.number,
    // Frozen here: what the labeller saw is what gets built; later edits do not steer the task.
    issueTitle: payload.issue.title,
    issueBody: payload.issue.body ?? "",
    issueLabels: (payload.issue.labels ?? []).map((l) => l.name),
    sender: payload.sender,
    receivedAt: now,
  };
  return { outcome: "enqueued:intake", job: { kind: JobKind.intake, payload: job, runAt: now } };
};
