import { generateKeyPairSync, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { unpackTarball } from "../../src/context/unpack-tarball.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import type { SimRequestRecord } from "../../src/sim/github/request-log.js";
import type { SimApp, SimInstallation, SimIssue, SimRepo } from "../../src/sim/github/sim-model.js";
import { SimPeople } from "../../src/sim/github/sim-people.js";

/*
 * One simulator for the whole file: after every test, every response it gave so far must be valid
 * against GitHub's description, and every refusal provoked here must be counted as an invalid request.
 */
const sim = new GitHubSimulator();
const appKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const strangerKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });

interface World {
  readonly app: SimApp;
  readonly mine: SimInstallation;
  readonly theirs: SimInstallation;
  readonly repo: SimRepo;
  readonly secret: SimRepo;
  readonly issue: SimIssue;
  readonly token: string;
  readonly baseSha: string;
}

let world: World;

const repoFiles = new Map([
  ["README.md", Buffer.from("# calculator\n")],
  ["src/calc.js", Buffer.from("export const add = (a, b) => a + b;\n")],
  ["bin/run.sh", Buffer.from("#!/bin/sh\nnode src/calc.js\n")],
]);

beforeAll(async () => {
  await sim.start();
  const w = sim.world;
  w.addUser("octo-org", "Organization");
  w.addUser("other-org", "Organization");
  w.addUser("mona");
  const app = w.addApp({ id: 4242, slug: "orchestrator-test", name: "Orchestrator (test)", owner: "octo-org", publicKey: appKeys.publicKey });
  const mine = w.addInstallation(app.id, "octo-org");
  const theirs = w.addInstallation(app.id, "other-org");
  const repo = w.addRepo("octo-org", "calculator", repoFiles);
  const secret = w.addRepo("other-org", "secret", new Map([["SECRET.md", Buffer.from("hush\n")]]), { private: true });
  const issue = new SimPeople(sim).openIssue(repo, "mona", "Add sub", "Please add sub.");
  const baseSha = repo.git.refs.get("refs/heads/main") ?? "";
  world = { app, mine, theirs, repo, secret, issue, token: w.issueToken(mine.id).token, baseSha };
});

afterEach(() => {
  expect(sim.requests.all().flatMap((r) => r.responseIssues)).toEqual([]);
  expect(sim.requests.stats().invalidResponses).toBe(0);
});

afterAll(async () => {
  await sim.stop();
});

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
  /** What the simulator recorded for this request. */
  readonly record: SimRequestRecord;
}

/** A raw HTTP request: no client library to tidy up what we send. */
async function call(method: string, path: string, options: { body?: unknown; rawBody?: string; auth?: string | null } = {}): Promise<Answer> {
  const before = sim.requests.all().length;
  const auth = options.auth === undefined ? `token ${world.token}` : options.auth;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${sim.urls.api}${path}`, {
    method,
    redirect: "manual",
    headers: { accept: "application/vnd.github+json", ...(auth === null ? {} : { authorization: auth }), ...(payload === undefined ? {} : { "content-type": "application/json" }) },
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await response.text();
  const records = sim.requests.all().slice(before);
  expect(records).toHaveLength(1);
  const [record] = records;
  if (!record) throw new Error("the simulator recorded nothing");
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown), headers: response.headers, record };
}

/** Runs a request GitHub would refuse and checks that the simulator counted it. */
async function refused(method: string, path: string, options: Parameters<typeof call>[2] = {}): Promise<Answer> {
  const counted = sim.requests.stats().invalidRequests;
  const answer = await call(method, path, options);
  expect(answer.record.invalid).not.toBeNull();
  expect(sim.requests.stats().invalidRequests).toBe(counted + 1);
  return answer;
}

function message(answer: Answer): string {
  const body = answer.body;
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") return body.message;
  throw new Error(`no message in ${JSON.stringify(body)}`);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function appJwt(appId: number, key: KeyObject): string {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${base64url({ alg: "RS256", typ: "JWT" })}.${base64url({ iat: now - 30, exp: now + 540, iss: appId })}`;
  return `${unsigned}.${sign("RSA-SHA256", Buffer.from(unsigned), key).toString("base64url")}`;
}

