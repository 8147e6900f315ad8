import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/engine/clock.js";
import { OrchestratorError, PermanentError } from "../../src/engine/errors.js";
import { TaskState } from "../../src/engine/task-states.js";
import type { JobHandler, WorkerLog, WorkerOptions } from "../../src/engine/worker.js";
import { backoffMs, Worker } from "../../src/engine/worker.js";
import type { Job, NewJob } from "../../src/store/jobs.js";
import { claimJob, countJobs, enqueueJob } from "../../src/store/jobs.js";
import type { Db } from "../../src/store/open-database.js";
import { insertTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";
import { ManualClock } from "../support/manual-clock.js";

const database = useDatabase();
const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});


interface LogLine {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

function recordingLog(): WorkerLog & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
}

interface DeadLetter {
  readonly job: Job;
  readonly error: unknown;
}

function startWorker(
  db: Db,
  handlers: Record<string, JobHandler>,
  options: Partial<Omit<WorkerOptions, "db" | "handlers" | "onDead" | "log">> = {},
): { worker: Worker; dead: DeadLetter[]; log: ReturnType<typeof recordingLog> } {
  const dead: DeadLetter[] = [];
  const log = recordingLog();
  const worker = new Worker({
    db,
    clock: systemClock,
    handlers,
    onDead: (job, error) => {
      dead.push({ job, error });
      return Promise.resolve();
    },
    log,
    leaseMs: 2_000,
    idleMs: 20,
    jitter: () => 1,
    ...options,
  });
  workers.push(worker);
  worker.start();
  return { worker, dead, log };
}

function enqueue(db: Db, job: Partial<NewJob> & { runAt: number }): number {
  const id = enqueueJob(db, { kind: "work", payload: {}, ...job }, job.runAt);
  if (id === undefined) throw new Error("not enqueued");
  return id;
}

function jobRow(db: Db, id: number): { state: string; attempts: number; run_at: number; last_error: string | null } {
  const row = db
    .prepare<[number], { state: string; attempts: number; run_at: number; last_error: string | null }>("SELECT state, attempts, run_at, last_error FROM jobs WHERE id = ?")
    .get(id);
  if (!row) throw new Error(`no job ${id}`);
  return row;
}

async function waitFor(condition: () => boolean, timeoutMs = 1_500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the worker");
    await sleep(5);
  }
}

function retryable(message: string, retryAfter?: number): OrchestratorError {
  return new OrchestratorError(message, { retryable: true, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) });
}

