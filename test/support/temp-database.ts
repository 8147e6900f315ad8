import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { Db } from "../../src/store/open-database.js";
import { openDatabase } from "../../src/store/open-database.js";
import type { NewTask } from "../../src/store/tasks.js";

/** A fresh temporary folder for each test, removed (with everything opened in it closed first) after it. */
export function useTempFolder(): { readonly path: () => string; readonly open: (name?: string) => Db } {
  let folder: string | undefined;
  const opened: Db[] = [];
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "orchestrator-test-"));
  });
  afterEach(() => {
    for (const db of opened.splice(0)) if (db.open) db.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });
  const path = (): string => {
    if (folder === undefined) throw new Error("the temporary folder exists only inside a test");
    return folder;
  };
  return {
    path,
    open: (name = "orchestrator.db") => {
      const db = openDatabase(join(path(), name));
      opened.push(db);
      return db;
    },
  };
}

/** A migrated SQLite file in a temporary folder, new for each test. */
export function useDatabase(): () => Db {
  const folder = useTempFolder();
  let db: Db | undefined;
  beforeEach(() => {
    db = folder.open();
  });
  return () => {
    if (db === undefined) throw new Error("the database exists only inside a test");
    return db;
  };
}

export function sampleTask(overrides: Partial<NewTask> = {}): NewTask {
  return {
    installationId: 20,
    owner: "mona",
    repo: "calculator",
    issueNumber: 1,
    issueTitle: "Add subtraction",
    issueBody: "Please add `sub` to src/calc.ts.",
    requestedBy: "mona",
    defaultBranch: "main",
    ...overrides,
  };
}
