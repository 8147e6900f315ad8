import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { createAppCredentials, freePort } from "../../src/sim/scenario/start-app.js";
import { useSimulatedWorld } from "../support/simulated-world.js";
import { until } from "../support/until.js";

const simulated = useSimulatedWorld();
const cleanups = simulated.cleanups;

/** `npm start`'s entry, as a process configured by its environment alone. */
function startEntry(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/app/main.ts"], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      resolve(code);
    });
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return { child, output: () => output, exited };
}

describe("npm start (src/app/main.ts through Probot's run)", () => {
  it("runs as a GitHub App from its environment: healthy, carries a labelled issue to review, exits cleanly on SIGTERM", async () => {
    const { github, world, credentials, webhooks, dir, appEnv } = await simulated.start(loadScenario("happy"));
    const port = await freePort();
    const databasePath = join(dir, "data", "orchestrator.db");
    const entry = startEntry({
      ...appEnv,
      GHE_HOST: new URL(github.urls.api).host,
      GHE_PROTOCOL: "http",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: databasePath,
      LOG_LEVEL: "warn",
    });

    const health = await until("/healthz", async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      return response?.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
    });
    expect(health).toMatchObject({ status: "ok", database: "ok", worker: "running" });

    webhooks.connect(credentials.appId, { url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: credentials.webhookSecret });
    world.people.label(world.repo, world.issue.number, "mona", "orchestrator");

    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    cleanups.push(() => {
      db.close();
    });
    const state = await until("the task to await review", () => {
      const row = db.prepare<[], { state: string }>("SELECT state FROM tasks WHERE id = 1").get();
      return row?.state === "awaiting_review" ? row.state : undefined;
    });
    expect(state).toBe("awaiting_review");
    expect(world.repo.pulls.size).toBe(1);
    expect(github.requests.stats().invalidRequests).toBe(0);

    entry.child.kill("SIGTERM");
    expect(await entry.exited).toBe(0);
    expect(entry.output()).not.toMatch(/\bERROR\b/);
  }, 60_000);

  it("refuses to start without a model provider key, saying which variable to set", async () => {
    const credentials = createAppCredentials(4243);
    const dir = mkdtempSync(join(tmpdir(), "orchestrator-entry-"));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const entry = startEntry({
      APP_ID: String(credentials.appId),
      PRIVATE_KEY: credentials.privateKey,
      WEBHOOK_SECRET: credentials.webhookSecret,
      PORT: String(await freePort()),
      HOST: "127.0.0.1",
      DATABASE_PATH: join(dir, "orchestrator.db"),
      LOG_LEVEL: "warn",
    });
    expect(await entry.exited).not.toBe(0);
    expect(entry.output()).toContain("Neither ANTHROPIC_API_KEY nor OPENAI_API_KEY is set");
  }, 30_000);
});
