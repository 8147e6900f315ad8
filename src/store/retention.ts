import { pruneDeliveries } from "./deliveries.js";
import { pruneFinishedJobs } from "./jobs.js";
import type { Db } from "./open-database.js";

const DAY_MS = 86_400_000;

/**
 * How long history that nothing reads back is kept. GitHub offers redeliveries of the last few
 * days, so a delivery kept 30 days still recognises one; a done job without a unique key is read by
 * nothing once finished. Tasks, their events, model calls and dead jobs are kept: they are the
 * record. Spans have their own retention (14 days, in the span processor).
 */
export const retentionMs = { deliveries: 30 * DAY_MS, doneJobs: 30 * DAY_MS } as const;

export interface Pruned {
  readonly deliveries: number;
  readonly jobs: number;
}

/** Prunes what is past its retention; cheap enough to run every hour (two scans without an index). */
export function pruneHistory(db: Db, now: number): Pruned {
  return { deliveries: pruneDeliveries(db, now - retentionMs.deliveries), jobs: pruneFinishedJobs(db, now - retentionMs.doneJobs) };
}
