/*
 * The durable job queue. A job's life lives in this table, every change one statement:
 *
 *   enqueueJob ─► pending ──claimJob──► pending + lease (locked_by, locked_until)
 *                   ▲                        │
 *                   │ retryJob (run_at later) ├─ completeJob ─► done
 *                   └────────────────────────┤
 *                                            └─ buryJob ─► dead
 *
 * A lease that runs out (the worker crashed) makes the job claimable again; no job of a task is
 * claimed while another job of the same task holds a lease, so a task's phases never overlap.
 */
import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export interface Job {
  readonly id: number;
  readonly kind: string;
  readonly payload: unknown;
  readonly taskId: number | null;
  readonly runAt: number;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly lastError: string | null;
}

interface JobRow {
  id: number;
  kind: string;
  payload: string;
  task_id: number | null;
  run_at: number;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    taskId: row.task_id,
    runAt: row.run_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
  };
}

export interface NewJob {
  readonly kind: string;
  readonly payload: unknown;
  readonly taskId?: number | null;
  /** Enqueueing a second job with the same key does nothing. Webhook jobs need none: their delivery row dedupes them. */
  readonly uniqueKey?: string | null;
  readonly runAt: number;
  readonly maxAttempts?: number;
}

/** With the worker's backoff (1 s doubling to a 5 min cap) ten attempts span about eight minutes. */
export const defaultMaxAttempts = 10;

/** Returns the new job's id, or undefined when a job with the same unique key already exists. */
export function enqueueJob(db: Db, job: NewJob, at: number): number | undefined {
  const row = statement<unknown[], { id: number }>(db, 
      `INSERT INTO jobs (kind, payload, task_id, unique_key, run_at, max_attempts, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING RETURNING id`,
    )
    .get(job.kind, JSON.stringify(job.payload), job.taskId ?? null, job.uniqueKey ?? null, job.runAt, job.maxAttempts ?? defaultMaxAttempts, at);
  return row?.id;
}

/** Leases the next runnable job to `workerId` until `now + leaseMs`, counting the attempt. */
export function claimJob(db: Db, workerId: string, now: number, leaseMs: number): Job | undefined {
  const row = statement<[{ worker: string; until: number; now: number }], JobRow>(db, 
      `UPDATE jobs SET locked_by = @worker, locked_until = @until, attempts = attempts + 1
       WHERE id = (
         SELECT j.id FROM jobs j
         WHERE j.state = 'pending' AND j.run_at <= @now AND (j.locked_until IS NULL OR j.locked_until <= @now)
           AND j.attempts < j.max_attempts
           AND (j.task_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM jobs o WHERE o.task_id = j.task_id AND o.id <> j.id AND o.state = 'pending' AND o.locked_until > @now))
         ORDER BY j.run_at, j.id LIMIT 1)
       RETURNING id, kind, payload, task_id, run_at, attempts, max_attempts, last_error`,
    )
    .get({ worker: workerId, until: now + leaseMs, now });
  return row && toJob(row);
}

/** Extends a lease the worker still holds; false when the lease was lost (taken by another worker). */
export function extendLease(db: Db, jobId: number, workerId: string, until: number): boolean {
  return statement(db, "UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND state = 'pending'").run(until, jobId, workerId).changes === 1;
}

export function completeJob(db: Db, jobId: number, at: number): void {
  statement(db, "UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, finished_at = ? WHERE id = ?").run(at, jobId);
}

export function retryJob(db: Db, jobId: number, runAt: number, error: string): void {
  statement(db, "UPDATE jobs SET run_at = ?, locked_by = NULL, locked_until = NULL, last_error = ? WHERE id = ?").run(runAt, error, jobId);
}

export function buryJob(db: Db, jobId: number, at: number, error: string): void {
  statement(db, "UPDATE jobs SET state = 'dead', locked_by = NULL, locked_until = NULL, last_error = ?, finished_at = ? WHERE id = ?").run(error, at, jobId);
}

/**
 * Jobs that used every attempt without finishing, their last lease lapsed: the process died while
 * running them (a crash loop, if it happens again). Buried here, so the worker can report them.
 */
export function buryExhaustedJobs(db: Db, now: number): Job[] {
  return statement<[{ now: number }], JobRow>(
    db,
    `UPDATE jobs SET state = 'dead', locked_by = NULL, locked_until = NULL, finished_at = @now,
       last_error = coalesce(last_error, 'the process stopped while running it, on every attempt')
     WHERE state = 'pending' AND attempts >= max_attempts AND (locked_until IS NULL OR locked_until <= @now)
     RETURNING id, kind, payload, task_id, run_at, attempts, max_attempts, last_error`,
  )
    .all({ now })
    .map(toJob);
}

/** When the next pending job becomes runnable (its run_at, or when its lease runs out), for the worker's timer. */
export function nextJobDueAt(db: Db): number | undefined {
  const row = statement<[], { due: number | null }>(db, "SELECT min(max(run_at, coalesce(locked_until, 0))) AS due FROM jobs WHERE state = 'pending'")
    .get();
  return row?.due ?? undefined;
}

/**
 * Deletes jobs that finished well before `before`: done ones only (a dead job is evidence), and
 * only those without a unique key (the row is what makes a second enqueue of that key a no-op).
 */
export function pruneFinishedJobs(db: Db, before: number): number {
  return statement<[number]>(db, "DELETE FROM jobs WHERE state = 'done' AND unique_key IS NULL AND finished_at < ?").run(before).changes;
}

export function countJobs(db: Db, state: "pending" | "done" | "dead"): number {
  return statement<[string], { n: number }>(db, "SELECT count(*) AS n FROM jobs WHERE state = ?").get(state)?.n ?? 0;
}
