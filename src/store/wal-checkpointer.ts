import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Db } from "./open-database.js";

// The thread's whole program: plain CommonJS, so it needs no TypeScript loader.
const program = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 5000");
const checkpoint = (mode) => {
  try {
    db.pragma("wal_checkpoint(" + mode + ")");
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
};
const timer = setInterval(() => checkpoint("PASSIVE"), workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint("TRUNCATE");
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the thread that answers webhooks. In WAL mode with
 * synchronous=NORMAL a commit does not fsync, but the automatic checkpoint every ~1000 pages does,
 * inside whichever commit triggers it: a webhook request. Here the writing connection stops
 * checkpointing and a worker thread with its own connection checkpoints every `intervalMs`
 * (PASSIVE: it never blocks writers). Should the thread die, automatic checkpoints come back, so
 * the WAL cannot grow without bound.
 */
export function startWalCheckpointer(db: Db, options: { intervalMs?: number; onError?: (message: string) => void } = {}): WalCheckpointer | undefined {
  if (db.memory || db.pragma("journal_mode", { simple: true }) !== "wal") return undefined;
  const worker = new Worker(program, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve("better-sqlite3"), path: db.name, intervalMs: options.intervalMs ?? 1000 },
  });
  worker.unref();
  db.pragma("wal_autocheckpoint = 0");
  let stopping = false;
  worker.on("message", (message: { error?: string }) => {
    if (message.error) options.onError?.(message.error);
  });
  worker.on("exit", () => {
    if (!stopping && db.open) db.pragma("wal_autocheckpoint = 1000");
  });
  worker.on("error", (error) => {
    options.onError?.(error.message);
  });
  return {
    stop: async () => {
      if (stopping) return;
      stopping = true;
      const exited = new Promise<void>((resolve) => worker.once("exit", () => { resolve(); }));
      const stopped = new Promise<void>((resolve) => worker.once("message", () => { resolve(); }));
      worker.postMessage("stop");
      await Promise.race([stopped, exited]);
      await worker.terminate();
      if (db.open) db.pragma("wal_autocheckpoint = 1000");
    },
  };
}
