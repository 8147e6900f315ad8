import type { Job } from "../store/jobs.js";
import { setDeliveryOutcome } from "../store/deliveries.js";
import { enqueueJob } from "../store/jobs.js";
import { markInterruptedCalls } from "../store/model-calls.js";
import { appendTaskEvent } from "../store/task-events.js";
import type { Db } from "../store/open-database.js";
import { getTask } from "../store/tasks.js";
import type { Task } from "../store/tasks.js";
import type { Tracing } from "../telemetry/tracing.js";
import { SpanAttr } from "../telemetry/tracing.js";
import { getAlert } from "../store/alerts.js";
import { postAlertComment } from "./alerts.js";
import { BudgetExceededError } from "./budget.js";
import type { EngineDeps } from "./engine-deps.js";
import { withTracing } from "./engine-deps.js";
import { describeError, NeedsHumanError, OrchestratorError } from "./errors.js";
import {
  advanceJob,
  advancePayloadSchema,
  alertPayloadSchema,
  ciCompletedPayloadSchema,
  commandPayloadSchema,
  reconcilePayloadSchema,
  intakePayloadSchema,
  issueClosedPayloadSchema,
  JobKind,
  pullRequestClosedPayloadSchema,
  reviewSubmittedPayloadSchema,
} from "./job-kinds.js";
import { runCiCompleted } from "./phases/ci-result.js";
import { runImplementing } from "./phases/implementing.js";
import { runIntake } from "./phases/intake.js";
import { runPlanning } from "./phases/planning.js";
import { runPlanReview } from "./phases/plan-review.js";
import { runCodeReview } from "./phases/code-review.js";
import { runCommand } from "./phases/command.js";
import { runFixing } from "./phases/fixing.js";
import { postPlanForApproval } from "./phases/plan-approval.js";
import { runReconcile } from "./phases/reconcile.js";
import { runRevising } from "./phases/revising.js";
import { runPushing } from "./phases/pushing.js";
import { runIssueClosed, runPullRequestClosed, runReviewSubmitted } from "./phases/review-result.js";
import { reportProgress } from "./report-progress.js";
import { isTerminal, TaskState } from "./task-states.js";
import { fail, handToHuman } from "./transitions.js";
import type { JobHandler } from "./worker.js";
import { statement } from "../store/statement-cache.js";

/** Moves a task through the phase its state calls for; waiting and finished states only refresh what GitHub shows. */
async function advance(deps: EngineDeps, taskId: number): Promise<void> {
  const task = getTask(deps.db, taskId);
  if (!task) return;
  // A queued task's first phase is planning; waiting and finished states only refresh what GitHub shows.
  const phase = task.state === TaskState.queued ? TaskState.planning : task.state;
  const reportsOnly = isTerminal(task.state) || task.state === TaskState.awaitingCi || task.state === TaskState.awaitingReview || task.state === TaskState.needsHuman;
  await deps.tracing.instrument(
    reportsOnly ? `report ${phase}` : `phase ${phase}`,
    reportsOnly ? "other" : "phase",
    { "orchestrator.phase": phase, [SpanAttr.taskId]: task.id },
    (_span, scoped) => runPhase(withTracing(deps, scoped), task),
  );
}

async function runPhase(deps: EngineDeps, task: Task): Promise<void> {
  switch (task.state) {
    case TaskState.queued:
    case TaskState.planning:
      return runPlanning(deps, task);
    case TaskState.implementing:
      return runImplementing(deps, task);
    case TaskState.planReview:
      return runPlanReview(deps, task);
    case TaskState.codeReview:
      return runCodeReview(deps, task);
    case TaskState.pushing:
      return runPushing(deps, task);
    case TaskState.fixing:
      return runFixing(deps, task);
    case TaskState.revising:
      return runRevising(deps, task);
    case TaskState.awaitingPlanApproval:
      return postPlanForApproval(deps, task);
    case TaskState.awaitingCi:
    case TaskState.awaitingReview:
    case TaskState.needsHuman:
    case TaskState.done:
    case TaskState.cancelled:
    case TaskState.failed:
      // A retried job whose transition committed before its report did: finish the report.
      await reportProgress(deps, await deps.github(task.installationId), task.id);
  }
}

/** Before any job of a task runs, calls an earlier, crashed attempt left `started` are marked interrupted. */
function forTask(deps: EngineDeps, handler: (job: Job, deps: EngineDeps) => Promise<void>): JobHandler {
  return (job, tracing) => {
    if (job.taskId !== null) {
      const interrupted = markInterruptedCalls(deps.db, job.taskId);
      if (interrupted > 0) deps.log.warn("model calls cut off by a crash marked as failed", { taskId: job.taskId, calls: interrupted });
    }
    return handler(job, scoped(deps, tracing));
  };
}

/** The dependencies with their spans under the job's, when the worker traces jobs. */
function scoped(deps: EngineDeps, tracing: Tracing | undefined): EngineDeps {
  return tracing ? withTracing(deps, tracing) : deps;
}

