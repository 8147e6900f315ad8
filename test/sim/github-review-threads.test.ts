import { readyForReviewMutation, reviewThreadsQuery } from "../../src/github/graphql-requests.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { SimPull } from "../../src/sim/github/sim-model.js";
import type { StartedGitHub } from "./started-github.js";
import { OWNER, REPO, startGitHub } from "./started-github.js";

/*
 * Draft pull requests, review threads and the GraphQL endpoint as the app meets them: Octokit over
 * HTTP against a started simulator, with every webhook delivered to an endpoint and checked against
 * @octokit/webhooks-schemas, and every REST response checked against GitHub's OpenAPI description.
 */

const v = (n: number, value: number = n): string => `export const v${n} = ${value};\n`;
const lines = (change: Readonly<Record<number, string>> = {}): string => Array.from({ length: 20 }, (_, i) => change[i + 1] ?? v(i + 1)).join("");
/** The pull request changes lines 3 and 17 of src/calc.js: two hunks, lines 1-6 and 14-20. */
const HEAD_CALC = lines({ 3: v(3, 30), 17: v(17, 170) });

/** GitHub's answer about review threads, read as the app reads it. */
const THREADS_QUERY = reviewThreadsQuery;
const READY_MUTATION = readyForReviewMutation;

interface Thread {
  id: string;
  isResolved: boolean;
  isOutdated: boolean;
  path: string;
  line: number | null;
  comments: { nodes: { databaseId: number; body: string; author: { login: string } | null }[] };
}

let gh: StartedGitHub;
let pull: SimPull;

beforeEach(async () => {
  gh = await startGitHub({ "README.md": "# calculator\n", "src/calc.js": lines() });
  gh.commit("feature", gh.repo.git.refs.get("refs/heads/main") ?? "", { "src/calc.js": HEAD_CALC });
  const { data } = await gh.octokit.rest.pulls.create({ owner: OWNER, repo: REPO, head: "feature", base: "main", title: "Tune the constants", draft: true });
  const created = gh.repo.pulls.get(data.number);
  if (!created) throw new Error("the pull request was not recorded");
  pull = created;
});

afterEach(async () => {
  await gh.webhooks.idle();
  expect(gh.webhooks.deliveries().flatMap((d) => d.payloadIssues)).toEqual([]);
  expect(gh.sim.requests.all().flatMap((r) => r.responseIssues)).toEqual([]);
  await gh.stop();
});

async function threads(): Promise<Thread[]> {
  const data = await gh.octokit.graphql<{ repository: { pullRequest: { reviewThreads: { nodes: Thread[] } } } }>(THREADS_QUERY, { owner: OWNER, name: REPO, number: pull.number });
  return data.repository.pullRequest.reviewThreads.nodes;
}

/** What Octokit throws: a GraphqlResponseError for GraphQL errors, a RequestError for an HTTP error status. */
const graphqlResponseError = z.object({ name: z.literal("GraphqlResponseError"), errors: z.array(z.object({ type: z.string(), message: z.string() })) });
const requestError = z.object({ name: z.literal("HttpError"), status: z.number(), response: z.object({ data: z.object({ errors: z.unknown() }).partial() }) });

async function rejection(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => {
      throw new Error("expected the request to be refused");
    },
    (e: unknown) => e,
  );
}

/** The GraphQL errors a request is answered with (HTTP 200, as GitHub sends them). */
async function graphqlErrors(query: string, variables: Record<string, unknown>): Promise<{ type: string; message: string }[]> {
  return graphqlResponseError.parse(await rejection(gh.octokit.graphql(query, variables))).errors.map((e) => ({ type: e.type, message: e.message }));
}

/** The HTTP status and `errors` of a refused REST request. */
async function refusal(request: Promise<unknown>): Promise<{ status: number; errors: unknown }> {
  const error = requestError.parse(await rejection(request));
  return { status: error.status, errors: error.response.data.errors };
}

