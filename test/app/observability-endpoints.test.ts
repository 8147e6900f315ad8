import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSettings } from "../../src/config/settings.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import { loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { runScenario } from "../../src/sim/scenario/run-scenario.js";
import type { RunningApp } from "../../src/sim/scenario/start-app.js";
import { createAppCredentials, startApp } from "../../src/sim/scenario/start-app.js";
import type { ScenarioResult } from "../../src/sim/scenario/scenario-result.js";
import type { Db } from "../../src/store/open-database.js";
import { openDatabase } from "../../src/store/open-database.js";
import { countDeliveries, hasDelivery, recordDelivery } from "../../src/store/deliveries.js";

const dashboardToken = "d".repeat(20) + "-dashboard-secret";
const metricsToken = "m".repeat(20) + "-metrics-secret";

const tmp = mkdtempSync(join(tmpdir(), "orchestrator-endpoints-"));
const databasePath = join(tmp, "orchestrator.db");
let played: ScenarioResult;
const opened: { app: RunningApp; db: Db }[] = [];

/** The real app on the database a played task left, serving only (no worker), with these settings. */
async function serve(env: Record<string, string>): Promise<RunningApp> {
  const db = openDatabase(databasePath);
  const settings = readSettings({ DATABASE_PATH: databasePath, ORCHESTRATOR_WORKER: "off", ANTHROPIC_API_KEY: "sk-ant-unused", ...env });
  const client = new AnthropicClient({ apiKey: "sk-ant-unused", baseURL: "http://127.0.0.1:9", maxRetries: 0, timeoutMs: 1_000 });
  const app = await startApp({ credentials: createAppCredentials(4243), githubBaseUrl: "http://127.0.0.1:9", settings, db, providers: [client], env: {} });
  opened.push({ app, db });
  return app;
}

function cookieOf(response: Response): string {
  return response.headers.getSetCookie().map((c) => c.split(";")[0] ?? "").find((c) => c.startsWith("orchestrator_session=")) ?? "";
}

beforeAll(async () => {
  played = await runScenario(loadScenario("happy"), { databasePath });
}, 60_000);

