/*
 * One function per edge of the task state machine (drawn in task-states.ts). Each asserts the
 * task is in a state the edge leaves from, writes the new state with whatever the phase recorded,
 * and appends to the event log, all in one SQLite transaction.
 */
import type { NewJob } from "../store/jobs.js";
import { enqueueJob } from "../store/jobs.js";
import type { Db } from "../store/open-database.js";
import { appendTaskEvent } from "../store/task-events.js";
import type { NewTask, Task, TaskPatch } from "../store/tasks.js";
import { getTask, insertTask, updateTask } from "../store/tasks.js";
import { activeStates, TaskState } from "./task-states.js";

export class TransitionError extends Error {
  override readonly name = "TransitionError";
  constructor(
    readonly transition: string,
    readonly taskId: number,
    readonly actual: TaskState | undefined,
    readonly expected: readonly TaskState[],
  ) {
    super(
      actual === undefined
        ? `Cannot ${transition}: task ${taskId} does not exist.`
        : `Cannot ${transition}: task ${taskId} is ${actual}, expected ${expected.join(" or ")}.`,
    );
  }
}

export interface TransitionInput {
  readonly at: number;
  readonly patch?: TaskPatch;
  readonly detail?: Record<string, unknown>;
  /** The job that carries the task on from its new state, enqueued in the same transaction. */
  readonly enqueue?: NewJob;
}

export type Transition = ((db: Db, taskId: number, input: TransitionInput) => Task) & {
  readonly transitionName: string;
  readonly from: readonly TaskState[];
  readonly to: TaskState;
};

function defineTransition(name: string, from: readonly TaskState[], to: TaskState): Transition {
  const apply = (db: Db, taskId: number, input: TransitionInput): Task =>
    db.transaction(() => {
      const task = getTask(db, taskId);
      if (!task || !from.includes(task.state)) throw new TransitionError(name, taskId, task?.state, from);
      const updated = updateTask(db, taskId, input.at, input.patch ?? {}, to);
      appendTaskEvent(db, { taskId, at: input.at, kind: name, fromState: task.state, toState: to, detail: input.detail ?? {} });
      if (input.enqueue) enqueueJob(db, { ...input.enqueue, taskId }, input.at);
      return updated;
    })();
  return Object.assign(apply, { transitionName: name, from, to });
}

/** Creates a task in `queued` and logs `created`; the partial unique index refuses a second active task for the issue. */
export function createTask(db: Db, task: NewTask, input: Omit<TransitionInput, "patch" | "enqueue"> & { enqueue?: (taskId: number) => NewJob }): Task {
  return db.transaction(() => {
    const created = insertTask(db, task, TaskState.queued, input.at);
    appendTaskEvent(db, { taskId: created.id, at: input.at, kind: "created", toState: TaskState.queued, detail: input.detail ?? {} });
    if (input.enqueue) enqueueJob(db, input.enqueue(created.id), input.at);
    return created;
  })();
}

export const startPlanning = defineTransition("start_planning", [TaskState.queued], TaskState.planning);
/** The planner wrote a plan; the plan reviewer reads it next. */
export const submitPlan = defineTransition("submit_plan", [TaskState.planning], TaskState.planReview);
/** The plan reviewer sent the plan back with reasons; the planner writes the next round. */
export const revisePlan = defineTransition("revise_plan", [TaskState.planReview], TaskState.planning);
export const approvePlan = defineTransition("approve_plan", [TaskState.planReview], TaskState.implementing);
/** The reviewer approved a plan whose risk the repository wants a person to see first: posted, waiting for approve-plan. */
export const awaitPlanApproval = defineTransition("await_plan_approval", [TaskState.planReview], TaskState.awaitingPlanApproval);
export const planApproved = defineTransition("plan_approved", [TaskState.awaitingPlanApproval], TaskState.implementing);
/**
 * The reviewed change touches paths riskier than its plan said, at a risk the repository wants a
 * person to approve: it waits, and approve-plan lets it be pushed as it is (no model call again).
 */
