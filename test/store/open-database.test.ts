import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrations } from "../../src/store/migrations/index.js";
import type { Db } from "../../src/store/open-database.js";
import { DatabaseError, openDatabase } from "../../src/store/open-database.js";
import { useTempFolder } from "../support/temp-database.js";

const folder = useTempFolder();
const latest = migrations.at(-1)?.version ?? 0;

function userVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function schemaOf(db: Db): unknown[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").all();
}

describe("openDatabase", () => {
  it("brings a fresh file to the latest schema version with every table in place", () => {
    const db = folder.open();

    expect(latest).toBeGreaterThan(0);
    expect(userVersion(db)).toBe(latest);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((t) => t.name);
    expect(tables).toEqual(["alerts", "installations", "jobs", "model_calls", "spans", "task_artifacts", "task_events", "tasks", "webhook_deliveries", "webhook_delivery_counts"]);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
  });

  it("leaves an up-to-date file as it was when it is opened again, data included", () => {
    const first = folder.open();
    first.prepare("INSERT INTO webhook_deliveries (delivery_id, event, received_at, outcome) VALUES ('d-1', 'issues', 1, 'enqueued')").run();
    const schema = schemaOf(first);
    first.close();

    const again = folder.open();

    expect(userVersion(again)).toBe(latest);
    expect(schemaOf(again)).toEqual(schema);
    expect(again.prepare("SELECT delivery_id FROM webhook_deliveries").all()).toEqual([{ delivery_id: "d-1" }]);
  });

  it("refuses a database written by a newer build, naming both versions and leaving the file untouched and closed", () => {
    const path = join(folder.path(), "newer.db");
    const newer = new Database(path);
    newer.pragma("journal_mode = WAL");
    newer.pragma(`user_version = ${latest + 1}`);
    newer.close();

    let refused: unknown;
    try {
      openDatabase(path);
    } catch (error) {
      refused = error;
    }

    expect(refused).toBeInstanceOf(DatabaseError);
    expect((refused as Error).message).toContain(`version ${latest + 1}, newer than this build knows (${latest})`);
    // A connection left open would keep its write-ahead log next to the file.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new Database(path, { readonly: true });
    expect(userVersion(check)).toBe(latest + 1);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master").get()).toEqual({ n: 0 });
    check.close();
  });

  it("says which setting to fix when the folder does not exist", () => {
    const path = join(folder.path(), "missing", "orchestrator.db");

    expect(() => openDatabase(path)).toThrow(DatabaseError);
    expect(() => openDatabase(path)).toThrow(/DATABASE_PATH/);
  });
});
