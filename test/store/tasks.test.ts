import { describe, expect, it } from "vitest";
import { TaskState } from "../../src/engine/task-states.js";
import {
  findActiveTaskForIssue,
  findTaskByHeadSha,
  findTaskByPullRequest,
  getTask,
  insertTask,
  listTasks,
  requireTask,
  updateTask,
} from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();

describe("tasks", () => {
  it("inserts a task with the frozen issue and every later column empty", () => {
    const db = database();

    const task = insertTask(db, sampleTask(), TaskState.queued, 1_000);

    expect(task).toEqual({
      id: task.id,
      ...sampleTask(),
      issueLabels: [],
      state: "queued",
      baseSha: null,
      branch: null,
      headSha: null,
      prNumber: null,
      prUrl: null,
      progressCommentId: null,
      checkRunId: null,
      failure: null,
      createdAt: 1_000,
      updatedAt: 1_000,
    });
    expect(getTask(db, task.id)).toEqual(task);
    expect(listTasks(db)).toEqual([task]);
  });

  it("finds the active task of an issue, and none for another issue or repository", () => {
    const db = database();
    const task = insertTask(db, sampleTask(), TaskState.implementing, 1_000);

    expect(findActiveTaskForIssue(db, "mona", "calculator", 1)?.id).toBe(task.id);
    expect(findActiveTaskForIssue(db, "mona", "calculator", 2)).toBeUndefined();
    expect(findActiveTaskForIssue(db, "mona", "other", 1)).toBeUndefined();
  });

  it.each([TaskState.done, TaskState.cancelled, TaskState.failed])("does not count a %s task as the issue's active task", (state) => {
    const db = database();
    insertTask(db, sampleTask(), state, 1_000);

    expect(findActiveTaskForIssue(db, "mona", "calculator", 1)).toBeUndefined();
  });

  it("finds a task by its pull request and by its head commit once they are recorded", () => {
    const db = database();
    const task = insertTask(db, sampleTask(), TaskState.pushing, 1_000);
    expect(findTaskByPullRequest(db, "mona", "calculator", 2)).toBeUndefined();
    expect(findTaskByHeadSha(db, "mona", "calculator", "abc123")).toBeUndefined();

    updateTask(db, task.id, 2_000, { prNumber: 2, headSha: "abc123" });

    expect(findTaskByPullRequest(db, "mona", "calculator", 2)?.id).toBe(task.id);
    expect(findTaskByHeadSha(db, "mona", "calculator", "abc123")?.id).toBe(task.id);
    expect(findTaskByPullRequest(db, "octo-org", "calculator", 2)).toBeUndefined();
    expect(findTaskByHeadSha(db, "mona", "calculator", "def456")).toBeUndefined();
  });

  it("finds the newest task when several over time used the same pull request number", () => {
    const db = database();
    const old = insertTask(db, sampleTask(), TaskState.done, 1_000);
    updateTask(db, old.id, 1_100, { prNumber: 2, headSha: "abc123" });
    const newer = insertTask(db, sampleTask(), TaskState.awaitingCi, 2_000);
    updateTask(db, newer.id, 2_100, { prNumber: 2, headSha: "abc123" });

    expect(findTaskByPullRequest(db, "mona", "calculator", 2)?.id).toBe(newer.id);
    expect(findTaskByHeadSha(db, "mona", "calculator", "abc123")?.id).toBe(newer.id);
  });

  it("refuses a second active task for the same issue", () => {
    const db = database();
    insertTask(db, sampleTask(), TaskState.planning, 1_000);

    expect(() => insertTask(db, sampleTask(), TaskState.queued, 2_000)).toThrow(/UNIQUE constraint failed/);
    expect(listTasks(db)).toHaveLength(1);
  });

  it("allows a new task for an issue once the earlier one is done", () => {
    const db = database();
    const first = insertTask(db, sampleTask(), TaskState.planning, 1_000);
    updateTask(db, first.id, 1_500, {}, TaskState.done);

    const second = insertTask(db, sampleTask(), TaskState.queued, 2_000);

    expect(findActiveTaskForIssue(db, "mona", "calculator", 1)?.id).toBe(second.id);
    expect(listTasks(db).map((t) => t.state)).toEqual(["done", "queued"]);
  });

  it("allows active tasks for the same issue number in different repositories", () => {
    const db = database();
    insertTask(db, sampleTask(), TaskState.queued, 1_000);

    expect(() => insertTask(db, sampleTask({ repo: "other" }), TaskState.queued, 1_000)).not.toThrow();
  });

  it("updates only the patched columns, skipping undefined values, and the state when given", () => {
    const db = database();
    const task = insertTask(db, sampleTask(), TaskState.pushing, 1_000);
    updateTask(db, task.id, 1_500, { branch: "orchestrator/1-add-subtraction", baseSha: "base" });

    const updated = updateTask(db, task.id, 2_000, { headSha: "head", prUrl: undefined }, TaskState.awaitingCi);

    expect(updated).toMatchObject({ state: "awaiting_ci", branch: "orchestrator/1-add-subtraction", baseSha: "base", headSha: "head", prUrl: null, updatedAt: 2_000, createdAt: 1_000 });
    expect(requireTask(db, task.id)).toEqual(updated);
  });

  it("says which task is missing", () => {
    const db = database();

    expect(getTask(db, 404)).toBeUndefined();
    expect(() => requireTask(db, 404)).toThrow("Task 404 does not exist.");
    expect(() => updateTask(db, 404, 1_000, { failure: "x" })).toThrow("Task 404 does not exist.");
  });

  it("refuses to read a row whose state this build does not know", () => {
    const db = database();
    const task = insertTask(db, sampleTask(), TaskState.queued, 1_000);
    db.prepare("UPDATE tasks SET state = 'sleeping' WHERE id = ?").run(task.id);

    expect(() => getTask(db, task.id)).toThrow(`Task ${task.id} has an unknown state 'sleeping' in the database.`);
  });
});
