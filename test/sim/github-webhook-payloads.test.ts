import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { GitStore } from "../../src/sim/github/git-store.js";
import type { SimApp, SimCheckRun, SimCheckSuite, SimInstallation, SimPermission, SimPull, SimRepo, SimReview, SimUrls, SimUser } from "../../src/sim/github/sim-model.js";
import { fullRepositoryView } from "../../src/sim/github/views/index.js";
import { validateWebhookPayload } from "../../src/sim/github/webhook-schema.js";
import {
  checkRunPayload,
  checkSuitePayload,
  installationCreatedPayload,
  issueCommentCreatedPayload,
  issuesLabeledPayload,
  pullRequestPayload,
  pullRequestReviewSubmittedPayload,
} from "../../src/sim/github/webhooks/index.js";

const urls: SimUrls = { api: "http://127.0.0.1:4010", web: "http://127.0.0.1:4010/web" };
const at = "2026-01-01T00:00:00Z";
const later = "2026-01-02T00:00:00Z";
const CALC_V1 = "export const add = (a, b) => a + b;\n";
const CALC_V2 = `${CALC_V1}export const sub = (a, b) => a - b;\n`;
const TEST_FILE = 'import { add } from "../src/calc.js";\nconsole.assert(add(1, 2) === 3);\n';

interface World {
  readonly mona: SimUser;
  readonly hubot: SimUser;
  readonly app: SimApp;
  readonly installation: SimInstallation;
  readonly repo: SimRepo;
  readonly baseSha: string;
  readonly headSha: string;
  readonly pull: SimPull;
  readonly runs: readonly SimCheckRun[];
}

