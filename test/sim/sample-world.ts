import { GitStore } from "../../src/sim/github/git-store.js";
import type { SimApp, SimCheckRun, SimInstallation, SimPermission, SimPull, SimRepo, SimUrls, SimUser } from "../../src/sim/github/sim-model.js";

/*
 * One small, fully linked GitHub world for the simulator's view and webhook tests: mona/calculator,
 * issue #1 labelled for the app, the app's PR #2 adding `sub`, reviewed by hubot and checked.
 */
export const urls: SimUrls = { api: "http://127.0.0.1:4010", web: "http://127.0.0.1:4010/web" };
export const at = "2026-01-01T00:00:00Z";
export const later = "2026-01-02T00:00:00Z";
export const CALC_V1 = "export const add = (a, b) => a + b;\n";
export const CALC_V2 = `${CALC_V1}export const sub = (a, b) => a - b;\n`;
const TEST_FILE = 'import { add } from "../src/calc.js";\nconsole.assert(add(1, 2) === 3);\n';

export interface World {
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
export function buildWorld(): World {
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
      output: { title: "Tests pass", summary: "2 of 2", text: null, annotations: [] },
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
      output: { title: null, summary: null, text: null, annotations: [] },
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
    commentReactions: new Map(),
    pulls: new Map([[2, pull]]),
    reviews: new Map([[70, { id: 70, pullNumber: 2, user: hubot, body: "Looks good", state: "APPROVED", commitId: headSha, submittedAt: later }]]),
    reviewComments: new Map(),
    resolvedThreads: new Set(),
    checkSuites: new Map([[80, { id: 80, appId: app.id, headSha, headBranch: pull.headRef, status: "in_progress", conclusion: null, createdAt: later, updatedAt: later }]]),
    checkRuns: new Map(runs.map((run) => [run.id, run])),
    nextNumber: 3,
  };
  return { mona, hubot, app, installation, repo, baseSha, headSha, pull, runs };
}
