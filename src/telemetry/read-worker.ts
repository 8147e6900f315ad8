// The observability read paths' thread: a read-only connection of its own, so a scrape or a
// dashboard over a long history never holds up the thread that answers webhooks. Started by
// `ObservabilityReader` (read-paths.ts); one request at a time, answered in order.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { CircuitState } from "../engine/circuit-breaker.js";
import type { Db } from "../store/open-database.js";
import { buildDashboardData, DashboardTaskNotFoundError } from "./dashboard-data.js";
import type { DashboardOptions } from "./dashboard-types.js";
import { createMetrics } from "./metrics.js";
import type { ReadReply, ReadRequest } from "./read-paths.js";

const { path, providers } = workerData as { path: string; providers: string[] };

let now = Date.now();
let circuits: Readonly<Record<string, CircuitState>> = {};
let opened: { readonly db: Db; readonly metrics: ReturnType<typeof createMetrics> } | undefined;

/** Opened at the first request, and tried again at the next if it could not be. */
function open(): NonNullable<typeof opened> {
  if (opened) return opened;
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`Cannot read the database at ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  db.pragma("busy_timeout = 5000");
  opened = { db, metrics: createMetrics({ db, clock: { now: () => now }, circuits: () => circuits, providers, defaultMetrics: false }) };
  return opened;
}

async function answer(request: ReadRequest): Promise<ReadReply> {
  now = request.now;
  const { db, metrics } = open();
  if (request.kind === "metrics") {
    circuits = request.circuits;
    return { id: request.id, ok: true, value: await metrics.render() };
  }
  const options: DashboardOptions = { now: request.now, ...request.options };
  return { id: request.id, ok: true, value: buildDashboardData(db, options) };
}

parentPort?.on("message", (request: ReadRequest | "stop") => {
  if (request === "stop") {
    opened?.db.close();
    parentPort?.close();
    return;
  }
  answer(request).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) => {
      const notFoundTask = error instanceof DashboardTaskNotFoundError ? error.taskId : null;
      parentPort?.postMessage({ id: request.id, ok: false, notFoundTask, message: error instanceof Error ? error.message : String(error) } satisfies ReadReply);
    },
  );
});
