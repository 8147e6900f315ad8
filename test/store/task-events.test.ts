import { describe, expect, it } from "vitest";
import { TaskState } from "../../src/engine/task-states.js";
import { appendTaskEvent, countTaskEvents, listTaskEvents } from "../../src/store/task-events.js";
import { insertTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();

describe("task events", () => {
  it("lists a task's events in the order they were appended, with their states and detail", () => {
    const db = database();
    const taskId = insertTask(db, sampleTask(), TaskState.queued, 1_000).id;

    appendTaskEvent(db, { taskId, at: 3_000, kind: "start_planning", fromState: TaskState.queued, toState: TaskState.planning, detail: { by: "worker" } });
    appendTaskEvent(db, { taskId, at: 2_000, kind: "model_call", detail: { role: "planner", costUsd: 0.01 } });
    appendTaskEvent(db, { taskId, at: 4_000, kind: "note" });

    const events = listTaskEvents(db, taskId);
    expect(events.map((e) => ({ at: e.at, kind: e.kind, fromState: e.fromState, toState: e.toState, detail: e.detail }))).toEqual([
      { at: 3_000, kind: "start_planning", fromState: "queued", toState: "planning", detail: { by: "worker" } },
      { at: 2_000, kind: "model_call", fromState: null, toState: null, detail: { role: "planner", costUsd: 0.01 } },
      { at: 4_000, kind: "note", fromState: null, toState: null, detail: {} },
    ]);
    expect(events.every((e) => e.taskId === taskId)).toBe(true);
  });

  it("keeps each task's events apart", () => {
    const db = database();
    const first = insertTask(db, sampleTask({ issueNumber: 1 }), TaskState.queued, 1_000).id;
    const second = insertTask(db, sampleTask({ issueNumber: 2 }), TaskState.queued, 1_000).id;

    appendTaskEvent(db, { taskId: first, at: 1, kind: "a" });
    appendTaskEvent(db, { taskId: second, at: 2, kind: "b" });
    appendTaskEvent(db, { taskId: first, at: 3, kind: "c" });

    expect(listTaskEvents(db, first).map((e) => e.kind)).toEqual(["a", "c"]);
    expect(listTaskEvents(db, second).map((e) => e.kind)).toEqual(["b"]);
    expect(countTaskEvents(db)).toBe(3);
  });

  it("refuses an event for a task that does not exist", () => {
    const db = database();

    expect(() => {
      appendTaskEvent(db, { taskId: 404, at: 1, kind: "orphan" });
    }).toThrow(/FOREIGN KEY constraint failed/);
  });
});
