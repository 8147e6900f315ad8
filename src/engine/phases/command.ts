import { fenced } from "../../agents/prompt-context.js";
import { planSchema } from "../../agents/planner.js";
import { repoConfigSchema } from "../../config/repo-config.js";
import { isTrustedBot, triggerPermissions } from "../../security/trigger-policy.js";
import { enqueueJob } from "../../store/jobs.js";
import { loadArtifact, saveArtifact } from "../../store/task-artifacts.js";
import { appendTaskEvent, listTaskEvents } from "../../store/task-events.js";
import type { Task } from "../../store/tasks.js";
import { getTask } from "../../store/tasks.js";
import { formatUsd } from "../../telemetry/format.js";
import { buildTaskReport } from "../../telemetry/task-report.js";
import type { Command } from "../commands.js";
import { commandHelp, parseCommand } from "../commands.js";
import type { EngineDeps } from "../engine-deps.js";
import type { CommandPayload } from "../job-kinds.js";
import { advanceJob, JobKind } from "../job-kinds.js";
import { ciFailuresSchema, planRevisionsSchema, readArtifact, revisionRequestsSchema } from "../phase-artifacts.js";
import { frozenConfig, githubRedaction } from "../task-context.js";
import { isTaskState, isTerminal, TaskState } from "../task-states.js";
import { cancel, changeApproved, planApproved, replan, resumeFrom } from "../transitions.js";

export function commandReplyMarker(commentId: number): string {
  return `<!-- orchestrator:command comment=${commentId} -->`;
}

/**
 * Runs a command from a comment. The author's permission is read from GitHub first; the reply is
 * one short comment, found again by its marker if the job is retried, so it is never written twice.
 */
export async function runCommand(deps: EngineDeps, payload: CommandPayload): Promise<void> {
  const command = parseCommand(payload.body);
  if (!command) return;
  const { db, clock } = deps;
  const repo = { owner: payload.owner, repo: payload.repo };
  const github = await deps.github(payload.installationId);
  const task = payload.taskId === null ? undefined : getTask(db, payload.taskId);
  const marker = commandReplyMarker(payload.commentId);
  const reply = async (text: string): Promise<void> => {
    const body = `${marker}\n@${payload.author.login}, ${text}`;
    await github.upsertIssueComment(repo, payload.issueNumber, { commentId: null, marker, since: payload.commentCreatedAt, body: task ? githubRedaction(deps, task.id)(body) : body });
  };

  const trustedBot = task !== undefined && payload.author.type === "Bot" && isTrustedBot(payload.author.login, frozenConfig(deps, task.id).trust.allow_bots, deps.settings.appSlug);
  const permission = trustedBot ? "write" : await github.getPermission(repo, payload.author.login);
  if (!triggerPermissions.includes(permission)) {
    if (task) appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "command_refused", detail: { by: payload.author.login, permission, command: command.name } });
    await reply(`only people with write access to this repository can steer Orchestrator; your command was ignored.`);
    return;
  }
  if (command.name === "help" || command.name === "invalid") {
    await reply(`${command.name === "invalid" ? `${command.problem}\n\n` : ""}${commandHelp}`);
    return;
  }
  if (!task || (isTerminal(task.state) && command.name !== "status")) {
    await reply(
      task
        ? `this task is ${task.state.replace(/_/g, " ")}; there is nothing to ${command.name}. Add the \`${deps.settings.label}\` label again to start a new task.`
        : `there is no Orchestrator task here. Add the \`${deps.settings.label}\` label to the issue to start one.`,
    );
    return;
  }
  // A retried job whose command ran already posts the same reply again (the marker finds it) rather than running it twice.
  const done = listTaskEvents(db, task.id).find((e) => e.kind === "command" && e.detail.commentId === payload.commentId);
  if (typeof done?.detail.reply === "string") {
    await reply(done.detail.reply);
    return;
  }
  const text = execute(deps, task, command, payload.author.login, payload.commentId);
  appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "command", detail: { by: payload.author.login, command: command.name, commentId: payload.commentId, reply: text } });
  await reply(text);
}

