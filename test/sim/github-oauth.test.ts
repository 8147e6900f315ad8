import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import { oauthAccessTokenOperation, oauthAuthorizeOperation } from "../../src/sim/github/oauth/index.js";
import type { SimRequestRecord } from "../../src/sim/github/request-log.js";

/*
 * GitHub's OAuth web flow for a GitHub App, on the simulator: the authorize page, the token
 * exchange and `GET /user` with the token it gives. One simulator for the file, on a clock the tests
 * move; every response it gives must be valid against GitHub's description.
 */
let nowMs = Date.parse("2026-03-02T10:00:00Z");
const sim = new GitHubSimulator({ now: () => new Date(nowMs) });
const CALLBACK = "https://orchestrator.example/dashboard/login/github/callback";
const CLIENT_ID = "Iv23liSimulated01";
const CLIENT_SECRET = "0123456789abcdef0123456789abcdef01234567";
let installationId = 0;

beforeAll(async () => {
  await sim.start();
  const world = sim.world;
  world.addUser("octo-org", "Organization");
  world.addUser("mona");
  world.addRepo("mona", "public-notes", new Map([["README.md", Buffer.from("# notes\n")]]));
  world.addRepo("mona", "diary", new Map([["README.md", Buffer.from("# diary\n")]]), { private: true });
  const app = world.addApp({
    id: 4242,
    slug: "orchestrator-test",
    name: "Orchestrator (test)",
    owner: "octo-org",
    publicKey: null,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackUrls: [CALLBACK, "https://orchestrator.example/other-callback"],
  });
  installationId = world.addInstallation(app.id, "octo-org").id;
});

afterEach(() => {
  expect(sim.requests.all().flatMap((r) => r.responseIssues)).toEqual([]);
  sim.world.signOut();
});

afterAll(async () => {
  await sim.stop();
});

function lastRecord(): SimRequestRecord {
  const record = sim.requests.all().at(-1);
  if (!record) throw new Error("the simulator recorded nothing");
  return record;
}

async function openAuthorize(params: Record<string, string>): Promise<Response> {
  return fetch(`${sim.urls.api}/login/oauth/authorize?${new URLSearchParams(params).toString()}`, { redirect: "manual" });
}

/** Signs `login` in and walks the authorize page; the code handed to the callback. */
async function codeFor(login: string, redirectUri = CALLBACK): Promise<string> {
  sim.world.signInAs(login);
  const response = await openAuthorize({ client_id: CLIENT_ID, redirect_uri: redirectUri, state: "s1" });
  const code = new URL(response.headers.get("location") ?? "").searchParams.get("code");
  if (response.status !== 302 || !code) throw new Error(`no code: ${response.status}`);
  return code;
}

async function exchange(fields: Record<string, string>, options: { accept?: string; form?: boolean } = {}): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`${sim.urls.api}/login/oauth/access_token`, {
    method: "POST",
    headers: {
      ...(options.accept ? { accept: options.accept } : {}),
      "content-type": options.form ? "application/x-www-form-urlencoded" : "application/json",
    },
    body: options.form ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

async function exchangeJson(fields: Record<string, string>): Promise<Record<string, unknown>> {
  const answer = await exchange(fields, { accept: "application/json" });
  expect(answer.status).toBe(200);
  return JSON.parse(answer.text) as Record<string, unknown>;
}

const credentials = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };

