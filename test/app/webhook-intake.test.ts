import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSettings } from "../../src/config/settings.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import type { Db } from "../../src/store/open-database.js";
import { openDatabase } from "../../src/store/open-database.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import type { SimInstallation, SimIssue, SimLabel, SimRepo, SimUser } from "../../src/sim/github/sim-model.js";
import { SimPeople } from "../../src/sim/github/sim-people.js";
import { issuesLabeledPayload } from "../../src/sim/github/webhooks/index.js";
import { LlmSimulator } from "../../src/sim/llm/llm-simulator.js";
import type { AppCredentials, RunningApp } from "../../src/sim/scenario/start-app.js";
import { createAppCredentials, startApp } from "../../src/sim/scenario/start-app.js";

const APP_ID = 4242;
const LABEL = "orchestrator";

/** The real Probot server with Orchestrator, a GitHub simulator for its base URL, a model simulator with nothing to say. */
interface Harness {
  readonly app: RunningApp;
  readonly db: Db;
  readonly github: GitHubSimulator;
  readonly credentials: AppCredentials;
  readonly repo: SimRepo;
  readonly installation: SimInstallation;
  readonly issue: SimIssue;
  readonly mona: SimUser;
  close(): Promise<void>;
}

async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrator-intake-"));
  const databasePath = join(dir, "orchestrator.db");
  const github = new GitHubSimulator();
  await github.start();
  const llm = new LlmSimulator({ script: {} });
  await llm.start();
  const credentials = createAppCredentials(APP_ID);
  const world = github.world;
  world.addUser("octo-org", "Organization");
  const mona = world.addUser("mona");
  world.addApp({ id: APP_ID, slug: "orchestrator-test", name: "Orchestrator (test)", owner: "octo-org", publicKey: credentials.publicKey });
  const installation = world.addInstallation(APP_ID, "octo-org");
  const repo = world.addRepo("octo-org", "calculator", new Map([["README.md", Buffer.from("# calculator\n")]]));
  world.setPermission(repo, "mona", "maintain");
  const issue = new SimPeople(github).openIssue(repo, "mona", "Add sub", "Please add sub.");
  const db = openDatabase(databasePath);
  const settings = readSettings({
    DATABASE_PATH: databasePath,
    ORCHESTRATOR_LABEL: LABEL,
    APP_ID: String(APP_ID),
    ANTHROPIC_API_KEY: "sk-ant-simulated",
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
  });
  const client = new AnthropicClient({ apiKey: "sk-ant-simulated", baseURL: llm.anthropicBaseUrl, maxRetries: 0, timeoutMs: 5_000 });
  const app = await startApp({ credentials, githubBaseUrl: github.urls.api, settings, db, providers: [client] });
  // Intake is what is under test: with the worker stopped, jobs stay as intake left them.
  await app.orchestrator.stop();
  return {
    app,
    db,
    github,
    credentials,
    repo,
    installation,
    issue,
    mona,
    close: async () => {
      await app.stop();
      await llm.stop();
      await github.stop();
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** POSTs a webhook as GitHub does: the exact bytes, signed, with the event and delivery headers. */
async function deliver(
  h: Harness,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; secret?: string } = {},
): Promise<{ status: number; deliveryId: string }> {
  const body = JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const response = await fetch(h.app.webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": sign(options.secret ?? h.credentials.webhookSecret, body),
      "user-agent": "GitHub-Hookshot/test",
    },
    body,
  });
  await response.text();
  return { status: response.status, deliveryId };
}

function labeled(h: Harness, overrides: { label?: string; issue?: Partial<SimIssue>; sender?: SimUser } = {}): Record<string, unknown> {
  const label: SimLabel = h.github.world.ensureLabel(h.repo, overrides.label ?? LABEL);
  return issuesLabeledPayload(h.github.urls, {
    repo: h.repo,
    installation: h.installation,
    sender: overrides.sender ?? h.mona,
    issue: { ...h.issue, ...overrides.issue },
    label,
  });
}

/** A `star` delivery: an event Orchestrator does not handle. */
function starred(h: Harness): Record<string, unknown> {
  const { repository, sender, installation } = labeled(h);
  return { action: "created", starred_at: "2026-01-01T00:00:00Z", repository, sender, installation };
}

interface DeliveryRow {
  delivery_id: string;
  event: string;
  action: string | null;
  installation_id: number | null;
  outcome: string;
}

interface JobRow {
  kind: string;
  unique_key: string | null;
  payload: string;
  state: string;
}

function deliveries(db: Db, deliveryId: string): DeliveryRow[] {
  return db.prepare<[string], DeliveryRow>("SELECT delivery_id, event, action, installation_id, outcome FROM webhook_deliveries WHERE delivery_id = ?").all(deliveryId);
}

function jobsFor(db: Db, deliveryId: string): JobRow[] {
  return db.prepare<[string], JobRow>("SELECT kind, unique_key, payload, state FROM jobs WHERE payload LIKE '%' || ? || '%'").all(deliveryId);
}

function count(db: Db, table: "jobs" | "webhook_deliveries"): number {
  return db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;
}