export function createJobHandlers(deps: EngineDeps): Record<JobKind, JobHandler> {
  return {
    [JobKind.intake]: (job, tracing) => runIntake(scoped(deps, tracing), intakePayloadSchema.parse(job.payload)),
    [JobKind.advance]: forTask(deps, (job, d) => advance(d, advancePayloadSchema.parse(job.payload).taskId)),
    [JobKind.ciCompleted]: forTask(deps, (job, d) => runCiCompleted(d, ciCompletedPayloadSchema.parse(job.payload))),
    [JobKind.reviewSubmitted]: forTask(deps, (job, d) => runReviewSubmitted(d, reviewSubmittedPayloadSchema.parse(job.payload))),
    [JobKind.pullRequestClosed]: forTask(deps, (job, d) => runPullRequestClosed(d, pullRequestClosedPayloadSchema.parse(job.payload))),
    [JobKind.issueClosed]: forTask(deps, (job, d) => runIssueClosed(d, issueClosedPayloadSchema.parse(job.payload))),
    [JobKind.command]: (job, tracing) => runCommand(scoped(deps, tracing), commandPayloadSchema.parse(job.payload)),
    [JobKind.reconcile]: forTask(deps, (job, d) => runReconcile(d, reconcilePayloadSchema.parse(job.payload).taskId)),
    [JobKind.alert]: (job, tracing) => runAlert(scoped(deps, tracing), alertPayloadSchema.parse(job.payload).alertId),
  };
}

/** Tells the task's issue about an alert raised outside its jobs (the alert is in the store, the log has it already). */
async function runAlert(deps: EngineDeps, alertId: number): Promise<void> {
  const alert = getAlert(deps.db, alertId);
  const task = alert?.taskId ? getTask(deps.db, alert.taskId) : undefined;
  if (!alert || !task || alert.notifiedAt !== null) return;
  if (await postAlertComment(deps, await deps.github(task.installationId), task, alert)) return;
  // The task's own report holds the alert: this job tries again until it is posted, by whichever.
  if (getAlert(deps.db, alertId)?.notifiedAt === null) {
    throw new OrchestratorError(`alert ${String(alertId)} is being posted by the task's own job; trying again`, { retryable: true, retryAfterMs: 60_000 });
  }
}

/**
 * A job that will not run again fails its task, visibly: the transition enqueues the job that
 * reports it, so the progress comment says why. A failed intake has no task yet; the person who
 * added the label is told on the issue instead.
 */
export function createDeadJobHandler(deps: EngineDeps): (job: Job, error: unknown) => Promise<void> {
  return async (job, error) => {
    if (job.kind === JobKind.intake) return reportFailedIntake(deps, job, error);
    if (job.taskId === null) return;
    if (job.kind === JobKind.reconcile || job.kind === JobKind.command) {
      // A look at GitHub or a command that could not run changes nothing about the task's work: say so, do not fail it.
      appendTaskEvent(deps.db, { taskId: job.taskId, at: deps.clock.now(), kind: "job_dead", detail: { jobId: job.id, kind: job.kind, error: describeError(error) } });
      deps.log.warn("a job gave up without failing its task", { taskId: job.taskId, kind: job.kind, error: describeError(error) });
      return;
    }
    const task = getTask(deps.db, job.taskId);
    if (!task || isTerminal(task.state)) return;
    if (error instanceof NeedsHumanError) {
      if (task.state === TaskState.needsHuman) return;
      // A budget or a limit stopped the work on purpose: the task pauses for a person, it has not failed.
      handToHuman(deps.db, task.id, { at: deps.clock.now(), patch: { failure: error.message }, detail: { jobId: job.id, kind: job.kind, reason: error.name, ...(error instanceof BudgetExceededError ? { budget: true } : {}) }, enqueue: advanceJob(task.id, deps.clock.now()) });
      return;
    }
    const reason = `${describeError(error)} (after ${job.attempts} attempt${job.attempts === 1 ? "" : "s"}). Remove and add the \`${deps.settings.label}\` label to start again.`;
    fail(deps.db, task.id, { at: deps.clock.now(), patch: { failure: reason }, detail: { jobId: job.id, kind: job.kind }, enqueue: advanceJob(task.id, deps.clock.now()) });
    await Promise.resolve();
  };
}

async function reportFailedIntake(deps: EngineDeps, job: Job, error: unknown): Promise<void> {
  const payload = intakePayloadSchema.safeParse(job.payload);
  if (!payload.success) return;
  const { deliveryId, installationId, owner, repo, issueNumber, sender } = payload.data;
  setDeliveryOutcome(deps.db, deliveryId, `failed:${describeError(error).slice(0, 200)}`);
  const marker = `<!-- orchestrator:intake-failed delivery=${deliveryId} -->`;
  const github = await deps.github(installationId);
  await github.upsertIssueComment({ owner, repo }, issueNumber, {
    commentId: null,
    marker,
    since: new Date(payload.data.receivedAt).toISOString(),
    body: `${marker}\n@${sender.login}, Orchestrator could not start work on this issue: ${describeError(error)}. Remove and add the \`${deps.settings.label}\` label to try again.`,
  });
}

/**
 * On start-up: every task in a working state with no pending job gets one, so nothing stalls after a
 * crash. (Transitions enqueue in their own transaction, so this finds work only after manual edits
 * or a bug; it is cheap insurance.)
 */
export function recoverStalledTasks(db: Db, now: number): number {
  const stalled = statement<[], { id: number }>(db, 
      `SELECT t.id FROM tasks t
       WHERE t.state IN ('queued', 'planning', 'plan_review', 'implementing', 'code_review', 'pushing', 'fixing', 'revising')
         AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.task_id = t.id AND j.state = 'pending')`,
    )
    .all();
  for (const { id } of stalled) enqueueJob(db, advanceJob(id, now), now);
  return stalled.length;
}