async function getUser(authorization: string | undefined, path = "/user"): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.urls.api}${path}`, { headers: { accept: "application/vnd.github+json", ...(authorization ? { authorization } : {}) } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the authorize page", () => {
  it("sends a person who authorizes to the callback with a fresh code and the state as given", async () => {
    sim.world.signInAs("mona");
    const response = await openAuthorize({ client_id: CLIENT_ID, redirect_uri: CALLBACK, state: "xyz 1/2", allow_signup: "false" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get("state")).toBe("xyz 1/2");
    expect(location.searchParams.get("code")).toMatch(/^[0-9a-f]{20}$/);
    expect(lastRecord()).toMatchObject({ operationId: oauthAuthorizeOperation, method: "GET", path: "/login/oauth/authorize", status: 302, invalid: null });
  });

  it("uses the first callback URL when no redirect_uri is given", async () => {
    sim.world.signInAs("mona");
    const response = await openAuthorize({ client_id: CLIENT_ID });
    expect(response.headers.get("location")).toMatch(new RegExp(`^${CALLBACK}\\?code=[0-9a-f]{20}$`));
  });

  it("asks to sign in when nobody is, and issues no code", async () => {
    const codes = sim.world.oauthCodes.size;
    const response = await openAuthorize({ client_id: CLIENT_ID, redirect_uri: CALLBACK, state: "s" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("Sign in to GitHub to continue to Orchestrator (test)");
    expect(sim.world.oauthCodes.size).toBe(codes);
    expect(lastRecord().invalid).toBeNull();
  });

  it("sends a person who cancels back with access_denied", async () => {
    sim.world.signInAs("mona", { authorizes: false });
    const response = await openAuthorize({ client_id: CLIENT_ID, redirect_uri: CALLBACK, state: "s" });
    const location = new URL(response.headers.get("location") ?? "");
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: "access_denied", state: "s" });
    expect(location.searchParams.has("code")).toBe(false);
  });

  it("sends an unregistered redirect_uri's request back to the registered callback with redirect_uri_mismatch", async () => {
    sim.world.signInAs("mona");
    const response = await openAuthorize({ client_id: CLIENT_ID, redirect_uri: "https://evil.example/steal", state: "s" });
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: "redirect_uri_mismatch",
      error_description: "The redirect_uri MUST match the registered callback URL for this application.",
      state: "s",
    });
    expect(lastRecord().invalid).toContain("redirect_uri_mismatch");
  });

  it("answers an unknown client_id with 404", async () => {
    sim.world.signInAs("mona");
    const response = await openAuthorize({ client_id: "Iv23liNobody", redirect_uri: CALLBACK });
    expect(response.status).toBe(404);
    expect(lastRecord()).toMatchObject({ operationId: oauthAuthorizeOperation, status: 404, invalid: "no GitHub App has this client_id" });
  });
});

describe("the token exchange", () => {
  it("gives a ghu_ user token for a code, in JSON when asked, and refuses the same code again", async () => {
    const code = await codeFor("mona");
    const first = await exchangeJson({ ...credentials, code, redirect_uri: CALLBACK });
    expect(first).toEqual({
      access_token: expect.stringMatching(/^ghu_[A-Za-z0-9]{36}$/) as unknown,
      expires_in: 28800,
      refresh_token: expect.stringMatching(/^ghr_[A-Za-z0-9]{76}$/) as unknown,
      refresh_token_expires_in: 15897600,
      scope: "",
      token_type: "bearer",
    });
    expect(lastRecord()).toMatchObject({ operationId: oauthAccessTokenOperation, method: "POST", path: "/login/oauth/access_token", status: 200, invalid: null });
    const again = await exchangeJson({ ...credentials, code, redirect_uri: CALLBACK });
    expect(again).toEqual({
      error: "bad_verification_code",
      error_description: "The code passed is incorrect or expired.",
      error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code",
    });
    expect(lastRecord().invalid).toMatch(/^bad_verification_code/);
  });

  it("reads a form-encoded body and answers form-encoded without an Accept header", async () => {
    const code = await codeFor("mona");
    const answer = await exchange({ ...credentials, code }, { form: true });
    expect(answer.contentType).toContain("application/x-www-form-urlencoded");
    const fields = new URLSearchParams(answer.text);
    expect(fields.get("access_token")).toMatch(/^ghu_/);
    expect(fields.get("token_type")).toBe("bearer");
  });

  it("refuses a wrong client secret with incorrect_client_credentials and leaves the code good", async () => {
    const code = await codeFor("mona");
    expect(await exchangeJson({ client_id: CLIENT_ID, client_secret: "nope", code })).toMatchObject({ error: "incorrect_client_credentials" });
    expect(await exchangeJson({ client_id: "Iv23liNobody", client_secret: CLIENT_SECRET, code })).toMatchObject({ error: "incorrect_client_credentials" });
    expect(await exchangeJson({ ...credentials, code })).toHaveProperty("access_token");
  });

  it("refuses a redirect_uri that is not registered, or not the one the code was issued for", async () => {
    const code = await codeFor("mona");
    expect(await exchangeJson({ ...credentials, code, redirect_uri: "https://evil.example/steal" })).toMatchObject({ error: "redirect_uri_mismatch" });
    expect(await exchangeJson({ ...credentials, code, redirect_uri: "https://orchestrator.example/other-callback" })).toMatchObject({ error: "redirect_uri_mismatch" });
    expect(await exchangeJson({ ...credentials, code, redirect_uri: CALLBACK })).toHaveProperty("access_token");
  });

  it("refuses a code older than ten minutes", async () => {
    const code = await codeFor("mona");
    nowMs += 10 * 60_000 + 1000;
    expect(await exchangeJson({ ...credentials, code })).toMatchObject({ error: "bad_verification_code" });
    expect(lastRecord().invalid).toContain("older than ten minutes");
  });

  it("trades a refresh token for a new user token once, ending the old one", async () => {
    const first = await exchangeJson({ ...credentials, code: await codeFor("mona") });
    const refreshed = await exchangeJson({ ...credentials, grant_type: "refresh_token", refresh_token: String(first.refresh_token) });
    expect(refreshed.access_token).toMatch(/^ghu_/);
    expect(refreshed.access_token).not.toBe(first.access_token);
    expect((await getUser(`Bearer ${String(first.access_token)}`)).status).toBe(401);
    expect((await getUser(`Bearer ${String(refreshed.access_token)}`)).status).toBe(200);
    expect(await exchangeJson({ ...credentials, grant_type: "refresh_token", refresh_token: String(first.refresh_token) })).toMatchObject({ error: "bad_refresh_token" });
  });
});

describe("GET /user", () => {
  it("answers the person a user token speaks for, at the root and under /api/v3", async () => {
    const { access_token: token } = await exchangeJson({ ...credentials, code: await codeFor("mona") });
    const answer = await getUser(`Bearer ${String(token)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ login: "mona", type: "User", user_view_type: "public", public_repos: 1, created_at: expect.stringMatching(/Z$/) as unknown });
    expect(lastRecord()).toMatchObject({ operationId: "users/get-authenticated", status: 200, invalid: null, responseIssues: [] });
    expect((await getUser(`token ${String(token)}`, "/api/v3/user")).body).toMatchObject({ login: "mona" });
  });

  it("answers 401 Bad credentials for a token it never issued", async () => {
    const answer = await getUser("Bearer ghu_000000000000000000000000000000000000");
    expect(answer).toEqual({ status: 401, body: expect.objectContaining({ message: "Bad credentials" }) as unknown });
  });

  it("answers an expired user token with 401", async () => {
    const { access_token: token } = await exchangeJson({ ...credentials, code: await codeFor("mona") });
    nowMs += 8 * 3_600_000;
    expect((await getUser(`Bearer ${String(token)}`)).status).toBe(401);
  });

  it("refuses an installation token as GitHub does: 403 Resource not accessible by integration", async () => {
    // Issued now: the tests move the clock past an hour, an installation token's life.
    const answer = await getUser(`token ${sim.world.issueToken(installationId).token}`);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user" });
    expect(lastRecord()).toMatchObject({ operationId: "users/get-authenticated", status: 403, responseIssues: [] });
    expect(lastRecord().invalid).not.toBeNull();
  });

  it("says plainly that it does not model a user token on other routes", async () => {
    const { access_token: token } = await exchangeJson({ ...credentials, code: await codeFor("mona") });
    const response = await fetch(`${sim.urls.api}/repos/mona/public-notes`, { headers: { authorization: `Bearer ${String(token)}` } });
    expect(response.status).toBe(404);
    expect(lastRecord().invalid).toBe("The simulator does not implement repos/get for user access tokens.");
  });
});

