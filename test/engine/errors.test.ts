import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { isRetryable, OrchestratorError, PermanentError } from "../../src/engine/errors.js";
import { useTempFolder } from "../support/temp-database.js";

const folder = useTempFolder();

describe("whether an error is worth another attempt", () => {
  it("believes the verdict an error carries", () => {
    expect(isRetryable(new OrchestratorError("rate limited", { retryable: true }))).toBe(true);
    expect(isRetryable(new PermanentError("malformed"))).toBe(false);
  });

  it("treats SQLite's busy answer (another connection holds the write lock) as passing", () => {
    const db = folder.open();
    const other = new Database(join(folder.path(), "orchestrator.db"));
    other.pragma("busy_timeout = 0");
    db.exec("BEGIN IMMEDIATE");
    let busy: unknown;
    try {
      other.exec("BEGIN IMMEDIATE");
    } catch (error) {
      busy = error;
    } finally {
      db.exec("ROLLBACK");
      other.close();
    }
    expect(busy).toMatchObject({ code: "SQLITE_BUSY" });
    expect(isRetryable(busy)).toBe(true);
  });

  it("treats any other error it cannot classify as permanent", () => {
    expect(isRetryable(new TypeError("x is undefined"))).toBe(false);
    expect(isRetryable("a string")).toBe(false);
  });
});
