import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { SimCheckRun, SimCheckSuite, SimPull, SimReview, SimReviewComment } from "../../src/sim/github/sim-model.js";
import { fullRepositoryView } from "../../src/sim/github/views/index.js";
import { validateWebhookPayload } from "../../src/sim/github/webhook-schema.js";
import {
  checkRunPayload,
  checkSuitePayload,
  installationCreatedPayload,
  issueCommentCreatedPayload,
  issuesEditedPayload,
  issuesLabeledPayload,
  pullRequestPayload,
  pullRequestReviewCommentCreatedPayload,
  pullRequestReviewSubmittedPayload,
} from "../../src/sim/github/webhooks/index.js";
import { buildWorld, later, urls } from "./sample-world.js";

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the fixture lacks ${what}`);
  return value;
}

const world = buildWorld();
const { repo, app, installation, mona, hubot } = world;
const bot = app.bot;
const issue = required(repo.issues.get(1), "issue #1");
const pullIssue = required(repo.issues.get(2), "issue #2");
const label = required(repo.labels.get("orchestrator"), "the orchestrator label");
const comment = required(repo.comments.get(50), "comment 50");
const review = required(repo.reviews.get(70), "review 70");
const suite = required(repo.checkSuites.get(80), "suite 80");
const [doneRun, runningRun] = world.runs;
const pull = world.pull;
const merged: SimPull = { ...pull, state: "closed", closedAt: later, mergedAt: later, mergedBy: mona, mergeCommitSha: world.headSha };
const closedUnmerged: SimPull = { ...pull, state: "closed", closedAt: later };
const queuedSuite: SimCheckSuite = { ...suite, status: "queued", conclusion: null };
const completedSuite: SimCheckSuite = { ...suite, status: "completed", conclusion: "success" };
const queuedRun: SimCheckRun = { ...required(runningRun, "run 91"), status: "queued" };
const context = { repo, installation, sender: mona };
const botContext = { repo, installation, sender: bot };
const reviewIn = (state: SimReview["state"]): SimReview => ({ ...review, state });
const draft: SimPull = { ...pull, draft: true };
const lineComment: SimReviewComment = {
  id: 95,
  pullNumber: 2,
  reviewId: 70,
  user: hubot,
  path: "src/calc.js",
  line: 2,
  side: "RIGHT",
  body: "Name it `subtract`?",
  commitId: world.headSha,
  inReplyTo: null,
  diffHunk: "@@ -1 +1,2 @@\n export const add = (a, b) => a + b;\n+export const sub = (a, b) => a - b;",
  position: 2,
  createdAt: later,
  updatedAt: later,
};
const replyComment: SimReviewComment = { ...lineComment, id: 96, user: bot, body: "Kept `sub` to match `add`.", inReplyTo: 95 };

type Build = () => Record<string, unknown>;

const deliveries: [string, string, string, Build][] = [
  ["issues", "labeled", "a labelled issue", () => issuesLabeledPayload(urls, { ...context, issue, label })],
  ["issues", "edited", "an issue whose title and body were edited", () => issuesEditedPayload(urls, { ...context, issue, changes: { title: { from: "Add sub" }, body: { from: "" } } })],
  ["issue_comment", "created", "a comment on an issue", () => issueCommentCreatedPayload(urls, { ...botContext, issue, comment })],
  ["issue_comment", "created", "a comment on a pull request", () => issueCommentCreatedPayload(urls, { ...context, issue: pullIssue, comment: { ...comment, issueNumber: 2, user: mona } })],
  ["pull_request", "opened", "an opened pull request", () => pullRequestPayload(urls, { ...botContext, action: "opened", pull })],
  ["pull_request", "opened", "an opened draft", () => pullRequestPayload(urls, { ...botContext, action: "opened", pull: draft })],
  ["pull_request", "synchronize", "a pushed-to pull request", () => pullRequestPayload(urls, { ...botContext, action: "synchronize", pull, before: world.baseSha })],
  ["pull_request", "closed", "a merged pull request", () => pullRequestPayload(urls, { ...context, action: "closed", pull: merged })],
  ["pull_request", "closed", "a pull request closed unmerged", () => pullRequestPayload(urls, { ...context, action: "closed", pull: closedUnmerged })],
  ["pull_request", "ready_for_review", "a pull request out of draft", () => pullRequestPayload(urls, { ...botContext, action: "ready_for_review", pull })],
  ["pull_request_review", "submitted", "an approval", () => pullRequestReviewSubmittedPayload(urls, { ...context, sender: hubot, pull, review: reviewIn("APPROVED") })],
  ["pull_request_review", "submitted", "a change request", () => pullRequestReviewSubmittedPayload(urls, { ...context, sender: hubot, pull, review: reviewIn("CHANGES_REQUESTED") })],
  ["pull_request_review", "submitted", "a comment review", () => pullRequestReviewSubmittedPayload(urls, { ...context, sender: hubot, pull, review: reviewIn("COMMENTED") })],
  ["pull_request_review_comment", "created", "a line comment in a review", () => pullRequestReviewCommentCreatedPayload(urls, { ...context, sender: hubot, pull, comment: lineComment })],
  ["pull_request_review_comment", "created", "a reply in a thread", () => pullRequestReviewCommentCreatedPayload(urls, { ...botContext, pull, comment: replyComment })],
  ["check_suite", "requested", "a requested suite", () => checkSuitePayload(urls, { ...botContext, action: "requested", suite: queuedSuite, app, runs: [], pulls: [pull] })],
  ["check_suite", "completed", "a completed suite", () => checkSuitePayload(urls, { ...botContext, action: "completed", suite: completedSuite, app, runs: world.runs, pulls: [pull] })],
  ["check_run", "created", "a created run", () => checkRunPayload(urls, { ...botContext, action: "created", run: queuedRun, suite: queuedSuite, app, pulls: [pull] })],
  ["check_run", "completed", "a completed run", () => checkRunPayload(urls, { ...botContext, action: "completed", run: required(doneRun, "run 90"), suite, app, pulls: [] })],
  ["installation", "created", "a new installation", () => installationCreatedPayload(urls, { installation, app, repos: [repo], sender: mona })],
];

interface RecordedEvent {
  name: string;
  examples: Record<string, unknown>[];
}

const recordedEvents = createRequire(import.meta.url)("@octokit/webhooks-examples") as RecordedEvent[];

/** Recordings older than `repository.visibility` fail today's schema; the rest are today's shape. */
function currentRecordings(event: string, action: string): Record<string, unknown>[] {
  const examples = recordedEvents.find((e) => e.name === event)?.examples ?? [];
  return examples.filter((e) => e.action === action && (typeof e.repository !== "object" || e.repository === null || "visibility" in e.repository));
}

/**
 * Fields a recording has that the simulator leaves out on purpose: it has no organizations,
 * deployments or git-author-to-account mapping, and app permissions are the app's own.
 */
const OPTIONAL_IN_RECORDINGS = new Set(["organization", "requester", "deployment", "username"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Paths the recording has and the payload lacks, walking objects and first array items. */
function missingFields(ours: unknown, recorded: unknown, path = ""): string[] {
  if (Array.isArray(ours) && Array.isArray(recorded)) return ours.length > 0 && recorded.length > 0 ? missingFields(ours[0], recorded[0], `${path}[0]`) : [];
  if (!isRecord(ours) || !isRecord(recorded)) return [];
  return Object.keys(recorded).flatMap((key) => {
    if (OPTIONAL_IN_RECORDINGS.has(key) || key === "permissions") return [];
    return key in ours ? missingFields(ours[key], recorded[key], `${path}/${key}`) : [`${path}/${key}`];
  });
}

describe("webhook payloads match @octokit/webhooks-schemas", () => {
  it.each(deliveries)("%s.%s: %s", (event, _action, _what, build) => {
    expect(validateWebhookPayload(event, build())).toEqual([]);
  });
});

describe("webhook payloads are shaped like GitHub's current recordings", () => {
  it.each(deliveries)("%s.%s: %s has every field the recordings have", (event, action, _what, build) => {
    const recordings = currentRecordings(event, action);
    expect(recordings.length).toBeGreaterThan(0);
    const payload = build();
    for (const recording of recordings) expect(missingFields(payload, recording)).toEqual([]);
  });
});

describe("the schema check can fail", () => {
  it("refuses a REST full-repository in place of a webhook repository", () => {
    const payload = { ...issuesLabeledPayload(urls, { ...context, issue, label }), repository: fullRepositoryView(urls, repo) };
    expect(validateWebhookPayload("issues", payload).map((i) => i.message)).toEqual([
      "issues.labeled payload/repository/custom_properties: must have required property 'custom_properties'",
      "issues.labeled payload/repository/temp_clone_token: is not allowed (no such property)",
      "issues.labeled payload/repository/network_count: is not allowed (no such property)",
      "issues.labeled payload/repository/subscribers_count: is not allowed (no such property)",
    ]);
  });

  it("refuses a delivery without its sender", () => {
    const { sender: _sender, ...payload } = pullRequestPayload(urls, { ...botContext, action: "opened", pull });
    expect(validateWebhookPayload("pull_request", payload).map((i) => i.message)).toEqual([
      "pull_request.opened payload/sender: must have required property 'sender'",
    ]);
  });

  it("refuses an opened pull request that is already closed", () => {
    expect(validateWebhookPayload("pull_request", pullRequestPayload(urls, { ...context, action: "opened", pull: merged }))).not.toEqual([]);
  });
});

describe("what the payloads say", () => {
  it("references the installation by id and node id, and the sender as a user", () => {
    const payload = issuesLabeledPayload(urls, { ...context, issue, label });
    expect(payload.installation).toEqual({ id: installation.id, node_id: expect.any(String) as string });
    expect(payload.sender).toMatchObject({ login: "mona", id: 1, type: "User" });
    expect(payload.label).toMatchObject({ name: "orchestrator", color: "0e8a16" });
    expect(payload.repository).toMatchObject({ full_name: "mona/calculator", visibility: "public", custom_properties: {} });
  });

  it("spells review states in lower case", () => {
    const states = (["APPROVED", "CHANGES_REQUESTED", "COMMENTED"] as const).map(
      (state) => pullRequestReviewSubmittedPayload(urls, { ...context, sender: hubot, pull, review: reviewIn(state) }).review.state,
    );
    expect(states).toEqual(["approved", "changes_requested", "commented"]);
  });

  it("links a reply to its thread's top comment, and only a reply", () => {
    expect(pullRequestReviewCommentCreatedPayload(urls, { ...botContext, pull, comment: replyComment }).comment).toMatchObject({ id: 96, in_reply_to_id: 95, line: 2, side: "RIGHT" });
    expect(pullRequestReviewCommentCreatedPayload(urls, { ...context, pull, comment: lineComment }).comment).not.toHaveProperty("in_reply_to_id");
  });

  it("carries before and after only on synchronize, and insists on before", () => {
    expect(pullRequestPayload(urls, { ...botContext, action: "synchronize", pull, before: world.baseSha })).toMatchObject({ before: world.baseSha, after: world.headSha });
    expect(pullRequestPayload(urls, { ...botContext, action: "opened", pull })).not.toHaveProperty("before");
    expect(() => pullRequestPayload(urls, { ...botContext, action: "synchronize", pull })).toThrow(/needs the head before the push/);
  });

  it("reports a merged pull request as merged, with its size", () => {
    expect(pullRequestPayload(urls, { ...context, action: "closed", pull: merged }).pull_request).toMatchObject({
      state: "closed",
      merged: true,
      merged_by: { login: "mona" },
      commits: 1,
      additions: 3,
      changed_files: 2,
      head: { repo: { custom_properties: {} } },
    });
  });

  it("nests the suite in a check run delivery and lists the pull requests it was given", () => {
    const payload = checkRunPayload(urls, { ...botContext, action: "created", run: queuedRun, suite: queuedSuite, app, pulls: [pull] });
    expect(payload.check_run).toMatchObject({ status: "queued", check_suite: { id: 80, status: "queued", after: world.headSha }, pull_requests: [{ number: 2 }] });
    expect(payload.check_run.check_suite).not.toHaveProperty("head_commit");
    const completed = checkSuitePayload(urls, { ...botContext, action: "completed", suite: completedSuite, app, runs: world.runs, pulls: [] });
    expect(completed.check_suite).toMatchObject({ conclusion: "success", latest_check_runs_count: 2, pull_requests: [], head_commit: { id: world.headSha, message: "Add sub" } });
  });

  it("lists the installed repositories on installation.created", () => {
    const payload = installationCreatedPayload(urls, { installation, app, repos: [repo], sender: mona });
    expect(payload.repositories).toEqual([{ id: 40, node_id: expect.any(String) as string, name: "calculator", full_name: "mona/calculator", private: false }]);
    expect(payload.installation).toMatchObject({ id: 20, app_id: 10, account: { login: "mona" }, target_type: "User", permissions: app.permissions });
  });
});