/** mona/calculator: issue #1 labelled for the app, the app's PR #2 adding `sub`, reviewed by hubot and checked. */
function buildWorld(): World {
  const mona: SimUser = { id: 1, login: "mona", type: "User" };
  const hubot: SimUser = { id: 2, login: "hubot", type: "User" };
  const bot: SimUser = { id: 100, login: "orchestrator[bot]", type: "Bot" };
  const app: SimApp = {
    id: 10,
    slug: "orchestrator",
    name: "Orchestrator",
    owner: mona,
    bot,
    createdAt: at,
    publicKey: null,
    permissions: { checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write" },
    events: ["check_run", "check_suite", "issue_comment", "issues", "pull_request", "pull_request_review"],
  };
  const installation: SimInstallation = { id: 20, appId: app.id, account: mona, createdAt: at };
  const git = new GitStore();
  const baseSha = git.commitFiles(new Map([["README.md", Buffer.from("# hi\n")], ["src/calc.js", Buffer.from(CALC_V1)]]), "Initial commit", {
    name: "Mona",
    email: "mona@example.com",
    date: at,
  });
  git.refs.set("refs/heads/main", baseSha);
  const headFiles = new Map([["README.md", Buffer.from("# hi\n")], ["src/calc.js", Buffer.from(CALC_V2)], ["test/calc.test.js", Buffer.from(TEST_FILE)]]);
  const headSha = git.commitFiles(headFiles, "Add sub", { name: "orchestrator[bot]", email: "orchestrator@users.noreply.github.com", date: later }, [baseSha]);
  git.refs.set("refs/heads/orchestrator/issue-1", headSha);

  const label = { id: 30, name: "orchestrator", color: "0e8a16", description: "Let the orchestrator work on it" };
  const pull: SimPull = {
    id: 60,
    number: 2,
    title: "Add sub",
    body: "Closes #1",
    user: bot,
    state: "open",
    draft: false,
    headRef: "orchestrator/issue-1",
    headSha,
    baseRef: "main",
    baseSha,
    createdAt: later,
    updatedAt: later,
    closedAt: null,
    mergedAt: null,
    mergedBy: null,
    mergeCommitSha: null,
    requestedReviewers: ["hubot"],
  };
  const runs: SimCheckRun[] = [
    {
      id: 90,
      suiteId: 80,
      appId: app.id,
      name: "orchestrator/tests",
      headSha,
      status: "completed",
      conclusion: "success",
      externalId: "task-1",
      detailsUrl: null,
      startedAt: later,
      completedAt: later,
      output: { title: "Tests pass", summary: "2 of 2", text: null, annotationsCount: 0 },
    },
    {
      id: 91,
      suiteId: 80,
      appId: app.id,
      name: "orchestrator/review",
      headSha,
      status: "in_progress",
      conclusion: null,
      externalId: null,
      detailsUrl: "https://example.com/runs/91",
      startedAt: later,
      completedAt: null,
      output: { title: null, summary: null, text: null, annotationsCount: 0 },
    },
  ];
  const repo: SimRepo = {
    id: 40,
    owner: mona,
    name: "calculator",
    defaultBranch: "main",
    private: false,
    description: "A tiny calculator",
    createdAt: at,
    pushedAt: later,
    git,
    collaborators: new Map<string, SimPermission>([["hubot", "write"]]),
    labels: new Map([[label.name, label]]),
    issues: new Map([
      [1, { id: 501, number: 1, title: "Add subtraction", body: "Please add `sub`.", user: mona, state: "open", labels: ["orchestrator"], comments: 1, createdAt: at, updatedAt: at, closedAt: null, pullRequest: false }],
      [2, { id: 502, number: 2, title: "Add sub", body: "Closes #1", user: bot, state: "open", labels: [], comments: 0, createdAt: later, updatedAt: later, closedAt: null, pullRequest: true }],
    ]),
    comments: new Map([[50, { id: 50, issueNumber: 1, body: "On it.", user: bot, createdAt: at, updatedAt: at }]]),
    pulls: new Map([[2, pull]]),
    reviews: new Map([[70, { id: 70, pullNumber: 2, user: hubot, body: "Looks good", state: "APPROVED", commitId: headSha, submittedAt: later }]]),
    checkSuites: new Map([[80, { id: 80, appId: app.id, headSha, headBranch: pull.headRef, status: "in_progress", conclusion: null, createdAt: later, updatedAt: later }]]),
    checkRuns: new Map(runs.map((run) => [run.id, run])),
    nextNumber: 3,
  };
  return { mona, hubot, app, installation, repo, baseSha, headSha, pull, runs };
}

// TESTS
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

type Build = () => Record<string, unknown>;

const deliveries: [string, string, string, Build][] = [
  ["issues", "labeled", "a labelled issue", () => issuesLabeledPayload(urls, { ...context, issue, label })],
  ["issue_comment", "created", "a comment on an issue", () => issueCommentCreatedPayload(urls, { ...botContext, issue, comment })],
  ["issue_comment", "created", "a comment on a pull request", () => issueCommentCreatedPayload(urls, { ...context, issue: pullIssue, comment: { ...comment, issueNumber: 2, user: mona } })],
  ["pull_request", "opened", "an opened pull request", () => pullRequestPayload(urls, { ...botContext, action: "opened", pull })],
  ["pull_request", "synchronize", "a pushed-to pull request", () => pullRequestPayload(urls, { ...botContext, action: "synchronize", pull, before: world.baseSha })],
  ["pull_request", "closed", "a merged pull request", () => pullRequestPayload(urls, { ...context, action: "closed", pull: merged })],
  ["pull_request", "closed", "a pull request closed unmerged", () => pullRequestPayload(urls, { ...context, action: "closed", pull: closedUnmerged })],
  ["pull_request", "ready_for_review", "a pull request out of draft", () => pullRequestPayload(urls, { ...botContext, action: "ready_for_review", pull })],
  ["pull_request_review", "submitted", "an approval", () => pullRequestReviewSubmittedPayload(urls, { ...context, sender: hubot, pull, review: reviewIn("APPROVED") })],
  ["pull_request_review", "submitted", "a change request", () => pullRequestReviewSubmittedPayload(urls, { ...context, sender: hubot, pull, review: reviewIn("CHANGES_REQUESTED") })],
  ["pull_request_review", "submitted", "a comment review", () => pullRequestReviewSubmittedPayload(urls, { ...context, sender: hubot, pull, review: reviewIn("COMMENTED") })],
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
