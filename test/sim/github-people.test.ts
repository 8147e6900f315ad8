import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { droppedDeliveryError } from "../../src/sim/github/webhook-dispatcher.js";
import type { SimIssue } from "../../src/sim/github/sim-model.js";
import type { StartedGitHub } from "./started-github.js";
import { OWNER, REPO, startGitHub } from "./started-github.js";

/*
 * What people do to issues and conversations, and deliveries GitHub loses, as the app sees them:
 * webhooks at its endpoint (checked against @octokit/webhooks-schemas) and Octokit over HTTP.
 */

let gh: StartedGitHub;
let issue: SimIssue;

beforeEach(async () => {
  gh = await startGitHub({ "README.md": "# calculator\n" });
  issue = gh.people.openIssue(gh.repo, "mona", "Add sub", "Please add `sub`.");
});

afterEach(async () => {
  await gh.webhooks.idle();
  expect(gh.webhooks.deliveries().flatMap((d) => d.payloadIssues)).toEqual([]);
  expect(gh.sim.requests.all().flatMap((r) => r.responseIssues)).toEqual([]);
  await gh.stop();
});

async function openPullRequest(): Promise<number> {
  gh.commit("feature", gh.repo.git.refs.get("refs/heads/main") ?? "", { "src/calc.js": "export const sub = (a, b) => a - b;\n" });
  const { data } = await gh.octokit.rest.pulls.create({ owner: OWNER, repo: REPO, head: "feature", base: "main", title: "Add sub" });
  return data.number;
}

describe("people edit issues", () => {
  it("delivers issues.edited with the previous title and body under changes", async () => {
    gh.people.editIssue(gh.repo, issue.number, "mona", { title: "Add sub and mul", body: "Please add `sub` and `mul`." });
    await gh.webhooks.idle();
    expect(gh.received.at(-1)).toMatchObject({
      event: "issues",
      payload: { action: "edited", changes: { title: { from: "Add sub" }, body: { from: "Please add `sub`." } }, issue: { title: "Add sub and mul" }, sender: { login: "mona" } },
    });
  });

  it("names only the fields that changed, and refuses an edit that changes nothing", async () => {
    gh.people.editIssue(gh.repo, issue.number, "mona", { title: "Add sub", body: "Only `sub`." });
    await gh.webhooks.idle();
    expect(gh.received.at(-1)?.payload.changes).toEqual({ body: { from: "Please add `sub`." } });
    expect(() => gh.people.editIssue(gh.repo, issue.number, "mona", { body: "Only `sub`." })).toThrow(/changes nothing/);
  });
});

describe("people comment on issues and pull requests", () => {
  it("delivers issue_comment.created for an issue, and for a pull request's conversation with issue.pull_request", async () => {
    const number = await openPullRequest();
    gh.people.comment(gh.repo, issue.number, "mona", "Any news?");
    gh.people.comment(gh.repo, number, "hubot", "Please add a test.");
    await gh.webhooks.idle();
    const comments = gh.received.filter((r) => r.event === "issue_comment").map((r) => r.payload);
    expect(comments).toMatchObject([
      { action: "created", issue: { number: issue.number }, comment: { body: "Any news?", user: { login: "mona" } } },
      { action: "created", issue: { number, pull_request: { url: expect.stringContaining(`/pulls/${number}`) as unknown } }, comment: { body: "Please add a test." } },
    ]);
    expect(comments[0]?.issue).not.toHaveProperty("pull_request");
    const { data } = await gh.octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: number });
    expect(data.map((c) => c.body)).toEqual(["Please add a test."]);
  });

  it("records the app's reaction on a comment: 201 the first time, 200 with the same reaction after", async () => {
    const comment = gh.people.comment(gh.repo, issue.number, "mona", "Go!");
    const first = await gh.octokit.rest.reactions.createForIssueComment({ owner: OWNER, repo: REPO, comment_id: comment.id, content: "eyes" });
    const again = await gh.octokit.rest.reactions.createForIssueComment({ owner: OWNER, repo: REPO, comment_id: comment.id, content: "eyes" });
    const other = await gh.octokit.rest.reactions.createForIssueComment({ owner: OWNER, repo: REPO, comment_id: comment.id, content: "rocket" });
    expect([first.status, again.status, other.status]).toEqual([201, 200, 201]);
    expect(again.data).toEqual(first.data);
    expect(first.data).toMatchObject({ content: "eyes", user: { login: "orchestrator-test[bot]" } });
    const { data } = await gh.octokit.rest.issues.getComment({ owner: OWNER, repo: REPO, comment_id: comment.id });
    expect(data.reactions).toMatchObject({ total_count: 2, eyes: 1, rocket: 1, "+1": 0 });
  });

  it("refuses a reaction GitHub does not have (422)", async () => {
    const comment = gh.people.comment(gh.repo, issue.number, "mona", "Go!");
    const answer = await fetch(`${gh.sim.urls.api}/repos/${OWNER}/${REPO}/issues/comments/${comment.id}/reactions`, {
      method: "POST",
      headers: { authorization: `token ${gh.token}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "thumbsup" }),
    });
    expect(answer.status).toBe(422);
    expect(gh.repo.commentReactions.get(comment.id)).toBeUndefined();
  });
});

describe("lost deliveries", () => {
  it("drops the next matching delivery, records it as failed, and delivers everything else", async () => {
    gh.webhooks.dropNext("issue_comment", "created");
    gh.people.comment(gh.repo, issue.number, "mona", "Lost");
    gh.people.label(gh.repo, issue.number, "mona", "orchestrator");
    gh.people.comment(gh.repo, issue.number, "mona", "Arrives");
    await gh.webhooks.idle();
    expect(gh.events()).toEqual(["issues.labeled", "issue_comment.created"]);
    expect(gh.received.at(-1)?.payload).toMatchObject({ comment: { body: "Arrives" } });
    expect(gh.webhooks.deliveries().map((d) => [d.event, d.action, d.status, d.error])).toEqual([
      ["issue_comment", "created", null, droppedDeliveryError],
      ["issues", "labeled", 200, null],
      ["issue_comment", "created", 200, null],
    ]);
  });

  it("drops as many as asked, of any action when none is named, and a redelivery still arrives", async () => {
    gh.webhooks.dropNext("issues", undefined, 2);
    gh.people.label(gh.repo, issue.number, "mona", "orchestrator");
    gh.people.unlabel(gh.repo, issue.number, "mona", "orchestrator");
    gh.people.closeIssue(gh.repo, issue.number, "mona");
    await gh.webhooks.idle();
    expect(gh.events()).toEqual(["issues.closed"]);
    const [lost] = gh.webhooks.deliveries();
    await gh.webhooks.redeliver(lost?.id ?? "");
    expect(gh.events()).toEqual(["issues.closed", "issues.labeled"]);
    expect(gh.webhooks.deliveries().at(-1)).toMatchObject({ id: lost?.id, status: 200, redelivery: true });
  });
});
