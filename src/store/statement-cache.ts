import type Database from "better-sqlite3";
import type { Db } from "./open-database.js";

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The prepared statement for `text` on `db`, compiled once. better-sqlite3 compiles SQL on every
 * `prepare`, which costs tens of microseconds: more than running the statement on the webhook path.
 * Statements live as long as their database.
 */
export function statement<P extends unknown[] | Record<string, unknown> = unknown[], R = unknown>(db: Db, text: string): Database.Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let prepared = cache.get(text);
  if (!prepared) {
    prepared = db.prepare(text);
    cache.set(text, prepared);
  }
  return prepared as Database.Statement<P, R>;
}
