import { describe, expect, it } from "vitest";
import { advanceJob } from "../../src/engine/job-kinds.js";
import type { TaskState } from "../../src/engine/task-states.js";
import { allTaskStates } from "../../src/engine/task-states.js";
import type { Transition } from "../../src/engine/transitions.js";
import { cancel, createTask, fail, handToHuman, merged, startPlanning, transitions, TransitionError } from "../../src/engine/transitions.js";
import { claimJob, countJobs } from "../../src/store/jobs.js";
import type { Db } from "../../src/store/open-database.js";
import { listTaskEvents } from "../../src/store/task-events.js";
import type { Task } from "../../src/store/tasks.js";
import { insertTask, listTasks, requireTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();

/** A task put straight into `state`, as if earlier transitions had brought it there. */
function taskIn(db: Db, state: TaskState, issueNumber = 1): Task {
  return insertTask(db, sampleTask({ issueNumber }), state, 1_000);
}

function refusal(run: () => unknown): TransitionError {
  try {
    run();
  } catch (error) {
    if (error instanceof TransitionError) return error;
    throw error;
  }
  throw new Error("expected the transition to be refused");
}

const wrongSources = transitions.map((t) => ({ name: t.transitionName, transition: t, wrong: allTaskStates.filter((s) => !t.from.includes(s)) }));

describe("task transitions", () => {
  it.each(wrongSources)("$name refuses every state it does not leave from, naming both, and changes nothing", ({ transition, wrong }) => {
    const db = database();
    expect(wrong.length).toBeGreaterThan(0);
    for (const [i, state] of wrong.entries()) {
      const task = taskIn(db, state, 100 + i);

      const error = refusal(() => transition(db, task.id, { at: 9_000, patch: { failure: "should not be written" }, detail: {}, enqueue: advanceJob(task.id, 9_000) }));

      expect(error.message).toBe(`Cannot ${transition.transitionName}: task ${task.id} is ${state}, expected ${transition.from.join(" or ")}.`);
      expect(error).toMatchObject({ transition: transition.transitionName, taskId: task.id, actual: state, expected: transition.from });
      expect(requireTask(db, task.id)).toEqual(task);
    }
    expect(db.prepare("SELECT count(*) AS n FROM task_events").get()).toEqual({ n: 0 });
    expect(countJobs(db, "pending")).toBe(0);
  });

  it.each(transitions.map((t) => ({ name: t.transitionName, transition: t })))("$name moves a task from each of its source states to its target", ({ transition }) => {
    const db = database();
    for (const [i, from] of transition.from.entries()) {
      const task = taskIn(db, from, 100 + i);

      const moved = transition(db, task.id, { at: 5_000 });

      expect(moved.state).toBe(transition.to);
      expect(listTaskEvents(db, task.id).map((e) => ({ kind: e.kind, fromState: e.fromState, toState: e.toState }))).toEqual([
        { kind: transition.transitionName, fromState: from, toState: transition.to },
      ]);
    }
  });

  it("refuses a task that does not exist", () => {
    const db = database();

    const error = refusal(() => startPlanning(db, 404, { at: 1 }));

    expect(error.message).toBe("Cannot start_planning: task 404 does not exist.");
    expect(error.actual).toBeUndefined();
  });

  it("writes the state, the patch and one event with its detail together", () => {
    const db = database();
    const task = taskIn(db, "queued");

    const moved = startPlanning(db, task.id, { at: 5_000, patch: { baseSha: "base-sha", branch: "orchestrator/1-add-subtraction" }, detail: { jobId: 7 } });

    expect(moved).toEqual({ ...task, state: "planning", baseSha: "base-sha", branch: "orchestrator/1-add-subtraction", updatedAt: 5_000 });
    expect(requireTask(db, task.id)).toEqual(moved);
    const events = listTaskEvents(db, task.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ at: 5_000, kind: "start_planning", fromState: "queued", toState: "planning", detail: { jobId: 7 } });
  });

  it("enqueues the follow-up job for the task in the same transaction", () => {
    const db = database();
    const task = taskIn(db, "queued");

    startPlanning(db, task.id, { at: 5_000, enqueue: { kind: "advance", payload: { taskId: task.id }, runAt: 5_000, uniqueKey: "plan-1" } });

    expect(claimJob(db, "w", 5_000, 1_000)).toMatchObject({ kind: "advance", taskId: task.id, payload: { taskId: task.id } });
  });

  it("rolls the state and the event back when its job cannot be enqueued", () => {
    const db = database();
    const task = taskIn(db, "queued");

    // A NaN run_at is stored as NULL, which the jobs table refuses: the insert fails inside the transaction.
    expect(() => startPlanning(db, task.id, { at: 5_000, patch: { baseSha: "base-sha" }, enqueue: advanceJob(task.id, Number.NaN) })).toThrow(/NOT NULL constraint failed: jobs.run_at/);

    expect(requireTask(db, task.id)).toEqual(task);
    expect(listTaskEvents(db, task.id)).toEqual([]);
    expect(countJobs(db, "pending")).toBe(0);
  });

  it("lets a person's merge, a failure and a cancellation end a task from any active state, but not a finished one", () => {
    const db = database();
    const finishing: readonly Transition[] = [merged, fail, cancel];
    for (const transition of finishing) {
      expect(transition.from).not.toContain("done");
      expect(transition.from).not.toContain("cancelled");
      expect(transition.from).not.toContain("failed");
      expect(transition.from).toContain("needs_human");
    }
    expect(handToHuman.from).not.toContain("needs_human");
    const done = taskIn(db, "done");

    expect(() => cancel(db, done.id, { at: 2 })).toThrow(TransitionError);
  });
});

describe("createTask", () => {
  it("creates a queued task, logs it as created and enqueues its first job, all at once", () => {
    const db = database();

    const task = createTask(db, sampleTask(), { at: 1_000, detail: { deliveryId: "d-1" }, enqueue: (id) => advanceJob(id, 1_000) });

    expect(task).toMatchObject({ state: "queued", issueNumber: 1, createdAt: 1_000 });
    expect(listTaskEvents(db, task.id)).toEqual([expect.objectContaining({ kind: "created", fromState: null, toState: "queued", detail: { deliveryId: "d-1" } })]);
    expect(claimJob(db, "w", 1_000, 1_000)).toMatchObject({ kind: "advance", taskId: task.id, payload: { taskId: task.id } });
  });

  it("leaves no task and no event behind when its job cannot be enqueued", () => {
    const db = database();

    expect(() => createTask(db, sampleTask(), { at: 1_000, enqueue: (id) => advanceJob(id + 1_000, 1_000) })).toThrow(/FOREIGN KEY constraint failed/);

    expect(listTasks(db)).toEqual([]);
    expect(db.prepare("SELECT count(*) AS n FROM task_events").get()).toEqual({ n: 0 });
    expect(countJobs(db, "pending")).toBe(0);
  });

  it("refuses a second active task for the same issue without logging or enqueueing anything", () => {
    const db = database();
    const first = createTask(db, sampleTask(), { at: 1_000, enqueue: (id) => advanceJob(id, 1_000) });

    expect(() => createTask(db, sampleTask(), { at: 2_000, enqueue: (id) => advanceJob(id, 2_000) })).toThrow(/UNIQUE constraint failed/);

    expect(listTasks(db).map((t) => t.id)).toEqual([first.id]);
    expect(db.prepare("SELECT count(*) AS n FROM task_events").get()).toEqual({ n: 1 });
    expect(countJobs(db, "pending")).toBe(1);
  });
});
