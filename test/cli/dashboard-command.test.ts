import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { DashboardCommandIo, DashboardCommandOptions } from "../../src/cli/dashboard-command.js";
import { dashboardCommand } from "../../src/cli/dashboard-command.js";
import { cancel, createTask, startPlanning } from "../../src/engine/transitions.js";
import type { DashboardData } from "../../src/telemetry/dashboard-types.js";
import { migrations } from "../../src/store/migrations/index.js";
import { sampleTask, useTempFolder } from "../support/temp-database.js";

const run = promisify(execFile);
const folder = useTempFolder();
const now = Date.UTC(2026, 0, 15, 12);

interface Ran {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function dashboard(options: Partial<DashboardCommandOptions>, env: NodeJS.ProcessEnv = {}): Ran {
  const out: string[] = [];
  const err: string[] = [];
  const io: DashboardCommandIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, now: () => now, cwd: folder.path() };
  const code = dashboardCommand({ html: undefined, databasePath: undefined, task: undefined, days: undefined, json: false, ...options }, io);
  return { code, out, err };
}

/** A database with two tasks: one planning, one cancelled. */
function seed(name = "orchestrator.db"): string {
  const db = folder.open(name);
  const first = createTask(db, sampleTask({ issueNumber: 1 }), { at: now - 3_600_000 }).id;
  startPlanning(db, first, { at: now - 3_000_000 });
  const second = createTask(db, sampleTask({ issueNumber: 2 }), { at: now - 1_800_000 }).id;
  cancel(db, second, { at: now - 1_700_000 });
  db.close();
  return join(folder.path(), name);
}

describe("orchestrator dashboard", () => {
  it("writes the page to --html FILE, creating its folder, and prints the path", () => {
    const db = seed();
    const { code, out, err } = dashboard({ html: "out/site/dashboard.html", databasePath: db });
    const file = join(folder.path(), "out/site/dashboard.html");
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toEqual([`Dashboard written to ${file}`]);
    const html = readFileSync(file, "utf8");
    expect(html).toContain(`data-chart="tasks-by-day"`);
    expect(html).toContain(`<tr id="task-2" data-task="2"><td><a href="#task-2">2</a></td>`);
  });

  it("prints the data as JSON on the last line with --json, with the task's timeline for --task and the window for --days", () => {
    const db = seed();
    const { code, out } = dashboard({ json: true, databasePath: db, task: "2", days: "3" });
    expect(code).toBe(0);
    const data = JSON.parse(out.at(-1) ?? "") as DashboardData;
    expect(data.window.days).toBe(3);
    expect(data.generatedAt).toBe(now);
    expect(data.totals).toMatchObject({ tasks: 2, cancelled: 1, active: 1 });
    expect(data.task?.id).toBe(2);
    expect(data.task?.phases.map((p) => p.state)).toEqual(["queued", "cancelled"]);
  });

  it("reads DATABASE_PATH when --db is not given", () => {
    seed("from-env.db");
    const { code, out } = dashboard({ json: true }, { DATABASE_PATH: "from-env.db" });
    expect(code).toBe(0);
    expect((JSON.parse(out.at(-1) ?? "") as DashboardData).totals.tasks).toBe(2);
  });

  it("refuses a missing database with exit code 2 and creates no file", () => {
    const { code, err } = dashboard({ html: "d.html" });
    const expected = join(folder.path(), ".orchestrator/orchestrator.db");
    expect(code).toBe(2);
    expect(err.join("\n")).toContain(`No database at ${expected}. Give the app's database with --db FILE (or set DATABASE_PATH)`);
    expect(existsSync(expected)).toBe(false);
    expect(existsSync(join(folder.path(), ".orchestrator"))).toBe(false);
    expect(existsSync(join(folder.path(), "d.html"))).toBe(false);
  });

  it("refuses a folder given as the database", () => {
    mkdirSync(join(folder.path(), "a-folder"));
    const { code, err } = dashboard({ html: "d.html", databasePath: "a-folder" });
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("No database at");
  });

  it("never migrates or writes the database: an older schema is refused as it is", () => {
    const path = join(folder.path(), "old.db");
    const old = new Database(path);
    old.pragma("user_version = 2");
    old.close();
    const { code, err } = dashboard({ html: "d.html", databasePath: path });
    expect(code).toBe(2);
    expect(err.join("\n")).toContain(`has schema version 2; this build reads version ${String(migrations.at(-1)?.version)}. Start the app on it once`);
    const again = new Database(path, { readonly: true });
    expect(again.pragma("user_version", { simple: true })).toBe(2);
    again.close();
  });

  it("refuses a task that is not in the database", () => {
    const { code, err } = dashboard({ html: "d.html", databasePath: seed(), task: "42" });
    expect(code).toBe(2);
    expect(err).toEqual(["Task 42 does not exist in this database."]);
    expect(existsSync(join(folder.path(), "d.html"))).toBe(false);
  });

  it.each([
    [{ days: "0" }, "--days takes at least 1"],
    [{ days: "two" }, "--days takes a number of days, e.g. --days 14"],
    [{ days: "1.5" }, "--days takes a whole number of days"],
    [{ task: "-3" }, "--task takes a task id above 0"],
    [{ task: "x" }, "--task takes a task id, a whole number such as --task 12"],
  ])("says what to type instead of %j", (options, message) => {
    const { code, err } = dashboard({ html: "d.html", databasePath: seed(), ...options });
    expect(code).toBe(2);
    expect(err).toEqual([message]);
  });

  it("asks for --html or --json when given neither", () => {
    const { code, err } = dashboard({ databasePath: seed() });
    expect(code).toBe(2);
    expect(err).toEqual(["Give --html FILE to write the page, or --json to print the data."]);
  });

  it("runs as a command of the CLI, exiting 2 for a missing database", async () => {
    const missing = join(folder.path(), "missing.db");
    const failure = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "dashboard", "--html", join(folder.path(), "d.html"), "--db", missing], { timeout: 30_000 }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(`No database at ${missing}.`);
    expect(existsSync(missing)).toBe(false);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "help"], { timeout: 30_000 });
    expect(stdout).toContain("dashboard --html FILE [--db PATH] [--task ID] [--days N] [--json]");
  });
});
