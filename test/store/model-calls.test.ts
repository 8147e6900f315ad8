import { describe, expect, it } from "vitest";
import { TaskState } from "../../src/engine/task-states.js";
import type { TokenUsage } from "../../src/store/model-calls.js";
import { failModelCall, findSucceededCall, finishModelCall, listModelCalls, markInterruptedCalls, startModelCall } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import { insertTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const usage: TokenUsage = { inputTokens: 1_200, outputTokens: 300, cacheReadTokens: 4_000, cacheWriteTokens: 800 };

function newTask(db: Db, issueNumber = 1): number {
  return insertTask(db, sampleTask({ issueNumber }), TaskState.planning, 1_000).id;
}

function started(db: Db, taskId: number | null, requestHash = "hash-a"): number {
  return startModelCall(db, { taskId, role: "planner", provider: "anthropic", model: "claude-sonnet-5-5", requestHash, startedAt: 2_000 });
}

describe("model calls", () => {
  it("records a started call with no usage or cost yet", () => {
    const db = database();
    const taskId = newTask(db);

    const id = started(db, taskId);

    expect(listModelCalls(db, taskId)).toEqual([
      {
        id,
        taskId,
        role: "planner",
        provider: "anthropic",
        model: "claude-sonnet-5-5",
        requestHash: "hash-a",
        status: "started",
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0,
        startedAt: 2_000,
        durationMs: null,
        error: null,
      },
    ]);
  });

  it("finishes a call with its usage, cost, duration and response", () => {
    const db = database();
    const taskId = newTask(db);
    const id = started(db, taskId);

    finishModelCall(db, id, { usage, costUsd: 0.0123, durationMs: 850, response: { id: "msg_1", content: [] } });

    expect(listModelCalls(db, taskId)[0]).toMatchObject({ status: "succeeded", ...usage, costUsd: 0.0123, durationMs: 850, error: null });
    expect(findSucceededCall(db, taskId, "hash-a")?.response).toEqual({ id: "msg_1", content: [] });
  });

  it("fails a call with its error and duration, and never replays it", () => {
    const db = database();
    const taskId = newTask(db);
    const id = started(db, taskId);

    failModelCall(db, id, 120, "Anthropic API answered 500");

    expect(listModelCalls(db, taskId)[0]).toMatchObject({ status: "failed", durationMs: 120, error: "Anthropic API answered 500", costUsd: 0 });
    expect(findSucceededCall(db, taskId, "hash-a")).toBeUndefined();
  });

  it("does not replay a call that is still running", () => {
    const db = database();
    const taskId = newTask(db);
    started(db, taskId);

    expect(findSucceededCall(db, taskId, "hash-a")).toBeUndefined();
  });

  it("replays only a call of the same task and the same request", () => {
    const db = database();
    const taskId = newTask(db, 1);
    const otherTask = newTask(db, 2);
    finishModelCall(db, started(db, taskId, "hash-a"), { usage, costUsd: 0.01, durationMs: 5, response: "first" });

    expect(findSucceededCall(db, taskId, "hash-a")?.call).toMatchObject({ taskId, requestHash: "hash-a" });
    expect(findSucceededCall(db, taskId, "hash-b")).toBeUndefined();
    expect(findSucceededCall(db, otherTask, "hash-a")).toBeUndefined();
    expect(findSucceededCall(db, null, "hash-a")).toBeUndefined();
  });

  it("replays the newest success, and finds calls made outside any task", () => {
    const db = database();
    const taskId = newTask(db);
    finishModelCall(db, started(db, taskId), { usage, costUsd: 0.01, durationMs: 5, response: "older" });
    finishModelCall(db, started(db, taskId), { usage, costUsd: 0.01, durationMs: 5, response: "newer" });
    finishModelCall(db, started(db, null), { usage, costUsd: 0.01, durationMs: 5, response: "taskless" });

    expect(findSucceededCall(db, taskId, "hash-a")?.response).toBe("newer");
    expect(findSucceededCall(db, null, "hash-a")?.response).toBe("taskless");
  });

  it("lists every call, or one task's calls, in the order they started", () => {
    const db = database();
    const first = newTask(db, 1);
    const second = newTask(db, 2);
    const a = started(db, first);
    const b = started(db, second);
    const c = started(db, first);

    expect(listModelCalls(db).map((m) => m.id)).toEqual([a, b, c]);
    expect(listModelCalls(db, first).map((m) => m.id)).toEqual([a, c]);
  });

  it("marks a task's calls still in flight as interrupted, leaving its finished calls and other tasks' calls alone", () => {
    const db = database();
    const taskId = newTask(db, 1);
    const otherTask = newTask(db, 2);
    const cutOff = started(db, taskId);
    const finished = started(db, taskId);
    finishModelCall(db, finished, { usage, costUsd: 0.01, durationMs: 5, response: "ok" });
    const elsewhere = started(db, otherTask);

    expect(markInterruptedCalls(db, taskId)).toBe(1);

    const byId = new Map(listModelCalls(db).map((c) => [c.id, c]));
    expect(byId.get(cutOff)).toMatchObject({ status: "failed", error: expect.stringContaining("interrupted") as unknown });
    expect(byId.get(finished)?.status).toBe("succeeded");
    expect(byId.get(elsewhere)?.status).toBe("started");
  });
});
