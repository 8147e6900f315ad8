/*
 * The life of a task (see docs/ARCHITECTURE.md for the full product flow):
 *
 *   issues.labeled ─► queued ─► planning ─► plan_review ─► implementing ─► code_review ─► pushing ─► awaiting_ci ─┬─► awaiting_review ─► done
 *                                  ▲  revise   │              ▲  changes       │                                   └─► needs_human ─► done (approved)
 *                                  └───────────┘              └────────────────┘
 *
 *   any active state ─► failed (unrecoverable) · cancelled (PR or issue closed) · done (PR merged)
 *   any working state ─► needs_human (budget reached, review rounds used up, red CI, changes requested)
 *   needs_human ─► done when approved; cancelled, with a new task, when relabelled
 *
 * States that later phases add (awaiting_plan_approval, fixing, revising) are declared now so
 * stored rows and the transition table speak one vocabulary.
 */
export const TaskState = {
  queued: "queued",
  planning: "planning",
  planReview: "plan_review",
  awaitingPlanApproval: "awaiting_plan_approval",
  implementing: "implementing",
  codeReview: "code_review",
  pushing: "pushing",
  awaitingCi: "awaiting_ci",
  fixing: "fixing",
  awaitingReview: "awaiting_review",
  revising: "revising",
  done: "done",
  cancelled: "cancelled",
  failed: "failed",
  needsHuman: "needs_human",
} as const;

export type TaskState = (typeof TaskState)[keyof typeof TaskState];

export const allTaskStates: readonly TaskState[] = Object.values(TaskState);

/** Terminal states free the issue for a new task; the partial unique index in the schema lists the same three. */
export const terminalStates: readonly TaskState[] = [TaskState.done, TaskState.cancelled, TaskState.failed];

export const activeStates: readonly TaskState[] = allTaskStates.filter((s) => !terminalStates.includes(s));

export function isTaskState(value: string): value is TaskState {
  return (allTaskStates as readonly string[]).includes(value);
}

export function isTerminal(state: TaskState): boolean {
  return terminalStates.includes(state);
}