describe("Worker", () => {
  it("runs a due job with its payload and completes it", async () => {
    const db = database();
    const seen: unknown[] = [];
    const id = enqueue(db, { payload: { hello: "world" }, runAt: Date.now() });

    const { worker } = startWorker(db, {
      work: (job) => {
        seen.push(job.payload);
        return Promise.resolve();
      },
    });
    await worker.idle();

    expect(seen).toEqual([{ hello: "world" }]);
    expect(jobRow(db, id)).toMatchObject({ state: "done", attempts: 1 });
  });

  it("runs a job enqueued while it was idle once told about it", async () => {
    const db = database();
    let runs = 0;
    const { worker } = startWorker(
      db,
      {
        work: () => {
          runs += 1;
          return Promise.resolve();
        },
      },
      { idleMs: 60_000 },
    );

    enqueue(db, { runAt: Date.now() });
    worker.notify();
    await worker.idle();

    expect(runs).toBe(1);
  });

  it("retries a retryable failure after the delay the error asks for, then completes it", async () => {
    const db = database();
    const clock = new ManualClock(10_000);
    let calls = 0;
    const id = enqueue(db, { runAt: 10_000 });
    const { worker, dead } = startWorker(
      db,
      {
        work: () => {
          calls += 1;
          return calls === 1 ? Promise.reject(retryable("rate limited", 60_000)) : Promise.resolve();
        },
      },
      { clock },
    );
    await worker.idle();

    expect(jobRow(db, id)).toEqual({ state: "pending", attempts: 1, run_at: 70_000, last_error: "rate limited" });
    clock.at = 69_999;
    worker.notify();
    await worker.idle();
    expect(calls).toBe(1);

    clock.at = 70_000;
    worker.notify();
    await worker.idle();
    expect(calls).toBe(2);
    expect(jobRow(db, id)).toMatchObject({ state: "done", attempts: 2 });
    expect(dead).toEqual([]);
  });

  it("backs off exponentially when the error names no delay", async () => {
    const db = database();
    const clock = new ManualClock(10_000);
    const id = enqueue(db, { runAt: 10_000 });
    const { worker } = startWorker(db, { work: () => Promise.reject(retryable("socket hang up")) }, { clock });
    await worker.idle();

    expect(jobRow(db, id).run_at).toBe(10_000 + backoffMs(1));
    clock.at = 10_000 + backoffMs(1);
    worker.notify();
    await worker.idle();
    expect(jobRow(db, id)).toMatchObject({ attempts: 2, run_at: clock.at + backoffMs(2) });
    expect([backoffMs(1), backoffMs(2), backoffMs(3), backoffMs(30)]).toEqual([1_000, 2_000, 4_000, 300_000]);
  });

  it("spreads backoff by its jitter, so jobs that failed together do not retry together", async () => {
    const db = database();
    const clock = new ManualClock(10_000);
    const id = enqueue(db, { runAt: 10_000 });
    const { worker } = startWorker(db, { work: () => Promise.reject(retryable("socket hang up")) }, { clock, jitter: () => 1.2 });
    await worker.idle();
    expect(jobRow(db, id).run_at).toBe(10_000 + 1_200);
  });

  it.each([
    { kind: "a permanent error", error: new PermanentError("the plan was malformed") },
    { kind: "an unclassified error", error: new Error("undefined is not a function") },
  ])("buries a job that fails with $kind and reports it dead once", async ({ error }) => {
    const db = database();
    const clock = new ManualClock(10_000);
    let calls = 0;
    const id = enqueue(db, { runAt: 10_000 });
    const { worker, dead, log } = startWorker(
      db,
      {
        work: () => {
          calls += 1;
          return Promise.reject(error);
        },
      },
      { clock },
    );
    await worker.idle();

    clock.at = 1_000_000;
    worker.notify();
    await worker.idle();

    expect(calls).toBe(1);
    expect(jobRow(db, id)).toMatchObject({ state: "dead", attempts: 1, last_error: error.message });
    expect(dead).toHaveLength(1);
    expect(dead[0]?.job).toMatchObject({ id, attempts: 1 });
    expect(dead[0]?.error).toBe(error);
    expect(log.lines.filter((l) => l.level === "error").map((l) => l.message)).toEqual(["job failed for good"]);
  });

  it("stops retrying at the job's max_attempts and then reports it dead", async () => {
    const db = database();
    const clock = new ManualClock(10_000);
    let calls = 0;
    const id = enqueue(db, { runAt: 10_000, maxAttempts: 3 });
    const { worker, dead, log } = startWorker(
      db,
      {
        work: () => {
          calls += 1;
          return Promise.reject(retryable(`overloaded #${calls}`, 0));
        },
      },
      { clock },
    );
    await worker.idle();

    expect(calls).toBe(3);
    expect(jobRow(db, id)).toMatchObject({ state: "dead", attempts: 3, last_error: "overloaded #3" });
    expect(dead.map((d) => d.job.attempts)).toEqual([3]);
    expect(log.lines.map((l) => l.message)).toEqual(["job failed, will retry", "job failed, will retry", "job failed for good"]);
  });

  it("buries a job of a kind it has no handler for", async () => {
    const db = database();
    const id = enqueue(db, { kind: "mystery", runAt: Date.now() });
    const { worker, dead } = startWorker(db, {});
    await worker.idle();

    expect(jobRow(db, id)).toMatchObject({ state: "dead", last_error: "No handler for job kind 'mystery'." });
    expect(dead).toHaveLength(1);
  });

  it("picks up the job of a worker that crashed once that worker's lease runs out", async () => {
    const db = database();
    const id = enqueue(db, { runAt: Date.now() });
    const leaseEnds = Date.now() + 200;
    expect(claimJob(db, "crashed-worker", leaseEnds - 200, 200)?.id).toBe(id);
    let ranAt: number | undefined;
    let attempt: number | undefined;

    startWorker(db, {
      work: (job) => {
        ranAt = Date.now();
        attempt = job.attempts;
        return Promise.resolve();
      },
    });
    await waitFor(() => jobRow(db, id).state === "done");

    expect(ranAt).toBeGreaterThanOrEqual(leaseEnds);
    expect(attempt).toBe(2);
  });

  it("keeps the lease of a job that runs longer than the lease, so no one else takes it", async () => {
    const db = database();
    const id = enqueue(db, { runAt: Date.now() });
    let stolen: Job | undefined;
    const { worker } = startWorker(
      db,
      {
        work: async () => {
          await sleep(450);
          stolen = claimJob(db, "intruder", Date.now(), 1_000);
        },
      },
      { leaseMs: 150 },
    );
    await worker.idle();

    expect(stolen).toBeUndefined();
    expect(jobRow(db, id)).toMatchObject({ state: "done", attempts: 1 });
  });

  it("never runs two jobs of the same task at once, while other tasks run alongside", async () => {
    const db = database();
    const taskA = insertTask(db, sampleTask({ issueNumber: 1 }), TaskState.planning, 1).id;
    const taskB = insertTask(db, sampleTask({ issueNumber: 2 }), TaskState.planning, 1).id;
    const now = Date.now();
    for (const taskId of [taskA, taskA, taskA, taskB, taskB]) enqueue(db, { taskId, runAt: now });
    const active = new Map<number, number>();
    let maxPerTask = 0;
    let maxOverall = 0;
    const order: number[] = [];

    startWorker(
      db,
      {
        work: async (job) => {
          const task = job.taskId ?? 0;
          active.set(task, (active.get(task) ?? 0) + 1);
          maxPerTask = Math.max(maxPerTask, active.get(task) ?? 0);
          maxOverall = Math.max(maxOverall, [...active.values()].reduce((a, b) => a + b, 0));
          order.push(task);
          await sleep(30);
          active.set(task, (active.get(task) ?? 0) - 1);
        },
      },
      { concurrency: 4 },
    );
    await waitFor(() => countJobs(db, "done") === 5);

    expect(maxPerTask).toBe(1);
    expect(maxOverall).toBe(2);
    expect(order.filter((t) => t === taskA)).toHaveLength(3);
  });

  it("waits for running jobs when stopped, and takes no new ones afterwards", async () => {
    const db = database();
    const first = enqueue(db, { runAt: Date.now() });
    let finished = false;
    const { worker } = startWorker(db, {
      work: async () => {
        await sleep(100);
        finished = true;
      },
    });
    expect(worker.busy).toBe(1);

    await worker.stop();

    expect(finished).toBe(true);
    expect(jobRow(db, first).state).toBe("done");
    const second = enqueue(db, { runAt: Date.now() });
    worker.notify();
    await sleep(50);
    expect(worker.busy).toBe(0);
    expect(jobRow(db, second)).toMatchObject({ state: "pending", attempts: 0 });
  });

  it("logs a failure of the dead-job handler instead of crashing", async () => {
    const db = database();
    const id = enqueue(db, { runAt: Date.now() });
    const log = recordingLog();
    const worker = new Worker({
      db,
      clock: systemClock,
      handlers: { work: () => Promise.reject(new PermanentError("no")) },
      onDead: () => Promise.reject(new Error("GitHub is down")),
      log,
      idleMs: 20,
    });
    workers.push(worker);
    worker.start();
    await worker.idle();

    expect(jobRow(db, id).state).toBe("dead");
    expect(log.lines.at(-1)).toMatchObject({ level: "error", message: "handling a dead job failed", fields: { jobId: id, error: "GitHub is down" } });
  });
});
