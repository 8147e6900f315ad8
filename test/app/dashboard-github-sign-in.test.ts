import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { oauthStateCookie, sessionCookie } from "../../src/app/dashboard-auth.js";
import { readSettings } from "../../src/config/settings.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import { oauthAccessTokenOperation, oauthAuthorizeOperation } from "../../src/sim/github/oauth/index.js";
import type { SimRequestRecord } from "../../src/sim/github/request-log.js";
import type { SimApp } from "../../src/sim/github/sim-model.js";
import { LlmSimulator } from "../../src/sim/llm/llm-simulator.js";
import type { RunningApp } from "../../src/sim/scenario/start-app.js";
import { createAppCredentials, startApp } from "../../src/sim/scenario/start-app.js";
import type { Db } from "../../src/store/open-database.js";
import { openDatabase } from "../../src/store/open-database.js";

/*
 * "Sign in with GitHub" end to end, over real HTTP: the real app (Probot server, dashboard handler)
 * and the GitHub simulator playing GitHub's OAuth web flow. The browser is this file: it follows
 * redirects by hand and carries cookies itself. GitHub sends the browser to the app's public URL,
 * which the browser here maps to the app's loopback address.
 */
const APP_ID = 4242;
const PUBLIC_URL = "http://orchestrator.test";
const CALLBACK = `${PUBLIC_URL}/dashboard/login/github/callback`;

let dir: string;
let db: Db;
let github: GitHubSimulator;
/** The app needs a model provider to start; nothing here asks it anything. */
let llm: LlmSimulator;
let simApp: SimApp;
let app: RunningApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "orchestrator-sign-in-"));
  const databasePath = join(dir, "orchestrator.db");
  github = new GitHubSimulator();
  await github.start();
  llm = new LlmSimulator({ script: {} });
  await llm.start();
  const world = github.world;
  world.addUser("octo-org", "Organization");
  world.addUser("mona");
  world.addUser("hubot");
  const credentials = createAppCredentials(APP_ID);
  simApp = world.addApp({ id: APP_ID, slug: "orchestrator-test", name: "Orchestrator (test)", owner: "octo-org", publicKey: credentials.publicKey, callbackUrls: [CALLBACK] });
  db = openDatabase(databasePath);
  const settings = readSettings({
    DATABASE_PATH: databasePath,
    APP_ID: String(APP_ID),
    ORCHESTRATOR_WORKER: "off",
    ORCHESTRATOR_RECONCILE_SECONDS: "0",
    ANTHROPIC_API_KEY: "sk-ant-simulated",
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    GHE_HOST: new URL(github.urls.api).host,
    GHE_PROTOCOL: "http",
    GITHUB_CLIENT_ID: simApp.clientId,
    GITHUB_CLIENT_SECRET: simApp.clientSecret,
    ORCHESTRATOR_DASHBOARD_USERS: "mona",
    ORCHESTRATOR_PUBLIC_URL: PUBLIC_URL,
  });
  const client = new AnthropicClient({ apiKey: "sk-ant-simulated", baseURL: llm.anthropicBaseUrl, maxRetries: 0, timeoutMs: 5_000 });
  app = await startApp({ credentials, githubBaseUrl: github.urls.api, settings, db, providers: [client] });
});

afterAll(async () => {
  await app.stop();
  await llm.stop();
  await github.stop();
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  github.world.signOut();
});

/** The browser's cookies for the app, as its Set-Cookie headers leave them. */
type Jar = Map<string, string>;

interface Visit {
  readonly status: number;
  readonly location: string | null;
  /** Names of the cookies this answer set, with their values ("" when it cleared one). */
  readonly setCookies: ReadonlyMap<string, string>;
  readonly contentType: string;
  readonly text: string;
}