export const awaitChangeApproval = defineTransition("await_change_approval", [TaskState.codeReview], TaskState.awaitingPlanApproval);
export const changeApproved = defineTransition("change_approved", [TaskState.awaitingPlanApproval], TaskState.pushing);
/** A person asked for a new plan with their feedback (`/orchestrator replan`), before any commit exists. */
export const replan = defineTransition(
  "replan",
  [TaskState.planning, TaskState.planReview, TaskState.awaitingPlanApproval, TaskState.implementing, TaskState.codeReview, TaskState.needsHuman],
  TaskState.planning,
);
/** The implementer finished a change; the code reviewer reads its diff next. */
export const submitChange = defineTransition("submit_change", [TaskState.implementing], TaskState.codeReview);
export const requestCodeChanges = defineTransition("request_code_changes", [TaskState.codeReview], TaskState.implementing);
export const approveCode = defineTransition("approve_code", [TaskState.codeReview], TaskState.pushing);
export const awaitCi = defineTransition("await_ci", [TaskState.pushing], TaskState.awaitingCi);
export const ciPassed = defineTransition("ci_passed", [TaskState.awaitingCi], TaskState.awaitingReview);
/** Required checks failed with evidence worth a fix: the implementer gets it. */
export const ciFailed = defineTransition("ci_failed", [TaskState.awaitingCi], TaskState.fixing);
/** A fix is ready: it is committed on the same branch, and CI runs again. */
export const submitFix = defineTransition("submit_fix", [TaskState.fixing], TaskState.pushing);
/** A person with write access requested changes on the pull request. */
export const requestRevision = defineTransition("request_revision", [TaskState.awaitingReview, TaskState.awaitingCi, TaskState.needsHuman], TaskState.revising);
/** The revision is made; another model reviews it before it is committed. */
export const submitRevision = defineTransition("submit_revision", [TaskState.revising], TaskState.codeReview);
/** `/orchestrator retry` on a paused task: back to the phase that can carry it on. */
export const resumePlanning = defineTransition("resume", [TaskState.needsHuman], TaskState.planning);
export const resumeImplementing = defineTransition("resume", [TaskState.needsHuman], TaskState.implementing);
export const resumePushing = defineTransition("resume", [TaskState.needsHuman], TaskState.pushing);
export const resumeAwaitingCi = defineTransition("resume", [TaskState.needsHuman], TaskState.awaitingCi);
export const resumeRevising = defineTransition("resume", [TaskState.needsHuman], TaskState.revising);
export const resumeFixing = defineTransition("resume", [TaskState.needsHuman], TaskState.fixing);

/** Where `/orchestrator retry` takes a task, by the state it stopped in. */
export function resumeFrom(stoppedIn: TaskState): Transition {
  switch (stoppedIn) {
    case TaskState.implementing:
    case TaskState.codeReview:
      return resumeImplementing;
    case TaskState.revising:
      return resumeRevising;
    case TaskState.pushing:
      return resumePushing;
    case TaskState.fixing:
      // The fix it stopped in (a budget, an empty fix) was never pushed: make it again.
      return resumeFixing;
    case TaskState.awaitingCi:
    case TaskState.awaitingReview:
      return resumeAwaitingCi;
    case TaskState.queued:
    case TaskState.planning:
    case TaskState.planReview:
    case TaskState.awaitingPlanApproval:
    case TaskState.needsHuman:
    case TaskState.done:
    case TaskState.cancelled:
    case TaskState.failed:
      return resumePlanning;
  }
}
/**
 * A reviewer with write access approved; before CI finished counts too, and so does a task waiting
 * for a person (they fixed the branch themselves): the human gate is theirs.
 */
export const approve = defineTransition("approve", [TaskState.awaitingReview, TaskState.awaitingCi, TaskState.needsHuman], TaskState.done);
/** The pull request was merged by a person. */
export const merged = defineTransition("merged", activeStates, TaskState.done);

const pausable = activeStates.filter((s) => s !== TaskState.needsHuman);
/** Paused for a person (red CI, requested changes): their approval finishes it, the label restarts it. */
export const handToHuman = defineTransition("hand_to_human", pausable, TaskState.needsHuman);
export const fail = defineTransition("fail", activeStates, TaskState.failed);
export const cancel = defineTransition("cancel", activeStates, TaskState.cancelled);

export const transitions: readonly Transition[] = [
  startPlanning,
  submitPlan,
  revisePlan,
  approvePlan,
  submitChange,
  requestCodeChanges,
  approveCode,
  awaitPlanApproval,
  planApproved,
  awaitChangeApproval,
  changeApproved,
  replan,
  awaitCi,
  ciPassed,
  ciFailed,
  submitFix,
  requestRevision,
  submitRevision,
  resumePlanning,
  resumeImplementing,
  resumePushing,
  resumeAwaitingCi,
  resumeRevising,
  resumeFixing,
  approve,
  merged,
  handToHuman,
  fail,
  cancel,
];
