import type { Db } from "../store/open-database.js";

interface Pending<I, O> {
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs `apply` for every input that arrives in the same turn of the event loop inside one SQLite
 * transaction, each in its own savepoint, and settles each caller once the batch has committed.
 * Under load, up to `maxBatch` deliveries share one commit's write to the WAL; alone, a delivery
 * waits one `setImmediate`. A failing input rolls back only its savepoint and rejects only its caller.
 */
export function createGroupCommit<I, O>(db: Db, apply: (input: I) => O, maxBatch = 16): (input: I) => Promise<O> {
  let pending: Pending<I, O>[] = [];
  const one = db.transaction(apply);
  const settled: ({ ok: true; value: O } | { ok: false; error: unknown })[] = [];
  const batch = db.transaction((items: readonly Pending<I, O>[]) => {
    settled.length = 0;
    for (const item of items) {
      try {
        // Nested in the batch, better-sqlite3 runs this as a savepoint.
        settled.push({ ok: true, value: one(item.input) });
      } catch (error) {
        settled.push({ ok: false, error });
      }
    }
  });
  const flush = (): void => {
    const items = pending;
    pending = [];
    try {
      batch(items);
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    items.forEach((item, i) => {
      const result = settled[i];
      if (result === undefined) item.reject(new Error("group commit lost a result"));
      else if (result.ok) item.resolve(result.value);
      else item.reject(result.error);
    });
  };
  let scheduled = false;
  const flushScheduled = (): void => {
    scheduled = false;
    if (pending.length > 0) flush();
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ input, resolve, reject });
      // A full batch commits at once, so no delivery waits behind more than `maxBatch` others.
      if (pending.length >= maxBatch) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flushScheduled);
      }
    });
}
