import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { readSettings, SettingsError } from "../config/settings.js";
import { migrations } from "../store/migrations/index.js";
import type { Db } from "../store/open-database.js";
import type { DashboardData } from "../telemetry/dashboard-types.js";
import { buildDashboardData, DashboardTaskNotFoundError, defaultDashboardDays, maxDashboardDays } from "../telemetry/dashboard-data.js";
import { renderDashboardHtml } from "../telemetry/render-dashboard-html.js";

export interface DashboardCommandOptions {
  /** Where to write the page. */
  readonly html: string | undefined;
  /** The SQLite file; the DATABASE_PATH setting (or its default) when not given. */
  readonly databasePath: string | undefined;
  readonly task: string | undefined;
  readonly days: string | undefined;
  /** Print the data as JSON, as the last line of stdout. */
  readonly json: boolean;
}

export interface DashboardCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
  readonly cwd: string;
}

const defaultIo: DashboardCommandIo = { out: console.log, err: console.error, env: process.env, now: Date.now, cwd: process.cwd() };

const argsSchema = z.object({
  task: z.coerce.number({ error: "--task takes a task id, a whole number such as --task 12" }).int("--task takes a whole number").positive("--task takes a task id above 0").optional(),
  days: z.coerce
    .number({ error: `--days takes a number of days, e.g. --days ${defaultDashboardDays}` })
    .int("--days takes a whole number of days")
    .min(1, "--days takes at least 1")
    .max(maxDashboardDays, `--days takes at most ${maxDashboardDays}`)
    .default(defaultDashboardDays),
});

class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Opens an existing database for reading only: the dashboard never creates a file, migrates a
 * schema or writes to the database the app is using.
 */
function openForReading(path: string): Db {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UsageError(`No database at ${path}. Give the app's database with --db FILE (or set DATABASE_PATH); \`orchestrator demo --db FILE\` makes one to try.`);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new UsageError(`Cannot open the database at ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const version = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (version !== latest) {
    db.close();
    throw new UsageError(
      version < latest
        ? `The database at ${path} has schema version ${version}; this build reads version ${latest}. Start the app on it once (it migrates at start-up), then run this again.`
        : `The database at ${path} has schema version ${version}, newer than this build knows (${latest}). Run a newer Orchestrator.`,
    );
  }
  db.pragma("busy_timeout = 5000");
  return db;
}

function parseArguments(options: DashboardCommandOptions): { readonly task?: number | undefined; readonly days: number } {
  const parsed = argsSchema.safeParse({ task: options.task, days: options.days });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("\n"));
  return parsed.data;
}

/**
 * `orchestrator dashboard`: the all-tasks dashboard from the database, offline. Writes the page to
 * --html FILE and prints its path; --json prints the data. Exit code 0 written, 2 could not (no
 * database, an unknown task, bad arguments).
 */
export function dashboardCommand(options: DashboardCommandOptions, io: DashboardCommandIo = defaultIo): number {
  try {
    if (options.html === undefined && !options.json) throw new UsageError("Give --html FILE to write the page, or --json to print the data.");
    const { task, days } = parseArguments(options);
    const databasePath = resolve(io.cwd, options.databasePath ?? readSettings(io.env).databasePath);
    const db = openForReading(databasePath);
    let data: DashboardData;
    try {
      data = buildDashboardData(db, { now: io.now(), days, ...(task === undefined ? {} : { taskId: task }) });
    } finally {
      db.close();
    }
    if (options.html !== undefined) {
      const file = resolve(io.cwd, options.html);
      mkdirSync(dirname(file), { recursive: true });
      // Rows link to themselves: a file has no server to show another task's timeline.
      writeFileSync(file, renderDashboardHtml(data, { taskHref: (id) => `#task-${id}` }));
      io.out(`Dashboard written to ${file}`);
    }
    if (options.json) io.out(JSON.stringify(data));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof SettingsError || error instanceof DashboardTaskNotFoundError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