describe("webhook intake over HTTP", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it("answers 200 to our label on an open issue and records the delivery and an intake job", async () => {
    const { status, deliveryId } = await deliver(h, "issues", labeled(h));
    expect(status).toBe(200);
    expect(deliveries(h.db, deliveryId)).toEqual([
      { delivery_id: deliveryId, event: "issues", action: "labeled", installation_id: h.installation.id, outcome: "enqueued:intake" },
    ]);
    const jobs = jobsFor(h.db, deliveryId);
    expect(jobs.map((j) => [j.kind, j.state])).toEqual([["intake", "pending"]]);
    expect(JSON.parse(jobs[0]?.payload ?? "null")).toMatchObject({
      deliveryId,
      installationId: h.installation.id,
      owner: "octo-org",
      repo: "calculator",
      defaultBranch: "main",
      issueNumber: h.issue.number,
      issueTitle: "Add sub",
      issueBody: "Please add sub.",
      sender: { login: "mona", type: "User" },
    });
    expect(h.db.prepare<[number], { account_login: string }>("SELECT account_login FROM installations WHERE id = ?").get(h.installation.id)).toEqual({
      account_login: "octo-org",
    });
  });

  it("answers 400 to a delivery signed with another secret and records nothing", async () => {
    const before = { deliveries: count(h.db, "webhook_deliveries"), jobs: count(h.db, "jobs") };
    const { status, deliveryId } = await deliver(h, "issues", labeled(h), { secret: "not-our-secret" });
    expect(status).toBe(400);
    expect(deliveries(h.db, deliveryId)).toEqual([]);
    expect({ deliveries: count(h.db, "webhook_deliveries"), jobs: count(h.db, "jobs") }).toEqual(before);
  });

  it("records a delivery sent twice with the same X-GitHub-Delivery once, with one job", async () => {
    const payload = labeled(h, { issue: { number: 4711 } });
    const first = await deliver(h, "issues", payload);
    const again = await deliver(h, "issues", payload, { deliveryId: first.deliveryId });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(deliveries(h.db, first.deliveryId).map((d) => d.outcome)).toEqual(["enqueued:intake"]);
    expect(jobsFor(h.db, first.deliveryId)).toHaveLength(1);
  });

  it("does not decide a delivery again when its X-GitHub-Delivery comes back with another payload", async () => {
    const first = await deliver(h, "issues", labeled(h, { issue: { number: 4712 } }));
    const again = await deliver(h, "issues", labeled(h, { issue: { number: 4712 }, label: "bug" }), { deliveryId: first.deliveryId });
    expect(again.status).toBe(200);
    expect(deliveries(h.db, first.deliveryId).map((d) => d.outcome)).toEqual(["enqueued:intake"]);
  });

  it.each([
    ["another label", { label: "bug" }, "ignored:other-label"],
    ["a closed issue", { issue: { state: "closed" as const } }, "ignored:issue-closed"],
  ])("records %s as ignored without a job", async (_what, change, outcome) => {
    const jobsBefore = count(h.db, "jobs");
    const payload = labeled(h, { ...("label" in change ? { label: change.label } : {}), ...("issue" in change ? { issue: change.issue } : {}), sender: h.mona });
    const { status, deliveryId } = await deliver(h, "issues", payload);
    expect(status).toBe(200);
    expect(deliveries(h.db, deliveryId).map((d) => d.outcome)).toEqual([outcome]);
    expect(count(h.db, "jobs")).toBe(jobsBefore);
  });

  it("answers 200 to a payload it cannot read, records why, and creates no job", async () => {
    const payload = labeled(h);
    const jobsBefore = count(h.db, "jobs");
    const { status, deliveryId } = await deliver(h, "issues", { ...payload, issue: { ...(payload.issue as object), number: "seven" } });
    expect(status).toBe(200);
    expect(deliveries(h.db, deliveryId).map((d) => d.outcome)).toEqual(["malformed:issue.number"]);
    expect(count(h.db, "jobs")).toBe(jobsBefore);
  });

  it("records an event it has no handler for as ignored:unhandled", async () => {
    const jobsBefore = count(h.db, "jobs");
    const { status, deliveryId } = await deliver(h, "star", starred(h));
    expect(status).toBe(200);
    expect(deliveries(h.db, deliveryId)).toEqual([
      { delivery_id: deliveryId, event: "star", action: "created", installation_id: h.installation.id, outcome: "ignored:unhandled" },
    ]);
    expect(count(h.db, "jobs")).toBe(jobsBefore);
  });

  it("never calls GitHub while taking in webhooks", async () => {
    const before = h.github.requests.all().length;
    const results = await Promise.all([
      deliver(h, "issues", labeled(h, { issue: { number: 9001 } })),
      deliver(h, "issues", labeled(h, { label: "bug" })),
      deliver(h, "star", starred(h)),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.flatMap((r) => deliveries(h.db, r.deliveryId))).toHaveLength(3);
    expect(h.github.requests.all().length).toBe(before);
  });

  it("answers GET /healthz with 200 and the queue's depth", async () => {
    const pending = h.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM jobs WHERE state = 'pending'").get()?.n;
    expect(pending).toBeGreaterThan(0);
    const response = await fetch(`${h.app.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ status: "ok", database: "ok", worker: "stopped", queue: { pending, dead: 0 } });
  });
});

describe("webhook intake without its database", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.db.close();
  });

  afterAll(async () => {
    await h.close();
  });

  it("answers GET /healthz with 503", async () => {
    const response = await fetch(`${h.app.baseUrl}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "unavailable" });
  });

  it("answers a delivery it cannot record with an error, so that GitHub can deliver it again", async () => {
    const { status } = await deliver(h, "issues", labeled(h));
    expect(status).toBe(500);
  });
});
