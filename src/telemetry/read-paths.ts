import { Worker } from "node:worker_threads";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { CircuitState } from "../engine/circuit-breaker.js";
import type { Db } from "../store/open-database.js";
import type { DashboardData, DashboardOptions } from "./dashboard-types.js";
import { buildDashboardData, DashboardTaskNotFoundError } from "./dashboard-data.js";
import { createMetrics } from "./metrics.js";

/** What the app's /metrics and /dashboard read. */
export interface ReadPaths {
  readonly contentType: string;
  render(): Promise<string>;
  dashboard(options: Omit<DashboardOptions, "now">): Promise<DashboardData>;
  stop(): Promise<void>;
}

export type ReadRequest =
  | { readonly id: number; readonly kind: "metrics"; readonly now: number; readonly circuits: Readonly<Record<string, CircuitState>> }
  | { readonly id: number; readonly kind: "dashboard"; readonly now: number; readonly options: Omit<DashboardOptions, "now"> };

export type ReadReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly notFoundTask: number | null; readonly message: string };

export interface ReadPathsOptions {
  /** The database file (the thread opens it read-only). */
  readonly path: string;
  readonly providers: readonly string[];
  readonly now: () => number;
  readonly circuits: () => Readonly<Record<string, CircuitState>>;
  /** A request unanswered this long fails (and the thread is started afresh). */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The observability read paths (the Prometheus scrape, the dashboard's data) on a thread of their
 * own with its own read-only connection: at ten thousand tasks they take hundreds of milliseconds
 * of synchronous SQLite (BENCHMARKS.md), which on the app's thread would hold up every webhook.
 * Process metrics (CPU, memory, this thread's event-loop lag) are measured here and added to the
 * scrape. A thread that dies or stops answering is replaced at the next request.
 */
export class ObservabilityReader implements ReadPaths {
  readonly #options: ReadPathsOptions;
  readonly #process = new Registry();
  #processMetrics = false;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #nextId = 1;
  #stopped = false;

  constructor(options: ReadPathsOptions) {
    this.#options = options;
  }

  get contentType(): string {
    return this.#process.contentType;
  }

  /** Prometheus text: the store's series from the thread, then this process's. */
  async render(): Promise<string> {
    // Started at the first scrape: an app nobody scrapes keeps no event-loop monitor or GC observer running.
    if (!this.#processMetrics) {
      this.#processMetrics = true;
      collectDefaultMetrics({ register: this.#process });
    }
    const stored = (await this.#ask({ kind: "metrics", now: this.#options.now(), circuits: this.#options.circuits() })) as string;
    return `${stored}\n${await this.#process.metrics()}`;
  }

  async dashboard(options: Omit<DashboardOptions, "now">): Promise<DashboardData> {
    return (await this.#ask({ kind: "dashboard", now: this.#options.now(), options })) as DashboardData;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new Error("the observability reader stopped"));
    if (worker) {
      worker.postMessage("stop");
      await worker.terminate();
    }
  }

  #ask(request: Omit<Extract<ReadRequest, { kind: "metrics" }>, "id"> | Omit<Extract<ReadRequest, { kind: "dashboard" }>, "id">): Promise<unknown> {
    if (this.#stopped) return Promise.reject(new Error("the observability reader stopped"));
    const worker = this.#thread();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the observability reader did not answer within ${this.#options.timeoutMs ?? 30_000} ms`));
        // A thread stuck this long is replaced; the next request starts a new one.
        this.#restart();
      }, this.#options.timeoutMs ?? 30_000);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
      worker.postMessage({ ...request, id });
    });
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const workerData = { path: this.#options.path, providers: [...this.#options.providers] };
    // Built, the thread is plain JavaScript. From the sources (tsx, the tests) it registers the
    // TypeScript loader first: an --import in a worker's execArgv comes too late for its entry.
    const worker = import.meta.url.endsWith(".ts")
      ? new Worker(`import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL("./read-worker.ts", import.meta.url).href)}); });`, { eval: true, workerData })
      : new Worker(new URL("./read-worker.js", import.meta.url), { workerData });
    worker.unref();
    worker.on("message", (reply: ReadReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(reply.notFoundTask !== null ? new DashboardTaskNotFoundError(reply.notFoundTask) : new Error(reply.message));
    });
    worker.on("error", (error) => {
      this.#failAll(error);
    });
    worker.on("exit", () => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(new Error("the observability reader's thread exited"));
    });
    this.#worker = worker;
    return worker;
  }

  #restart(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
  }

  #failAll(error: Error): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }
}

/**
 * The read paths on the app's own thread, for a database no other connection can open (in memory).
 */
export function readPathsInProcess(db: Db, options: Omit<ReadPathsOptions, "path" | "timeoutMs">): ReadPaths {
  const metrics = createMetrics({ db, clock: { now: options.now }, circuits: options.circuits, providers: options.providers });
  return {
    contentType: metrics.contentType,
    render: () => metrics.render(),
    dashboard: (dashboardOptions) => Promise.resolve(buildDashboardData(db, { now: options.now(), ...dashboardOptions })),
    stop: () => Promise.resolve(),
  };
}