const R = "/repos/octo-org/calculator";

describe("the GitHub simulator refuses requests GitHub's API description does not allow", () => {
  it("answers 422 naming the missing body of an issue comment", async () => {
    const answer = await refused("POST", `${R}/issues/${world.issue.number}/comments`, { body: {} });
    expect(answer.status).toBe(422);
    expect(message(answer)).toBe('Invalid request.\n\n"body" wasn\'t supplied.');
    expect(answer.record.operationId).toBe("issues/create-comment");
    expect(world.repo.comments.size).toBe(0);
  });

  it("answers 422 to a pull request without a head", async () => {
    const answer = await refused("POST", `${R}/pulls`, { body: { base: "main", title: "No head" } });
    expect(answer.status).toBe(422);
    expect(message(answer)).toContain('"head" wasn\'t supplied.');
    expect(world.repo.pulls.size).toBe(0);
  });

  it("answers 404 Not Found to a route GitHub does not have", async () => {
    const answer = await refused("GET", `${R}/no-such-thing`);
    expect(answer.status).toBe(404);
    expect(message(answer)).toBe("Not Found");
    expect(answer.record.operationId).toBeNull();
  });

  it("answers 422 to a query value of the wrong type", async () => {
    const answer = await refused("GET", `${R}/issues/${world.issue.number}/comments?per_page=abc`);
    expect(answer.status).toBe(422);
    expect(message(answer)).toBe("Invalid request.\n\nFor 'properties/per_page', must be integer.");
  });

  it("answers 400 to a body that is not JSON", async () => {
    const answer = await refused("POST", `${R}/issues/${world.issue.number}/comments`, { rawBody: "{ body: " });
    expect(answer.status).toBe(400);
    expect(message(answer)).toBe("Problems parsing JSON");
  });
});

describe("the GitHub simulator authenticates as GitHub does", () => {
  it("answers 401 Bad credentials to a token it never issued", async () => {
    const answer = await refused("GET", R, { auth: "token ghs_not-a-token" });
    expect(answer.status).toBe(401);
    expect(message(answer)).toBe("Bad credentials");
  });

  it("answers 401 to an app JWT signed with another key", async () => {
    const tokensBefore = sim.world.tokens.size;
    const answer = await refused("POST", `/app/installations/${world.mine.id}/access_tokens`, { auth: `Bearer ${appJwt(world.app.id, strangerKeys.privateKey)}` });
    expect(answer.status).toBe(401);
    expect(message(answer)).toBe("A JSON web token could not be decoded");
    expect(sim.world.tokens.size).toBe(tokensBefore);
  });

  it("creates an installation access token for a JWT signed with the app's key, and the token works", async () => {
    const answer = await call("POST", `/app/installations/${world.mine.id}/access_tokens`, { auth: `Bearer ${appJwt(world.app.id, appKeys.privateKey)}` });
    expect(answer.status).toBe(201);
    expect(answer.record.invalid).toBeNull();
    expect(answer.body).toMatchObject({ token: expect.stringMatching(/^ghs_/) as unknown, expires_at: expect.any(String) as unknown });
    const token = (answer.body as { token: string }).token;
    expect(sim.world.tokens.get(token)?.installationId).toBe(world.mine.id);
    const repo = await call("GET", R, { auth: `token ${token}` });
    expect(repo.status).toBe(200);
    expect(repo.body).toMatchObject({ full_name: "octo-org/calculator" });
  });

  it("hides another installation's repository from a token (404)", async () => {
    const theirs = await call("GET", "/repos/other-org/secret", { auth: `token ${sim.world.issueToken(world.theirs.id).token}` });
    expect(theirs.status).toBe(200);
    const answer = await refused("GET", "/repos/other-org/secret");
    expect(answer.status).toBe(404);
    expect(message(answer)).toBe("Not Found");
  });
});