afterAll(async () => {
  for (const { app, db } of opened) {
    await app.stop();
    db.close();
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe("housekeeping", () => {
  it("prunes a delivery past its retention when the app starts, and /metrics still counts it", async () => {
    const db = openDatabase(databasePath);
    const recent = countDeliveries(db);
    recordDelivery(db, { deliveryId: "long-ago", event: "ping", action: null, installationId: null, receivedAt: 1 }, "ignored:ping");
    db.close();

    const app = await serve({});
    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();

    const reader = openDatabase(databasePath);
    expect(hasDelivery(reader, "long-ago")).toBe(false);
    expect(countDeliveries(reader)).toBe(recent);
    reader.close();
    expect(text).toContain('orchestrator_webhooks_total{event="ping",outcome="ignored"} 1');
  });
});

describe("/metrics", () => {
  it("is Prometheus text with the task's series, open when no metrics token is set", async () => {
    const app = await serve({});
    const response = await fetch(`${app.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('orchestrator_tasks_total{state="done"} 1');
    expect(text).toMatch(/^orchestrator_llm_cost_usd_total\{provider="anthropic",model="claude-sonnet-5-5",role="planner"\} 0\.00\d+$/m);
    expect(text).toContain('orchestrator_webhooks_total{event="issues",outcome="task"} 1');
    for (const name of ["orchestrator_phase_duration_seconds_bucket", "orchestrator_llm_tokens_total", "orchestrator_ci_first_pass_total 1", "orchestrator_fix_attempts_total 0", "orchestrator_queue_depth 0", "orchestrator_queue_lag_seconds 0", 'orchestrator_circuit_state{provider="anthropic"} 0']) {
      expect(text).toContain(name);
    }
    expect(played.task?.state).toBe("done");
  });

  it("asks for its bearer token when one is configured", async () => {
    const app = await serve({ ORCHESTRATOR_METRICS_TOKEN: metricsToken });
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const response = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("orchestrator_tasks_total");
  });
});

describe("/dashboard", () => {
  it("is closed when no way in is configured, and says how to open it", async () => {
    const app = await serve({});
    const page = await fetch(`${app.baseUrl}/dashboard`, { redirect: "manual" });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("ORCHESTRATOR_DASHBOARD_TOKEN");
    expect((await fetch(`${app.baseUrl}/dashboard.json`)).status).toBe(403);
  });

  it("opens with the token: as a bearer token, or typed into the sign-in page, which sets a signed session", async () => {
    const app = await serve({ ORCHESTRATOR_DASHBOARD_TOKEN: dashboardToken });
    const anonymous = await fetch(`${app.baseUrl}/dashboard`, { redirect: "manual" });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/dashboard/login");
    expect((await fetch(`${app.baseUrl}/dashboard.json`)).status).toBe(401);

    const json = await fetch(`${app.baseUrl}/dashboard.json?task=${played.task?.id ?? 0}`, { headers: { authorization: `Bearer ${dashboardToken}` } });
    expect(json.status).toBe(200);
    const data = (await json.json()) as { totals: { tasks: number }; task?: { spans: unknown[] } };
    expect(data.totals.tasks).toBe(1);
    expect(data.task?.spans.length).toBeGreaterThan(0);

    const login = await fetch(`${app.baseUrl}/dashboard/login`);
    expect(await login.text()).toContain('name="token"');
    const wrong = await fetch(`${app.baseUrl}/dashboard/login`, { method: "POST", body: new URLSearchParams({ token: "not-it" }), redirect: "manual" });
    expect(wrong.status).toBe(401);
    expect(cookieOf(wrong)).toBe("");
    const right = await fetch(`${app.baseUrl}/dashboard/login`, { method: "POST", body: new URLSearchParams({ token: dashboardToken }), redirect: "manual" });
    expect(right.status).toBe(303);
    const session = cookieOf(right);
    expect(session).toMatch(/^orchestrator_session=/);
    expect(right.headers.getSetCookie().join()).toMatch(/HttpOnly; SameSite=Lax/);

    const page = await fetch(`${app.baseUrl}/dashboard?task=${played.task?.id ?? 0}`, { headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain("<svg");
    expect(html).not.toContain("<script");

    // A session altered by one character is no session.
    const tampered = session.slice(0, -1) + (session.endsWith("A") ? "B" : "A");
    expect((await fetch(`${app.baseUrl}/dashboard`, { headers: { cookie: tampered }, redirect: "manual" })).status).toBe(303);
    // Bad queries are refused plainly; an unknown task is not found.
    expect((await fetch(`${app.baseUrl}/dashboard?task=abc`, { headers: { cookie: session } })).status).toBe(400);
    expect((await fetch(`${app.baseUrl}/dashboard?task=999`, { headers: { cookie: session } })).status).toBe(404);
    const logout = await fetch(`${app.baseUrl}/dashboard/logout`, { headers: { cookie: session }, redirect: "manual" });
    expect(logout.headers.getSetCookie().join()).toMatch(/orchestrator_session=; .*Max-Age=0/);
  });

  it("a session holds across restarts and replicas with the same token, and ends when the token changes", async () => {
    const first = await serve({ ORCHESTRATOR_DASHBOARD_TOKEN: dashboardToken });
    const right = await fetch(`${first.baseUrl}/dashboard/login`, { method: "POST", body: new URLSearchParams({ token: dashboardToken }), redirect: "manual" });
    const replica = await serve({ ORCHESTRATOR_DASHBOARD_TOKEN: dashboardToken });
    expect((await fetch(`${replica.baseUrl}/dashboard`, { headers: { cookie: cookieOf(right) }, redirect: "manual" })).status).toBe(200);
    const rotated = await serve({ ORCHESTRATOR_DASHBOARD_TOKEN: `${dashboardToken}-rotated` });
    expect((await fetch(`${rotated.baseUrl}/dashboard`, { headers: { cookie: cookieOf(right) }, redirect: "manual" })).status).toBe(303);
  });
});
