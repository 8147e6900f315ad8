import { describe, expect, it } from "vitest";
import { TaskState } from "../../src/engine/task-states.js";
import type { NewJob } from "../../src/store/jobs.js";
import { buryExhaustedJobs, buryJob, claimJob, completeJob, countJobs, enqueueJob, extendLease, nextJobDueAt, pruneFinishedJobs, retryJob } from "../../src/store/jobs.js";
import type { Db } from "../../src/store/open-database.js";
import { insertTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const lease = 60_000;

function job(overrides: Partial<NewJob> = {}): NewJob {
  return { kind: "advance", payload: { step: 1 }, runAt: 1_000, ...overrides };
}

function enqueued(db: Db, overrides: Partial<NewJob> = {}): number {
  const id = enqueueJob(db, job(overrides), 900);
  if (id === undefined) throw new Error("the job was not enqueued");
  return id;
}

function taskId(db: Db, issueNumber: number): number {
  return insertTask(db, sampleTask({ issueNumber }), TaskState.planning, 900).id;
}

function stateOf(db: Db, id: number): { state: string; last_error: string | null; finished_at: number | null; locked_by: string | null } | undefined {
  return db
    .prepare<[number], { state: string; last_error: string | null; finished_at: number | null; locked_by: string | null }>(
      "SELECT state, last_error, finished_at, locked_by FROM jobs WHERE id = ?",
    )
    .get(id);
}

describe("the job queue", () => {
  it("enqueues a job with a unique key once, however often it is asked", () => {
    const db = database();

    const first = enqueueJob(db, job({ uniqueKey: "delivery-1" }), 900);
    const second = enqueueJob(db, job({ uniqueKey: "delivery-1", payload: { step: 2 } }), 901);

    expect(first).toBeTypeOf("number");
    expect(second).toBeUndefined();
    expect(countJobs(db, "pending")).toBe(1);
    expect(claimJob(db, "w", 1_000, lease)?.payload).toEqual({ step: 1 });
  });

  it("enqueues every job that has no unique key", () => {
    const db = database();

    enqueued(db);
    enqueued(db);

    expect(countJobs(db, "pending")).toBe(2);
  });

  it("hands out a job no earlier than its run_at, with its payload, kind and first attempt", () => {
    const db = database();
    const id = enqueued(db, { kind: "intake", payload: { deliveryId: "d-1", nested: [1, 2] }, runAt: 1_000, maxAttempts: 3 });

    expect(claimJob(db, "w", 999, lease)).toBeUndefined();
    const claimed = claimJob(db, "w", 1_000, lease);

    expect(claimed).toEqual({ id, kind: "intake", payload: { deliveryId: "d-1", nested: [1, 2] }, taskId: null, runAt: 1_000, attempts: 1, maxAttempts: 3, lastError: null });
  });

  it("hands out due jobs in run_at order, then in the order they were enqueued", () => {
    const db = database();
    const late = enqueued(db, { runAt: 1_500 });
    const early = enqueued(db, { runAt: 1_000 });
    const earlyToo = enqueued(db, { runAt: 1_000 });

    const order = [claimJob(db, "w", 2_000, lease), claimJob(db, "w", 2_000, lease), claimJob(db, "w", 2_000, lease)].map((j) => j?.id);

    expect(order).toEqual([early, earlyToo, late]);
  });

  it("hides a claimed job until its lease runs out, then hands it out again with the attempt counted", () => {
    const db = database();
    const id = enqueued(db);
    claimJob(db, "crashed", 1_000, 500);

    expect(claimJob(db, "other", 1_499, lease)).toBeUndefined();
    const again = claimJob(db, "other", 1_500, lease);

    expect(again).toMatchObject({ id, attempts: 2 });
    expect(stateOf(db, id)?.locked_by).toBe("other");
  });

  it("does not hand out a job while another job of the same task holds a lease", () => {
    const db = database();
    const task = taskId(db, 1);
    const otherTask = taskId(db, 2);
    const first = enqueued(db, { taskId: task, runAt: 1_000 });
    const second = enqueued(db, { taskId: task, runAt: 1_000 });
    const unrelated = enqueued(db, { taskId: otherTask, runAt: 1_000 });

    expect(claimJob(db, "w1", 1_000, 500)?.id).toBe(first);
    expect(claimJob(db, "w2", 1_000, 500)?.id).toBe(unrelated);
    expect(claimJob(db, "w3", 1_000, 500)).toBeUndefined();

    completeJob(db, first, 1_100);
    expect(claimJob(db, "w3", 1_100, 500)?.id).toBe(second);
  });

  it("hands out a task's next job once the lease of its stuck job has run out", () => {
    const db = database();
    const task = taskId(db, 1);
    const stuck = enqueued(db, { taskId: task, runAt: 1_000 });
    enqueued(db, { taskId: task, runAt: 2_000 });
    claimJob(db, "crashed", 1_000, 500);

    // At 2 000 the stuck job's lease has lapsed: it is first in line again (earlier run_at).
    expect(claimJob(db, "w", 2_000, lease)?.id).toBe(stuck);
  });

  it("retries a job later: released, its error kept, and claimable again only at the new run_at", () => {
    const db = database();
    const id = enqueued(db);
    claimJob(db, "w", 1_000, lease);

    retryJob(db, id, 5_000, "rate limited");

    expect(stateOf(db, id)).toMatchObject({ state: "pending", last_error: "rate limited", locked_by: null });
    expect(claimJob(db, "w", 4_999, lease)).toBeUndefined();
    expect(claimJob(db, "w", 5_000, lease)).toMatchObject({ id, attempts: 2, runAt: 5_000, lastError: "rate limited" });
  });

  it("completes a job: done, released and never handed out again", () => {
    const db = database();
    const id = enqueued(db);
    claimJob(db, "w", 1_000, 500);

    completeJob(db, id, 1_200);

    expect(stateOf(db, id)).toEqual({ state: "done", last_error: null, finished_at: 1_200, locked_by: null });
    expect(claimJob(db, "w", 10_000, lease)).toBeUndefined();
    expect(countJobs(db, "done")).toBe(1);
    expect(countJobs(db, "pending")).toBe(0);
  });

  it("buries a job: dead with its last error, and never handed out again", () => {
    const db = database();
    const id = enqueued(db);
    claimJob(db, "w", 1_000, 500);

    buryJob(db, id, 1_200, "the plan was malformed");

    expect(stateOf(db, id)).toEqual({ state: "dead", last_error: "the plan was malformed", finished_at: 1_200, locked_by: null });
    expect(claimJob(db, "w", 10_000, lease)).toBeUndefined();
    expect(countJobs(db, "dead")).toBe(1);
  });

  it("extends a lease only for the worker that holds it", () => {
    const db = database();
    const id = enqueued(db);
    claimJob(db, "w1", 1_000, 500);

    expect(extendLease(db, id, "w2", 9_000)).toBe(false);
    expect(extendLease(db, id, "w1", 9_000)).toBe(true);
    expect(claimJob(db, "w2", 8_999, lease)).toBeUndefined();
    completeJob(db, id, 1_100);
    expect(extendLease(db, id, "w1", 10_000)).toBe(false);
  });

  it("says when the next pending job is due: its run_at, or when its lease runs out", () => {
    const db = database();
    expect(nextJobDueAt(db)).toBeUndefined();

    const soon = enqueued(db, { runAt: 3_000 });
    enqueued(db, { runAt: 5_000 });
    expect(nextJobDueAt(db)).toBe(3_000);

    claimJob(db, "w", 3_000, 4_000);
    expect(nextJobDueAt(db)).toBe(5_000);

    completeJob(db, soon, 3_100);
    const dead = enqueued(db, { runAt: 100 });
    buryJob(db, dead, 3_100, "no");
    expect(nextJobDueAt(db)).toBe(5_000);
  });

  it("says a leased job is due when its lease runs out", () => {
    const db = database();
    enqueued(db, { runAt: 1_000 });

    claimJob(db, "w", 1_000, 4_000);

    expect(nextJobDueAt(db)).toBe(5_000);
  });

  it("never hands out a job that used every attempt, so a job that kills the process cannot loop forever", () => {
    const db = database();
    const id = enqueued(db, { maxAttempts: 2 });
    claimJob(db, "crashed-1", 1_000, 500);
    claimJob(db, "crashed-2", 1_500, 500);

    expect(claimJob(db, "third", 2_000, lease)).toBeUndefined();
    expect(buryExhaustedJobs(db, 2_000)).toMatchObject([{ id, attempts: 2 }]);
    expect(stateOf(db, id)).toMatchObject({ state: "dead", last_error: "the process stopped while running it, on every attempt", finished_at: 2_000 });
    expect(buryExhaustedJobs(db, 3_000)).toEqual([]);
  });

  it("does not bury a job on its last attempt while its lease still holds", () => {
    const db = database();
    const id = enqueued(db, { maxAttempts: 1 });
    claimJob(db, "running", 1_000, 500);

    expect(buryExhaustedJobs(db, 1_400)).toEqual([]);
    expect(stateOf(db, id)?.state).toBe("pending");
    expect(buryExhaustedJobs(db, 1_500)).toMatchObject([{ id }]);
  });

  it("prunes done jobs finished before the cut-off, keeping dead ones, pending ones and those whose unique key dedupes", () => {
    const db = database();
    const done = enqueued(db);
    const keyed = enqueued(db, { uniqueKey: "reconcile-1" });
    const dead = enqueued(db);
    const recent = enqueued(db);
    const pending = enqueued(db);
    completeJob(db, done, 2_000);
    completeJob(db, keyed, 2_000);
    buryJob(db, dead, 2_000, "gave up");
    completeJob(db, recent, 9_000);

    expect(pruneFinishedJobs(db, 5_000)).toBe(1);

    expect(stateOf(db, done)).toBeUndefined();
    for (const kept of [keyed, dead, recent, pending]) expect(stateOf(db, kept)).toBeDefined();
    expect(enqueueJob(db, job({ uniqueKey: "reconcile-1" }), 10_000)).toBeUndefined();
  });
});