describe("revoking a user token (DELETE /applications/{client_id}/token)", () => {
  async function revoke(token: string, auth: { id: string; secret: string } = { id: CLIENT_ID, secret: CLIENT_SECRET }, clientId = CLIENT_ID): Promise<number> {
    const response = await fetch(`${sim.urls.api}/applications/${clientId}/token`, {
      method: "DELETE",
      headers: { accept: "application/vnd.github+json", "content-type": "application/json", authorization: `Basic ${Buffer.from(`${auth.id}:${auth.secret}`).toString("base64")}` },
      body: JSON.stringify({ access_token: token }),
    });
    await response.text();
    return response.status;
  }

  it("ends the token at once for the app's own client credentials, and only for them", async () => {
    const { access_token: token } = await exchangeJson({ ...credentials, code: await codeFor("mona") });

    expect(await revoke(String(token), { id: CLIENT_ID, secret: "wrong" })).toBe(401);
    expect((await getUser(`Bearer ${String(token)}`)).status).toBe(200);
    expect(await revoke(String(token))).toBe(204);
    expect(lastRecord()).toMatchObject({ operationId: "apps/delete-token", status: 204, invalid: null });

    expect((await getUser(`Bearer ${String(token)}`)).status).toBe(401);
    expect(await revoke(String(token))).toBe(422);
    expect(await revoke(String(token), undefined, "Iv23liSomeoneElse")).toBe(404);
  });
});