/** Applies the command to the task (each change one transition) and returns the reply's text. */
function execute(deps: EngineDeps, task: Task, command: Exclude<Command, { name: "help" | "invalid" }>, by: string, commentId: number): string {
  const { db, clock } = deps;
  const at = clock.now();
  const state = task.state.replace(/_/g, " ");
  switch (command.name) {
    case "status":
      return status(deps, task);
    case "cancel":
      cancel(db, task.id, { at, patch: { failure: `@${by} cancelled the task with \`/orchestrator cancel\`.` }, detail: { by }, enqueue: advanceJob(task.id, at) });
      return `cancelled. Nothing more will be spent on this task${task.prUrl ? `; the pull request stays open for you to close or take over` : ""}.`;
    case "approve-plan":
      if (task.state !== TaskState.awaitingPlanApproval) return `no plan is waiting for approval (the task is ${state}).`;
      // Waiting with a reviewed change (its paths were riskier than the plan's): approval pushes it.
      if (listTaskEvents(db, task.id).findLast((e) => e.toState === TaskState.awaitingPlanApproval)?.kind === "await_change_approval") {
        changeApproved(db, task.id, { at, detail: { by }, enqueue: advanceJob(task.id, at) });
        return `change approved; the pull request is being opened.`;
      }
      planApproved(db, task.id, { at, detail: { by }, enqueue: advanceJob(task.id, at) });
      return `plan approved; implementation starts now.`;
    case "replan": {
      // A retried job whose transition committed before its reply: the feedback is in already.
      if (listTaskEvents(db, task.id).some((e) => e.kind === "replan" && e.detail.commentId === commentId)) return `the planner is writing a new plan with your feedback.`;
      const plan = planSchema.safeParse(loadArtifact(db, task.id, "plan"));
      if (task.prNumber !== null) return `the pull request exists already: request changes in a review of it instead, and Orchestrator revises it.`;
      if (!plan.success || !replan.from.includes(task.state)) return `there is no plan to replace yet (the task is ${state}); try again once the plan is written.`;
      const revisions = readArtifact(db, task.id, "plan_revisions", planRevisionsSchema, []);
      db.transaction(() => {
        saveArtifact(db, task.id, "plan_revisions", [...revisions, { plan: plan.data, reasons: [fenced(command.feedback)], by }], at);
        replan(db, task.id, { at, detail: { by, commentId }, enqueue: advanceJob(task.id, at) });
      })();
      return `the planner is writing a new plan with your feedback.`;
    }
    case "budget": {
      const config = frozenConfig(deps, task.id);
      const spent = buildTaskReport(db, task.id).totals.costUsd;
      if (command.usd <= spent) return `this task has already spent ${formatUsd(spent)}; a cap of ${formatUsd(command.usd)} would stop it at once. Give a higher amount.`;
      // The task's frozen config carries its caps; raising it here changes this task only.
      const raised = repoConfigSchema.parse({ ...config, budget: { ...config.budget, task_usd: command.usd } });
      db.transaction(() => {
        saveArtifact(db, task.id, "config", raised, at);
        appendTaskEvent(db, { taskId: task.id, at, kind: "budget_changed", detail: { by, from: config.budget.task_usd, to: command.usd } });
      })();
      return `this task's budget is now ${formatUsd(command.usd)} (was ${formatUsd(config.budget.task_usd)}; spent ${formatUsd(spent)}).${task.state === TaskState.needsHuman ? " Comment `/orchestrator retry` to carry on." : ""}`;
    }
    case "retry":
      return retry(deps, task, by);
  }
}

/** A task waiting for a person carries on from where it stopped; a CI loop that stopped gets a fresh set of attempts. */
function retry(deps: EngineDeps, task: Task, by: string): string {
  const { db, clock } = deps;
  if (task.state !== TaskState.needsHuman) return `the task is ${task.state.replace(/_/g, " ")}, not waiting for a person; there is nothing to retry.`;
  const stop = listTaskEvents(db, task.id).findLast((e) => e.toState === TaskState.needsHuman);
  const stoppedIn = stop?.fromState && isTaskState(stop.fromState) ? stop.fromState : TaskState.planning;
  const transition = resumeFrom(stoppedIn);
  const at = clock.now();
  db.transaction(() => {
    transition(db, task.id, { at, patch: { failure: null }, detail: { by, stoppedIn }, enqueue: advanceJob(task.id, at) });
    // Back to waiting on CI: read the checks again now rather than wait for an event that already came.
    if (transition.to === TaskState.awaitingCi && task.headSha !== null) {
      enqueueJob(db, { kind: JobKind.ciCompleted, taskId: task.id, payload: { taskId: task.id, headSha: task.headSha, deliveryId: `retry-${at}` }, runAt: at }, at);
    }
  })();
  return `carrying on from ${stoppedIn.replace(/_/g, " ")}.`;
}

function status(deps: EngineDeps, task: Task): string {
  const report = buildTaskReport(deps.db, task.id);
  const config = frozenConfig(deps, task.id);
  const fixes = readArtifact(deps.db, task.id, "ci_failures", ciFailuresSchema, []).filter((f) => f.action === "fix").length;
  const revisions = readArtifact(deps.db, task.id, "revision_requests", revisionRequestsSchema, []).length;
  return [
    `task ${task.id} is **${task.state.replace(/_/g, " ")}**.`,
    `Spent ${formatUsd(report.totals.costUsd)} of ${formatUsd(config.budget.task_usd)} over ${report.totals.calls} model calls; CI fix attempts ${fixes} of ${config.ci.fix_attempts}; revisions ${revisions}.`,
    ...(task.prUrl ? [`Pull request: ${task.prUrl}`] : []),
    ...(task.failure ? [`Why it stopped: ${task.failure}`] : []),
  ].join("\n");
}
