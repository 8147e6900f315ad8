import { randomUUID } from "node:crypto";
import type { Db } from "../store/open-database.js";
import type { Job } from "../store/jobs.js";
import { buryExhaustedJobs, buryJob, claimJob, completeJob, extendLease, nextJobDueAt, retryJob } from "../store/jobs.js";
import type { Tracing } from "../telemetry/tracing.js";
import { SpanAttr } from "../telemetry/tracing.js";
import type { Clock } from "./clock.js";
import { describeError, isRetryable, retryAfterMs } from "./errors.js";

/** Runs a job; `tracing` is scoped to the job's span, for the spans the job makes. */
export type JobHandler = (job: Job, tracing?: Tracing) => Promise<void>;

export interface WorkerLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface WorkerOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Called once when a job will not run again, so its task can be failed loudly rather than left hanging. */
  readonly onDead: (job: Job, error: unknown) => Promise<void>;
  readonly log: WorkerLog;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  /** Longest sleep between looks at the queue when nothing is due; leases of crashed workers are found by this. */
  readonly idleMs?: number;
  /**
   * Multiplies each backoff delay (not a provider's retry-after), so jobs that failed together do
   * not retry together. Default: a random factor between 0.8 and 1.2.
   */
  readonly jitter?: () => number;
  /** Each job run becomes a span (the root of what the job does: phases, model calls, GitHub requests). */
  readonly tracing?: Tracing;
}

/** Exponential backoff with a cap: 1 s, 2 s, 4 s, … 5 min. */
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

/**
 * Runs jobs from the durable queue. Wakes when told a job was enqueued, when the next job is due,
 * or after `idleMs`; never spins. Leases are extended while a job runs, so a long model call is
 * not taken over by another worker, and lapse when the process dies, so the job runs again.
 */
export class Worker {
  readonly #options: Required<Omit<WorkerOptions, "handlers" | "onDead" | "log" | "db" | "clock" | "tracing">> & WorkerOptions;
  readonly #id = `worker-${randomUUID().slice(0, 8)}`;
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: WorkerOptions) {
    this.#options = { concurrency: 4, leaseMs: 5 * 60_000, idleMs: 30_000, jitter: () => 0.8 + Math.random() * 0.4, ...options };
  }

  get id(): string {
    return this.#id;
  }

  /** Jobs running right now. */
  get busy(): number {
    return this.#running.size;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.notify();
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#running]);
  }

  /** A job was enqueued (or became due): look at the queue now. */
  notify(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const { db, clock, leaseMs } = this.#options;
    for (const job of buryExhaustedJobs(db, clock.now())) {
      this.#options.log.error("job buried: the process stopped while running it, on every attempt", { jobId: job.id, kind: job.kind, attempts: job.attempts });
      void this.#options.onDead(job, new Error(job.lastError ?? "the process stopped while running this job, on every attempt")).catch((error: unknown) => {
        this.#options.log.error("handling a dead job failed", { jobId: job.id, error: describeError(error) });
      });
    }
    while (this.#running.size < this.#options.concurrency) {
      const job = claimJob(db, this.#id, clock.now(), leaseMs);
      if (!job) break;
      const run = this.#run(job).finally(() => {
        this.#running.delete(run);
        this.notify();
      });
      this.#running.add(run);
    }
    this.#schedule();
  }

  /** Resolves when no job is running (jobs due later are not waited for); tests use it to wait for quiet. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.race([...this.#running]);
  }

  #schedule(): void {
    if (this.#stopped) return;
    const { db, clock, idleMs } = this.#options;
    const due = nextJobDueAt(db);
    const wait = due === undefined ? idleMs : Math.min(idleMs, Math.max(0, due - clock.now()));
    if (this.#running.size >= this.#options.concurrency && due !== undefined && wait === 0) return;
    this.#timer = setTimeout(() => {
      this.notify();
    }, Math.max(wait, 5));
    this.#timer.unref();
  }

  async #run(job: Job): Promise<void> {
    const { db, clock, leaseMs, log } = this.#options;
    const handler = this.#options.handlers[job.kind];
    const heartbeat = setInterval(() => {
      if (!extendLease(db, job.id, this.#id, clock.now() + leaseMs)) log.warn("lost the lease of a running job", { jobId: job.id, kind: job.kind });
    }, Math.max(50, leaseMs / 3));
    heartbeat.unref();
    try {
      if (!handler) throw new Error(`No handler for job kind '${job.kind}'.`);
      const { tracing } = this.#options;
      if (tracing) {
        await tracing.instrument(`job ${job.kind}`, "job", { "orchestrator.job.id": job.id, "orchestrator.job.kind": job.kind, "orchestrator.job.attempt": job.attempts, ...(job.taskId === null ? {} : { [SpanAttr.taskId]: job.taskId }) }, (_span, scoped) => handler(job, scoped));
      } else {
        await handler(job);
      }
      completeJob(db, job.id, clock.now());
    } catch (error) {
      const message = describeError(error);
      if (isRetryable(error) && job.attempts < job.maxAttempts) {
        const delay = retryAfterMs(error) ?? Math.round(backoffMs(job.attempts) * this.#options.jitter());
        log.warn("job failed, will retry", { jobId: job.id, kind: job.kind, attempt: job.attempts, delayMs: delay, error: message });
        retryJob(db, job.id, clock.now() + delay, message);
      } else {
        log.error("job failed for good", { jobId: job.id, kind: job.kind, attempt: job.attempts, error: message });
        buryJob(db, job.id, clock.now(), message);
        await this.#options.onDead(job, error).catch((deadError: unknown) => {
          log.error("handling a dead job failed", { jobId: job.id, error: describeError(deadError) });
        });
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}
