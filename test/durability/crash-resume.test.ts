import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { useSimulatedWorld } from "../support/simulated-world.js";
import { until } from "../support/until.js";

const simulated = useSimulatedWorld();
const cleanups = simulated.cleanups;

function startAppProcess(env: Record<string, string>): Promise<{ child: ChildProcess; webhookUrl: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/durability/app-process.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const ready = /READY (\S+)/.exec(chunk.toString());
      if (ready?.[1]) resolve({ child, webhookUrl: ready[1] });
    });
    child.on("exit", (code) => {
      reject(new Error(`the app process exited (${String(code)}) before it was ready: ${stderr}`));
    });
  });
}

describe("crash and restart", () => {
  it("finishes a task after the process is killed mid-phase, paying for no call twice and writing nothing twice on GitHub", async () => {
    const scenario = loadScenario("happy");
    // The implementer's first call hangs: the process is killed while it waits.
    const { github, llm, world, credentials, webhooks, dir, appEnv } = await simulated.start(scenario, {
      ...scenario.llm,
      faults: [{ match: { tool: "write_file" }, kind: "hang", times: 1 }],
    });
    const databasePath = join(dir, "orchestrator.db");
    const env = { ...appEnv, GITHUB_API_URL: github.urls.api, DATABASE_PATH: databasePath, WORKER_LEASE_SECONDS: "2", LOG_LEVEL: "silent" };

    const first = await startAppProcess(env);
    webhooks.connect(credentials.appId, { url: first.webhookUrl, secret: credentials.webhookSecret });
    world.people.label(world.repo, world.issue.number, "mona", "orchestrator");
    await until("the implementer's call to hang", () => (llm.records().some((r) => r.outcome === "fault" && r.fault === "hang") ? true : undefined));
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await startAppProcess(env);
    webhooks.connect(credentials.appId, { url: second.webhookUrl, secret: credentials.webhookSecret });
    const db = new Database(databasePath, { readonly: true });
    cleanups.push(() => {
      db.close();
    });
    const state = (): string | undefined => db.prepare<[], { state: string }>("SELECT state FROM tasks WHERE id = 1").get()?.state;
    await until("the task to await review", () => (state() === "awaiting_review" ? true : undefined), 30_000);
    world.people.review(world.repo, [...world.repo.pulls.keys()][0] ?? 0, "mona", "approve", "");
    await until("the task to be done", () => (state() === "done" ? true : undefined));

    const replies = llm.records().flatMap((r) => (r.outcome === "replied" ? [r.replyId] : []));
    expect(replies).toEqual(["plan", "implement"]);
    const calls = db.prepare<[], { role: string; status: string }>("SELECT role, status FROM model_calls ORDER BY id").all();
    expect(calls).toEqual([
      { role: "planner", status: "succeeded" },
      { role: "implementer", status: "failed" },
      { role: "implementer", status: "succeeded" },
    ]);
    const writes = github.requests.stats().byOperation;
    expect(writes["pulls/create"]).toBe(1);
    expect(writes["git/create-commit"]).toBe(1);
    expect(writes["issues/create-comment"]).toBe(1);
    expect(writes["checks/create"]).toBe(1);
    expect(world.repo.pulls.size).toBe(1);
    expect([...world.repo.comments.values()].filter((c) => c.issueNumber === world.issue.number)).toHaveLength(1);
    expect(github.requests.stats().invalidRequests).toBe(0);
  }, 60_000);
});
