import Database from "better-sqlite3";
import { migrations } from "./migrations/index.js";

export type Db = Database.Database;

export class DatabaseError extends Error {
  override readonly name = "DatabaseError";
}

/**
 * Opens (creating if needed) the SQLite file at `path` in WAL mode and brings its schema up to date.
 * WAL lets the webhook handler write while the worker reads; `synchronous = NORMAL` is durable
 * across process crashes in WAL mode, which is what resuming tasks needs.
 */
export function openDatabase(path: string): Db {
  let db: Db;
  try {
    db = new Database(path);
  } catch (error) {
    throw new DatabaseError(`Cannot open the database at ${path}. Check DATABASE_PATH and that its folder exists and is writable.`, { cause: error });
  }
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  try {
    migrate(db);
  } catch (error) {
    // A refused or failed schema leaves no open handle (and no write-ahead log) behind.
    db.close();
    throw error;
  }
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DatabaseError(`The database schema is version ${current}, newer than this build knows (${latest}). Run a newer Orchestrator or point DATABASE_PATH elsewhere.`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