describe("draft pull requests", () => {
  it("opens a draft whose node_id GraphQL marks ready for review, delivered as pull_request.ready_for_review", async () => {
    const { data: draft } = await gh.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: pull.number });
    expect(draft).toMatchObject({ draft: true, mergeable_state: "draft" });

    const answer = await gh.octokit.graphql<{ markPullRequestReadyForReview: { pullRequest: { number: number; isDraft: boolean } } }>(READY_MUTATION, { id: draft.node_id });
    expect(answer.markPullRequestReadyForReview.pullRequest).toEqual({ number: pull.number, isDraft: false });

    const { data: ready } = await gh.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: pull.number });
    expect(ready).toMatchObject({ draft: false, node_id: draft.node_id });
    await gh.webhooks.idle();
    expect(gh.events()).toEqual(["pull_request.opened", "pull_request.ready_for_review"]);
    expect(gh.received.at(-1)?.payload).toMatchObject({ number: pull.number, pull_request: { draft: false, node_id: draft.node_id }, sender: { login: "orchestrator-test[bot]" } });
  });

  it("marks a pull request that is already ready again without complaint and without a webhook", async () => {
    const id = (await gh.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: pull.number })).data.node_id;
    await gh.octokit.graphql(READY_MUTATION, { id });
    const again = await gh.octokit.graphql<{ markPullRequestReadyForReview: { pullRequest: { isDraft: boolean } } }>(READY_MUTATION, { id });
    expect(again.markPullRequestReadyForReview.pullRequest.isDraft).toBe(false);
    await gh.webhooks.idle();
    expect(gh.events().filter((e) => e === "pull_request.ready_for_review")).toHaveLength(1);
  });

  it("refuses to mark a closed pull request ready, with a GraphQL error", async () => {
    const id = (await gh.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: pull.number })).data.node_id;
    gh.people.close(gh.repo, pull.number, "mona", false);
    expect(await graphqlErrors(READY_MUTATION, { id })).toEqual([{ type: "UNPROCESSABLE", message: `Pull request #${pull.number} is closed and cannot be marked ready for review.` }]);
    expect(pull.draft).toBe(true);
    expect(gh.sim.requests.all().at(-1)).toMatchObject({ operationId: "graphql/markPullRequestReadyForReview", status: 200, invalid: expect.stringContaining("is closed") as unknown });
  });

  it("refuses a node id it never issued", async () => {
    expect(await graphqlErrors(READY_MUTATION, { id: "PR_kwDOnot-ours" })).toEqual([{ type: "NOT_FOUND", message: "Could not resolve to a node with the global id of 'PR_kwDOnot-ours'." }]);
  });
});

describe("the GraphQL endpoint refuses what it does not serve, loudly", () => {
  async function post(body: unknown, auth: string | null = `token ${gh.token}`): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${gh.sim.urls.api}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(auth === null ? {} : { authorization: auth }) }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }

  it("answers a field outside the simulator's schema with HTTP 200 and an error naming it", async () => {
    const answer = await post({ query: `{ repository(owner: "${OWNER}", name: "${REPO}") { mergeCommitAllowed } }` });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      errors: [
        {
          type: "INVALID_QUERY",
          locations: [{ line: 1, column: 55 }],
          message: "Field 'mergeCommitAllowed' doesn't exist on type 'Repository' (the GitHub simulator serves part of GitHub's GraphQL schema: src/sim/github/graphql/graphql-schema.ts)",
        },
      ],
    });
    expect(gh.sim.requests.stats().invalidRequests).toBe(1);
  });

  it("answers a document that does not parse, and a body without a query", async () => {
    expect((await post({ query: "{ repository(" })).body).toMatchObject({ errors: [{ type: "INVALID_QUERY", message: expect.stringContaining("Syntax Error") as unknown }] });
    expect((await post({ variables: {} })).body).toEqual({ errors: [{ type: "INVALID_QUERY", message: "A query attribute must be specified and must be a string." }] });
  });

  it("asks for a page size on every connection, and at most 100", async () => {
    const query = (page: string): string => `query($number: Int!) { repository(owner: "${OWNER}", name: "${REPO}") { pullRequest(number: $number) { reviewThreads${page} { totalCount } } } }`;
    expect(await graphqlErrors(query(""), { number: pull.number })).toEqual([
      { type: "MISSING_PAGINATION_BOUNDARIES", message: "You must provide a `first` or `last` value to properly paginate the `reviewThreads` connection." },
    ]);
    expect(await graphqlErrors(query("(first: 101)"), { number: pull.number })).toEqual([
      { type: "EXCESSIVE_PAGINATION", message: "Requesting 101 records on the `reviewThreads` connection exceeds the `first` limit of 100 records." },
    ]);
  });

  it("answers 401 without an installation token, and NOT_FOUND for a repository the installation cannot see", async () => {
    expect((await post({ query: "{ repository(owner: \"a\", name: \"b\") { id } }" }, null)).status).toBe(401);
    expect((await post({ query: "{ repository(owner: \"a\", name: \"b\") { id } }" }, "token ghs_never-issued")).status).toBe(401);
    gh.sim.world.addUser("other-org", "Organization");
    gh.sim.world.addRepo("other-org", "secret", new Map([["SECRET.md", Buffer.from("hush\n")]]), { private: true });
    expect(await post({ query: "{ repository(owner: \"other-org\", name: \"secret\") { id } }" })).toEqual({
      status: 200,
      body: { data: { repository: null }, errors: [{ type: "NOT_FOUND", path: ["repository"], locations: [{ line: 1, column: 3 }], message: "Could not resolve to a Repository with the name 'other-org/secret'." }] },
    });
  });
});

