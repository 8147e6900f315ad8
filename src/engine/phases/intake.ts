import type { RepoConfig } from "../../config/repo-config.js";
import { parseRepoConfig, RepoConfigError, repoConfigPath } from "../../config/repo-config.js";
import { setDeliveryOutcome } from "../../store/deliveries.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import { appendTaskEvent } from "../../store/task-events.js";
import { findActiveTaskForIssue } from "../../store/tasks.js";
import { decideTrigger } from "../../security/trigger-policy.js";
import type { EngineDeps } from "../engine-deps.js";
import type { IntakePayload } from "../job-kinds.js";
import { advanceJob } from "../job-kinds.js";
import type { Db } from "../../store/open-database.js";
import type { Task } from "../../store/tasks.js";
import { TaskState } from "../task-states.js";
import { cancel, createTask } from "../transitions.js";

export function refusalMarker(deliveryId: string): string {
  return `<!-- orchestrator:refused delivery=${deliveryId} -->`;
}

/**
 * A task waiting for a person is replaced by the fresh one the label asks for: the old one is
 * cancelled (and its progress comment says why) in the transaction that creates the new one.
 */
function createTaskReplacing(db: Db, waiting: Task | undefined, by: { by: string; deliveryId: string; at: number }, create: () => Task): Task {
  return db.transaction(() => {
    if (waiting) {
      cancel(db, waiting.id, {
        at: by.at,
        patch: { failure: `@${by.by} added the label again, which started a new task.` },
        detail: { restartedBy: by.by, deliveryId: by.deliveryId },
        enqueue: advanceJob(waiting.id, by.at),
      });
    }
    return create();
  })();
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "SQLITE_CONSTRAINT_UNIQUE";
}

/**
 * Decides whether a labelling becomes a task. The sender's permission is read from GitHub here, in
 * the worker, never in the webhook handler. Refusal is one short comment; acceptance freezes the
 * issue text as it was when labelled and queues the task.
 */
export async function runIntake(deps: EngineDeps, payload: IntakePayload): Promise<void> {
  const { db, clock, log } = deps;
  const repo = { owner: payload.owner, repo: payload.repo };
  const github = await deps.github(payload.installationId);
  const isBot = payload.sender.type === "Bot";
  const permission = isBot ? null : await github.getPermission(repo, payload.sender.login);
  // The config comes from the default branch only, and is frozen with the task.
  let config: RepoConfig;
  try {
    config = parseRepoConfig(await github.readFile(repo, repoConfigPath, payload.defaultBranch));
  } catch (error) {
    if (!(error instanceof RepoConfigError)) throw error;
    // One comment per labelling, nothing else: no task, no model call.
    const marker = `<!-- orchestrator:invalid-config delivery=${payload.deliveryId} -->`;
    await github.upsertIssueComment(repo, payload.issueNumber, {
      commentId: null,
      marker,
      since: new Date(payload.receivedAt).toISOString(),
      body: `${marker}\n@${payload.sender.login}, Orchestrator cannot start: ${error.message}\n\nFix \`${repoConfigPath}\` on \`${payload.defaultBranch}\` (the configuration reference in Orchestrator's README lists every key; its JSON Schema lets editors check the file), then remove and add the \`${deps.settings.label}\` label.`,
    });
    setDeliveryOutcome(db, payload.deliveryId, "invalid-config");
    log.warn("invalid repository config", { owner: payload.owner, repo: payload.repo, error: error.message });
    return;
  }
  const decision = decideTrigger(payload.sender, permission, config.trust.allow_bots);
  if (!decision.allowed && decision.reason === "bot") {
    // Bots get no reply: answering a bot is how loops start.
    setDeliveryOutcome(db, payload.deliveryId, "refused:bot");
    log.info("ignored a bot's trigger", { sender: payload.sender.login, issue: payload.issueNumber });
    return;
  }
  if (!decision.allowed) {
    await github.upsertIssueComment(repo, payload.issueNumber, {
      commentId: null,
      marker: refusalMarker(payload.deliveryId),
      since: new Date(payload.receivedAt).toISOString(),
      body: `${refusalMarker(payload.deliveryId)}\n@${payload.sender.login}, only people with write access to this repository can ask Orchestrator to work on an issue. A maintainer can add the \`${deps.settings.label}\` label instead.`,
    });
    setDeliveryOutcome(db, payload.deliveryId, `refused:${permission ?? "none"}`);
    log.info("refused a trigger", { sender: payload.sender.login, permission, issue: payload.issueNumber });
    return;
  }

  const active = findActiveTaskForIssue(db, payload.owner, payload.repo, payload.issueNumber);
  if (active && active.state !== TaskState.needsHuman) {
    appendTaskEvent(db, { taskId: active.id, at: clock.now(), kind: "relabelled", detail: { by: payload.sender.login, deliveryId: payload.deliveryId } });
    setDeliveryOutcome(db, payload.deliveryId, `already-active:${active.id}`);
    return;
  }
  const at = clock.now();
  const fresh = {
    installationId: payload.installationId,
    owner: payload.owner,
    repo: payload.repo,
    issueNumber: payload.issueNumber,
    issueTitle: payload.issueTitle,
    issueBody: payload.issueBody,
    issueLabels: payload.issueLabels,
    requestedBy: payload.sender.login,
    defaultBranch: payload.defaultBranch,
  };
  const detail = { requestedBy: payload.sender.login, permission, deliveryId: payload.deliveryId };
  try {
    const task = createTaskReplacing(db, active, { by: payload.sender.login, deliveryId: payload.deliveryId, at }, () =>
      {
        const created = createTask(db, fresh, { at, detail, enqueue: (taskId) => advanceJob(taskId, at) });
        saveArtifact(db, created.id, "config", config, at);
        return created;
      },
    );
    setDeliveryOutcome(db, payload.deliveryId, `task:${task.id}`);
    log.info("task created", { taskId: task.id, issue: payload.issueNumber, requestedBy: payload.sender.login });
  } catch (error) {
    // Two labellings raced; the other one created the task.
    if (!isUniqueViolation(error)) throw error;
    setDeliveryOutcome(db, payload.deliveryId, "already-active");
  }
}