/** GETs `pathOrUrl` on the app without following redirects, sending and then updating the jar's cookies. */
async function visitApp(pathOrUrl: string, jar: Jar): Promise<Visit> {
  const target = new URL(pathOrUrl, PUBLIC_URL);
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const response = await fetch(`${app.baseUrl}${target.pathname}${target.search}`, { redirect: "manual", headers: cookie === "" ? {} : { cookie } });
  const setCookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = header.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    setCookies.set(name, value);
    if (attributes.some((a) => a.trim().toLowerCase() === "max-age=0")) jar.delete(name);
    else jar.set(name, value);
  }
  return { status: response.status, location: response.headers.get("location"), setCookies, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

/** The browser on GitHub's side: opens the authorize page and returns where GitHub sends it. */
async function visitGitHub(url: string): Promise<{ status: number; location: string | null }> {
  const response = await fetch(url, { redirect: "manual" });
  await response.text();
  return { status: response.status, location: response.headers.get("location") };
}

/** Clicks "Sign in with GitHub" as `login` and stops at GitHub's redirect to the callback. */
async function toCallback(jar: Jar, login: string): Promise<{ callback: URL; state: string }> {
  const start = await visitApp("/dashboard/login/github", jar);
  const authorize = new URL(start.location ?? "");
  github.world.signInAs(login);
  const back = await visitGitHub(authorize.toString());
  if (back.status !== 302 || !back.location) throw new Error(`GitHub did not send the browser back: ${back.status}`);
  return { callback: new URL(back.location), state: authorize.searchParams.get("state") ?? "" };
}

/** A whole sign-in as `login`: the jar then holds the session, if the app gave one. */
async function signIn(jar: Jar, login: string): Promise<Visit> {
  const { callback } = await toCallback(jar, login);
  return visitApp(callback.toString(), jar);
}

function requestsSince(count: number): SimRequestRecord[] {
  return github.requests.all().slice(count);
}

describe("Sign in with GitHub", () => {
  it("walks mona from the closed dashboard through GitHub and back into the dashboard", async () => {
    const jar: Jar = new Map();
    const logged = github.requests.all().length;

    const closed = await visitApp("/dashboard", jar);
    expect(closed.status).toBe(303);
    expect(closed.location).toBe("/dashboard/login");

    const loginPage = await visitApp("/dashboard/login", jar);
    expect(loginPage.status).toBe(200);
    expect(loginPage.text).toContain('<a href="/dashboard/login/github">Sign in with GitHub</a>');

    const start = await visitApp("/dashboard/login/github", jar);
    expect(start.status).toBe(302);
    const authorize = new URL(start.location ?? "");
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${github.urls.api}/login/oauth/authorize`);
    const state = authorize.searchParams.get("state") ?? "";
    expect(Object.fromEntries(authorize.searchParams)).toEqual({ client_id: simApp.clientId, redirect_uri: CALLBACK, state, allow_signup: "false" });
    expect(state.length).toBeGreaterThanOrEqual(32);
    expect(jar.get(oauthStateCookie)).toBe(state);

    github.world.signInAs("mona");
    const authorized = await visitGitHub(authorize.toString());
    expect(authorized.status).toBe(302);
    const callback = new URL(authorized.location ?? "");
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get("state")).toBe(state);
    expect(callback.searchParams.get("code")).toMatch(/^[0-9a-f]{20}$/);

    const back = await visitApp(callback.toString(), jar);
    expect(back.status).toBe(303);
    expect(back.location).toBe("/dashboard");
    expect(back.setCookies.get(sessionCookie)).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(jar.has(oauthStateCookie)).toBe(false);

    const dashboard = await visitApp("/dashboard", jar);
    expect(dashboard.status).toBe(200);
    expect(dashboard.contentType).toContain("text/html");
    expect(dashboard.text).toContain("Tasks created since");

    const data = await visitApp("/dashboard.json", jar);
    expect(data.status).toBe(200);
    expect(data.contentType).toContain("application/json");
    expect(JSON.parse(data.text)).toMatchObject({ totals: expect.any(Object) as unknown, recentTasks: [] });

    // GitHub saw the authorize page, the app's token exchange, its GET /user and the token's
    // revocation, and nothing it would refuse.
    const seen = requestsSince(logged);
    expect(seen.map((r) => [r.operationId, r.method, r.path, r.status])).toEqual([
      [oauthAuthorizeOperation, "GET", "/login/oauth/authorize", 302],
      [oauthAccessTokenOperation, "POST", "/login/oauth/access_token", 200],
      ["users/get-authenticated", "GET", "/user", 200],
      ["apps/delete-token", "DELETE", `/applications/${simApp.clientId ?? ""}/token`, 204],
    ]);
    expect(seen.filter((r) => r.invalid !== null || r.responseIssues.length > 0)).toEqual([]);
    // The user token served its one question and no longer works.
    expect([...github.world.userTokens.values()].filter((t) => t.login === "mona")).toEqual([]);
  });

  it("refuses a GitHub login that is not in ORCHESTRATOR_DASHBOARD_USERS: 403 and no session", async () => {
    const jar: Jar = new Map();
    const answer = await signIn(jar, "hubot");
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("hubot is not allowed to see this dashboard");
    expect(answer.setCookies.has(sessionCookie)).toBe(false);
    expect(jar.has(sessionCookie)).toBe(false);
    expect((await visitApp("/dashboard", jar)).location).toBe("/dashboard/login");
  });

  it("refuses a callback whose state is forged or missing with 400, before it spends the code", async () => {
    const jar: Jar = new Map();
    const { callback, state } = await toCallback(jar, "mona");
    const logged = github.requests.all().length;

    const forged = new URL(callback);
    forged.searchParams.set("state", `${state}x`);
    const withForgedState = await visitApp(forged.toString(), jar);
    expect(withForgedState.status).toBe(400);

    const noState = new URL(callback);
    noState.searchParams.delete("state");
    expect((await visitApp(noState.toString(), jar)).status).toBe(400);

    // A callback in a browser that never started the sign-in: no state cookie.
    const stranger: Jar = new Map();
    expect((await visitApp(callback.toString(), stranger)).status).toBe(400);
    expect(stranger.has(sessionCookie)).toBe(false);
    expect(jar.has(sessionCookie)).toBe(false);

    expect(requestsSince(logged)).toEqual([]);
    // The code is still good: the browser that started the sign-in finishes it.
    expect((await visitApp(callback.toString(), jar)).status).toBe(303);
    expect(jar.has(sessionCookie)).toBe(true);
  });

  it("refuses a code used a second time: GitHub says bad_verification_code and the app 401", async () => {
    const jar: Jar = new Map();
    const { callback } = await toCallback(jar, "mona");
    const stateCookie = jar.get(oauthStateCookie) ?? "";
    expect((await visitApp(callback.toString(), jar)).status).toBe(303);

    // The same callback again, state cookie and all, as a replayed or leaked URL would be.
    const replay: Jar = new Map([[oauthStateCookie, stateCookie]]);
    const logged = github.requests.all().length;
    const again = await visitApp(callback.toString(), replay);
    expect(again.status).toBe(401);
    expect(again.text).toContain("The sign-in expired or was used already");
    expect(again.setCookies.has(sessionCookie)).toBe(false);
    const exchanges = requestsSince(logged);
    expect(exchanges.map((r) => [r.operationId, r.status])).toEqual([[oauthAccessTokenOperation, 200]]);
    expect(exchanges[0]?.invalid).toMatch(/^bad_verification_code/);
  });

  it("refuses a session cookie with one character changed", async () => {
    const jar: Jar = new Map();
    expect((await signIn(jar, "mona")).status).toBe(303);
    const session = jar.get(sessionCookie) ?? "";
    expect((await visitApp("/dashboard.json", new Map([[sessionCookie, session]]))).status).toBe(200);

    const dot = session.indexOf(".");
    const flip = (at: number): string => `${session.slice(0, at)}${session[at] === "A" ? "B" : "A"}${session.slice(at + 1)}`;
    for (const tampered of [flip(Math.floor(dot / 2)), flip(dot + 1)]) {
      expect(tampered).not.toBe(session);
      const json = await visitApp("/dashboard.json", new Map([[sessionCookie, tampered]]));
      expect(json.status).toBe(401);
      const page = await visitApp("/dashboard", new Map([[sessionCookie, tampered]]));
      expect(page.status).toBe(303);
      expect(page.location).toBe("/dashboard/login");
    }
  });

  it("gives no session to a person who cancels on GitHub", async () => {
    const jar: Jar = new Map();
    const start = await visitApp("/dashboard/login/github", jar);
    github.world.signInAs("mona", { authorizes: false });
    const back = await visitGitHub(start.location ?? "");
    expect(new URL(back.location ?? "").searchParams.get("error")).toBe("access_denied");
    const answer = await visitApp(back.location ?? "", jar);
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("The sign-in was cancelled on GitHub.");
    expect(jar.has(sessionCookie)).toBe(false);
    // The state is spent: the same callback cannot be replayed.
    expect(jar.has(oauthStateCookie)).toBe(false);
  });
});