describe("review comments as threads", () => {
  it("turns a person's review with line comments into threads the app reads over REST and GraphQL", async () => {
    const review = gh.people.review(gh.repo, pull.number, "hubot", "request_changes", "Two things.", [
      { path: "src/calc.js", line: 3, body: "Why 30?" },
      { path: "src/calc.js", line: 17, body: "And 170?" },
    ]);

    const { data: comments } = await gh.octokit.rest.pulls.listReviewComments({ owner: OWNER, repo: REPO, pull_number: pull.number });
    expect(comments.map((c) => [c.path, c.line, c.body, c.pull_request_review_id, c.in_reply_to_id])).toEqual([
      ["src/calc.js", 3, "Why 30?", review.id, undefined],
      ["src/calc.js", 17, "And 170?", review.id, undefined],
    ]);
    const [first] = comments;
    expect(first?.diff_hunk).toBe("@@ -1,6 +1,6 @@\n export const v1 = 1;\n export const v2 = 2;\n-export const v3 = 3;\n+export const v3 = 30;");
    expect(first?.position).toBe(4);
    const { data: one } = await gh.octokit.rest.pulls.getReviewComment({ owner: OWNER, repo: REPO, comment_id: first?.id ?? 0 });
    expect(one.body).toBe("Why 30?");
    const { data: ofReview } = await gh.octokit.rest.pulls.listCommentsForReview({ owner: OWNER, repo: REPO, pull_number: pull.number, review_id: review.id });
    expect(ofReview.map((c) => c.id)).toEqual(comments.map((c) => c.id));

    expect(await threads()).toEqual([
      { id: expect.any(String) as unknown, isResolved: false, isOutdated: false, path: "src/calc.js", line: 3, comments: { nodes: [{ databaseId: first?.id, body: "Why 30?", author: { login: "hubot" } }] } },
      { id: expect.any(String) as unknown, isResolved: false, isOutdated: false, path: "src/calc.js", line: 17, comments: { nodes: [{ databaseId: comments[1]?.id, body: "And 170?", author: { login: "hubot" } }] } },
    ]);
    await gh.webhooks.idle();
    expect(gh.events()).toEqual(["pull_request.opened", "pull_request_review_comment.created", "pull_request_review_comment.created", "pull_request_review.submitted"]);
    expect(gh.received[1]?.payload).toMatchObject({ comment: { id: first?.id, path: "src/calc.js", line: 3, user: { login: "hubot" } }, pull_request: { number: pull.number } });
  });

  it("lets the app reply to a thread's top comment, refuses a reply to a reply (422) and a comment of another pull request (404)", async () => {
    gh.people.review(gh.repo, pull.number, "hubot", "request_changes", "", [{ path: "src/calc.js", line: 3, body: "Why 30?" }]);
    const [top] = [...gh.repo.reviewComments.values()];
    if (!top) throw new Error("no review comment");
    const { data: reply } = await gh.octokit.rest.pulls.createReplyForReviewComment({ owner: OWNER, repo: REPO, pull_number: pull.number, comment_id: top.id, body: "It was asked for in #1." });
    expect(reply).toMatchObject({ in_reply_to_id: top.id, path: "src/calc.js", line: 3, diff_hunk: top.diffHunk, user: { login: "orchestrator-test[bot]" } });

    const [thread] = await threads();
    // GraphQL names a bot by its app's slug; REST adds "[bot]".
    expect(thread?.comments.nodes.map((c) => [c.databaseId, c.author?.login])).toEqual([
      [top.id, "hubot"],
      [reply.id, "orchestrator-test"],
    ]);
    expect((await refusal(gh.octokit.rest.pulls.createReplyForReviewComment({ owner: OWNER, repo: REPO, pull_number: pull.number, comment_id: reply.id, body: "Me again." }))).status).toBe(422);

    gh.commit("other", gh.repo.git.refs.get("refs/heads/main") ?? "", { "README.md": "# calc\n" });
    const { data: other } = await gh.octokit.rest.pulls.create({ owner: OWNER, repo: REPO, head: "other", base: "main", title: "Readme" });
    expect((await refusal(gh.octokit.rest.pulls.createReplyForReviewComment({ owner: OWNER, repo: REPO, pull_number: other.number, comment_id: top.id, body: "Wrong place." }))).status).toBe(404);
    expect(gh.repo.reviewComments.size).toBe(2);
    await gh.webhooks.idle();
    // A reply made outside a pending review is a review of its own on GitHub: both events arrive.
    expect(gh.events().filter((e) => e.startsWith("pull_request_review"))).toEqual([
      "pull_request_review_comment.created",
      "pull_request_review.submitted",
      "pull_request_review_comment.created",
      "pull_request_review.submitted",
    ]);
  });

  it("lets the app review its own pull request with line comments, by line or by diff position, and refuses lines outside the diff (422)", async () => {
    const { data: review } = await gh.octokit.rest.pulls.createReview({
      owner: OWNER,
      repo: REPO,
      pull_number: pull.number,
      event: "COMMENT",
      body: "Notes for the reviewer.",
      comments: [
        { path: "src/calc.js", line: 17, body: "Changed on purpose." },
        { path: "src/calc.js", position: 4, body: "This one too." },
      ],
    });
    const { data: comments } = await gh.octokit.rest.pulls.listCommentsForReview({ owner: OWNER, repo: REPO, pull_number: pull.number, review_id: review.id });
    expect(comments.map((c) => [c.line, c.position, c.body])).toEqual([
      [17, 13, "Changed on purpose."],
      [3, 4, "This one too."],
    ]);

    const refused = (comment: { path: string; line: number; body: string }) =>
      refusal(gh.octokit.rest.pulls.createReview({ owner: OWNER, repo: REPO, pull_number: pull.number, event: "COMMENT", comments: [comment] }));
    expect(await refused({ path: "src/calc.js", line: 10, body: "Unchanged line" })).toEqual({ status: 422, errors: ["Pull request review thread line must be part of the diff"] });
    expect(await refused({ path: "README.md", line: 1, body: "Unchanged file" })).toEqual({ status: 422, errors: ["Path could not be resolved"] });
    expect(gh.repo.reviewComments.size).toBe(2);
  });

  it("refuses a person's comment on a line outside the diff", () => {
    expect(() => gh.people.review(gh.repo, pull.number, "hubot", "comment", "", [{ path: "src/calc.js", line: 10, body: "?" }])).toThrow(/must be part of the diff/);
    expect(gh.repo.reviews.size).toBe(0);
  });

  it("reports a resolved thread as resolved, and a thread whose line a later push changed as outdated", async () => {
    gh.people.review(gh.repo, pull.number, "hubot", "request_changes", "", [
      { path: "src/calc.js", line: 3, body: "Why 30?" },
      { path: "src/calc.js", line: 17, body: "And 170?" },
    ]);
    const [onThree, onSeventeen] = [...gh.repo.reviewComments.values()];
    gh.people.resolveThread(gh.repo, onSeventeen?.id ?? 0);
    expect(() => { gh.people.resolveThread(gh.repo, onSeventeen?.id ?? 0); }).toThrow(/already resolved/);

    // The fix rewrites line 3 as two lines; line 17 moves to 18 untouched.
    const fixed = gh.commit("feature", pull.headSha, { "src/calc.js": lines({ 3: `${v(3, 33)}export const v3b = 3;\n`, 17: v(17, 170) }) });
    // The simulator does not move a pull request's head on a push; the test moves it as GitHub would.
    pull.headSha = fixed;

    expect((await threads()).map((t) => [t.comments.nodes[0]?.databaseId, t.isResolved, t.isOutdated, t.line])).toEqual([
      [onThree?.id, false, true, null],
      [onSeventeen?.id, true, false, 18],
    ]);
  });
});