describe("the GitHub simulator refuses what the resource does not allow", () => {
  it("refuses to create a ref that already exists", async () => {
    const answer = await refused("POST", `${R}/git/refs`, { body: { ref: "refs/heads/main", sha: world.baseSha } });
    expect(answer.status).toBe(422);
    expect(message(answer)).toBe("Reference already exists");
  });

  it("refuses a ref update that is not a fast forward unless forced", async () => {
    const author = { name: "mona", email: "mona@example.com", date: "2026-01-01T00:00:00Z" };
    const first = world.repo.git.commitFiles(new Map([["a.txt", Buffer.from("one\n")]]), "one\n", author, [world.baseSha]);
    const second = world.repo.git.commitFiles(new Map([["a.txt", Buffer.from("two\n")]]), "two\n", author, [world.baseSha]);
    const created = await call("POST", `${R}/git/refs`, { body: { ref: "refs/heads/topic", sha: first } });
    expect(created.status).toBe(201);

    const answer = await refused("PATCH", `${R}/git/refs/heads/topic`, { body: { sha: second } });
    expect(answer.status).toBe(422);
    expect(message(answer)).toBe("Update is not a fast forward");
    expect(world.repo.git.refs.get("refs/heads/topic")).toBe(first);

    const forced = await call("PATCH", `${R}/git/refs/heads/topic`, { body: { sha: second, force: true } });
    expect(forced.status).toBe(200);
    expect(world.repo.git.refs.get("refs/heads/topic")).toBe(second);
  });

  it("refuses a check run completed without a conclusion", async () => {
    const answer = await refused("POST", `${R}/check-runs`, { body: { name: "orchestrator", head_sha: world.baseSha, status: "completed" } });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ message: "Validation Failed", errors: [{ resource: "CheckRun", field: "conclusion", code: "missing_field" }] });
    expect(world.repo.checkRuns.size).toBe(0);
  });

  it("refuses check run output longer than 65,535 characters", async () => {
    const summary = "x".repeat(65_536);
    const answer = await refused("POST", `${R}/check-runs`, { body: { name: "orchestrator", head_sha: world.baseSha, output: { title: "Too long", summary } } });
    expect(answer.status).toBe(422);
    expect(message(answer)).toBe("Invalid request.\n\nFor 'properties/output/properties/summary', must NOT have more than 65535 characters.");
    expect(world.repo.checkRuns.size).toBe(0);
    const fits = await call("POST", `${R}/check-runs`, { body: { name: "orchestrator", head_sha: world.baseSha, output: { title: "Fits", summary: summary.slice(1) } } });
    expect(fits.status).toBe(201);
  });
});

describe("the GitHub simulator lists check runs as GitHub does", () => {
  it("returns only the latest run of each check by default, and every run with filter=all", async () => {
    const first = await call("POST", `${R}/check-runs`, { body: { name: "ci", head_sha: world.baseSha, status: "completed", conclusion: "failure" } });
    const rerun = await call("POST", `${R}/check-runs`, { body: { name: "ci", head_sha: world.baseSha, status: "completed", conclusion: "success" } });
    const names = (answer: Answer): [string, string][] =>
      (answer.body as { check_runs: { name: string; conclusion: string }[] }).check_runs.filter((r) => r.name === "ci").map((r) => [r.name, r.conclusion]);

    expect([first.status, rerun.status]).toEqual([201, 201]);
    expect(names(await call("GET", `${R}/commits/${world.baseSha}/check-runs`))).toEqual([["ci", "success"]]);
    expect(names(await call("GET", `${R}/commits/${world.baseSha}/check-runs?filter=all`))).toEqual([
      ["ci", "failure"],
      ["ci", "success"],
    ]);
  });
});

describe("the GitHub simulator serves repository archives", () => {
  it("redirects tarball requests to codeload, whose archive unpacks to the repository's files", async () => {
    const answer = await call("GET", `${R}/tarball/main`);
    expect(answer.status).toBe(302);
    const location = answer.headers.get("location") ?? "";
    expect(location).toBe(`${sim.urls.api}/_codeload/octo-org/calculator/legacy.tar.gz/${world.baseSha}`);
    const archive = await fetch(location);
    expect(archive.status).toBe(200);
    expect(archive.headers.get("content-type")).toBe("application/x-gzip");
    const files = await unpackTarball(new Uint8Array(await archive.arrayBuffer()));
    expect(new Map([...files].map(([path, file]) => [path, file.content]))).toEqual(new Map([...repoFiles].map(([path, content]) => [path, content.toString("utf8")])));
  });
});
