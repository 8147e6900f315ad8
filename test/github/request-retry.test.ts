import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { AppOctokit } from "../../src/app/app-octokit.js";
import { requestRetry } from "../../src/github/request-retry.js";

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const ok: Answer = { status: 200, body: { id: 1 } };
const fail = (status: number): Answer => ({ status, body: { message: `HTTP ${status}`, documentation_url: "https://docs.github.com/rest" } });
const hiccup: Answer = { status: 200, body: { data: null, errors: [{ message: "Something went wrong while executing your query. Please include `ABCD:1234` when reporting this issue." }] } };

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A loopback GitHub that gives the scripted answers in order (the last one again once they run out), counting requests. */
async function scriptedGitHub(answers: readonly Answer[]): Promise<{ baseUrl: string; hits: () => number; arrivals: readonly number[] }> {
  let hits = 0;
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on("end", () => {
      const answer = answers[Math.min(hits, answers.length - 1)] ?? ok;
      hits += 1;
      res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, arrivals };
}

// Both with a 1 ms delay unit, so the 1, 4 and 9 units between attempts do not slow the test.
const withPluginRetry = (baseUrl: string): InstanceType<typeof ProbotOctokit> =>
  new ProbotOctokit({ baseUrl, auth: { token: "ghs_test" }, log: silent, throttle: { enabled: false }, retry: { retryAfterBaseValue: 1 } });
const FastRetryOctokit = ProbotOctokit.plugin(requestRetry({ retryAfterBaseMs: 1 })).defaults({ retry: { enabled: false } });
const withRequestRetry = (baseUrl: string): InstanceType<typeof ProbotOctokit> => new FastRetryOctokit({ baseUrl, auth: { token: "ghs_test" }, log: silent, throttle: { enabled: false } });

type Send = (octokit: InstanceType<typeof ProbotOctokit>) => Promise<unknown>;

interface Outcome {
  readonly hits: number;
  readonly result: unknown;
}

async function outcome(make: (baseUrl: string) => InstanceType<typeof ProbotOctokit>, answers: readonly Answer[], send: Send): Promise<Outcome> {
  const github = await scriptedGitHub(answers);
  const result = await send(make(github.baseUrl)).then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({
      rejected: error instanceof Error ? { name: error.name, message: error.message, status: (error as { status?: unknown }).status } : String(error),
    }),
  );
  return { hits: github.hits(), result };
}

const rest: Send = async (octokit) => (await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: "o", repo: "r", ref: "main" })).data;
const restOnce: Send = async (octokit) => (await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: "o", repo: "r", ref: "main", request: { retries: 1 } })).data;
const write: Send = async (octokit) => (await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "hi" })).data;
const graphql: Send = (octokit) => octokit.graphql("query { viewer { login } }");

describe("requestRetry", () => {
  it.each([
    ["a success", [ok], rest, 1],
    ["two server errors, then a success", [fail(502), fail(502), ok], rest, 3],
    ["server errors throughout (three retries, then the error)", [fail(500)], rest, 4],
    ["a rate limit answered 429", [fail(429), ok], rest, 2],
    ["statuses never retried: 404", [fail(404), ok], rest, 1],
    ["statuses never retried: 422 on a write", [fail(422), ok], write, 1],
    ["statuses never retried: 403", [fail(403), ok], rest, 1],
    ["a request's own retry budget (request.retries = 1)", [fail(503)], restOnce, 2],
    ["GitHub's transient GraphQL failure, then an answer", [hiccup, { status: 200, body: { data: { viewer: { login: "octocat" } } } }], graphql, 2],
    ["GitHub's transient GraphQL failure throughout", [hiccup], graphql, 4],
    ["another GraphQL error (not retried)", [{ status: 200, body: { data: null, errors: [{ message: "Field 'nope' doesn't exist" }] } }, ok], graphql, 1],
  ] as const)("retries as @octokit/plugin-retry does: %s", async (_what, answers, send, hits) => {
    const expected = await outcome(withPluginRetry, answers, send);
    const actual = await outcome(withRequestRetry, answers, send);
    expect(expected.hits).toBe(hits);
    expect(actual).toEqual(expected);
  });

  it("waits 1, 4 and 9 delay units between attempts", async () => {
    const github = await scriptedGitHub([fail(500)]);
    const octokit = new (ProbotOctokit.plugin(requestRetry({ retryAfterBaseMs: 20 })).defaults({ retry: { enabled: false } }))({
      baseUrl: github.baseUrl,
      auth: { token: "ghs_test" },
      log: silent,
      throttle: { enabled: false },
    });
    await expect(rest(octokit)).rejects.toMatchObject({ status: 500 });
    const { arrivals } = github;
    const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? at));
    expect(gaps).toHaveLength(3);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(20 * (i + 1) ** 2 - 1);
    });
  });

  it("retries a GitHub that cannot be reached as the plugin does", async () => {
    const github = await scriptedGitHub([ok]);
    const closed = github.baseUrl;
    await closers.splice(0)[0]?.();
    const fromPlugin: unknown = await rest(withPluginRetry(closed)).catch((error: unknown) => error);
    const fromOurs: unknown = await rest(withRequestRetry(closed)).catch((error: unknown) => error);
    expect(fromOurs).toMatchObject({ name: (fromPlugin as Error).name, status: (fromPlugin as { status: number }).status, message: (fromPlugin as Error).message });
  });

  it("is the app's Octokit: @octokit/plugin-retry off, requestRetry on (a 502 is retried once, not twice)", async () => {
    const github = await scriptedGitHub([fail(502), ok]);
    const octokit = new AppOctokit({ baseUrl: github.baseUrl, auth: { token: "ghs_test" }, log: silent, throttle: { enabled: false } });
    const started = performance.now();
    await expect(rest(octokit)).resolves.toEqual({ id: 1 });
    expect(github.hits()).toBe(2);
    // The first retry comes after one second, as with the plugin.
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });
});
