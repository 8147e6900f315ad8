import { repoConfigSchema } from "../../config/repo-config.js";
import { changeSetSchema } from "../../engine/change-set.js";
import type { ModelCall } from "../../store/model-calls.js";
import { listModelCalls } from "../../store/model-calls.js";
import { loadArtifact } from "../../store/task-artifacts.js";
import type { Db } from "../../store/open-database.js";
import { listTaskEvents } from "../../store/task-events.js";
import { listTasks } from "../../store/tasks.js";
import type { GitHubSimulator } from "../github/github-simulator.js";
import type { SimRepo } from "../github/sim-model.js";
import type { WebhookDispatcher } from "../github/webhook-dispatcher.js";
import type { LlmSimulator } from "../llm/llm-simulator.js";
import type { Scenario } from "./scenario-schema.js";

/** Operations that write a pull request's content and open it: the cost of one PR in REST calls. */
const prCreationOperations = new Set(["git/create-blob", "git/create-tree", "git/create-commit", "git/create-ref", "git/update-ref", "pulls/create"]);

export interface ScenarioResult {
  readonly scenario: string;
  readonly tasksCreated: number;
  readonly task: {
    id: number;
    state: string;
    issue: number;
    pr: number | null;
    prUrl: string | null;
    prFiles: string[];
    failure: string | null;
    /** Review rounds: plans reviewed, and changes reviewed. */
    rounds: { plan: number; codeReview: number };
    /** Edits refused by the path policy or the workspace's guards, as told to the model. */
    refusals: string[];
    /** Commits made to fix red CI. */
    fixAttempts: number;
    /** Revisions made after a person requested changes on the pull request. */
    revisions: number;
  } | null;
  readonly github: {
    requests: number;
    downloads: number;
    byOperation: Record<string, number>;
    invalidRequests: number;
    invalidResponses: number;
    prCreationCalls: number;
    issueComments: number;
    /** Objects made twice that should exist once: progress comments per task, pull requests per branch, dashboards per task. */
    duplicateSideEffects: number;
    /** Replies posted to review threads. */
    threadReplies: number;
  };
  readonly llm: {
    calls: number;
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    costUsd: number;
    byRole: Record<string, { calls: number; costUsd: number }>;
    /** Calls per provider, failed ones included: a provider that only failed still shows. */
    byProvider: Record<string, { calls: number; failed: number; costUsd: number }>;
    /** Review calls made by a model that wrote (part of) what was reviewed. */
    crossReviewViolations: number;
    /** Identical requests the providers answered more than once: paid twice. */
    duplicateCalls: number;
    leaks: number;
    simulatorRequests: number;
    unmatched: number;
  };
  readonly budget: { capUsd: number | null; spentUsd: number };
  readonly webhooks: { deliveries: number; failed: number; invalidPayloads: number; redeliveries: number };
  readonly events: { at: number; kind: string; from: string | null; to: string | null }[];
  /** The task's dashboard as GitHub shows it: the summary of the 'Orchestrator' check run. */
  readonly dashboard: string | null;
  readonly durationMs: number;
  readonly expectations: { passed: boolean; failures: string[] };
}

function changedFiles(repo: SimRepo, baseSha: string, headSha: string): string[] {
  const treeOf = (sha: string): string => {
    const commit = repo.git.get(sha);
    return commit?.type === "commit" ? commit.tree : "";
  };
  const base = repo.git.flatten(treeOf(baseSha));
  const head = repo.git.flatten(treeOf(headSha));
  const paths = new Set([...base.keys(), ...head.keys()]);
  return [...paths].filter((p) => base.get(p)?.sha !== head.get(p)?.sha).sort();
}

function tally<T extends { costUsd: number }>(items: readonly T[], key: (item: T) => string): Record<string, { calls: number; costUsd: number }> {
  const out: Record<string, { calls: number; costUsd: number }> = {};
  for (const item of items) {
    const entry = (out[key(item)] ??= { calls: 0, costUsd: 0 });
    entry.calls += 1;
    entry.costUsd += item.costUsd;
  }
  return out;
}

function fileAt(repo: SimRepo, commitSha: string, path: string): string | undefined {
  const commit = repo.git.get(commitSha);
  if (commit?.type !== "commit") return undefined;
  const entry = repo.git.flatten(commit.tree).get(path);
  const blob = entry ? repo.git.get(entry.sha) : undefined;
  return blob?.type === "blob" ? blob.content.toString("utf8") : undefined;
}

function tallyProviders(calls: readonly ModelCall[]): Record<string, { calls: number; failed: number; costUsd: number }> {
  const out: Record<string, { calls: number; failed: number; costUsd: number }> = {};
  for (const call of calls) {
    const entry = (out[call.provider] ??= { calls: 0, failed: 0, costUsd: 0 });
    if (call.status === "succeeded") entry.calls += 1;
    else entry.failed += 1;
    entry.costUsd += call.costUsd;
  }
  return out;
}

const reviewedBy: Record<string, string> = { plan_reviewer: "planner", code_reviewer: "implementer" };

/** A review call whose model answered an earlier call of the role that wrote what it reviews, in the same task. */
function crossReviewViolations(calls: readonly ModelCall[]): number {
  let violations = 0;
  for (const [i, call] of calls.entries()) {
    const author = reviewedBy[call.role];
    if (author === undefined) continue;
    const wrote = calls.slice(0, i).some((c) => c.taskId === call.taskId && c.role === author && c.provider === call.provider && c.model === call.model);
    if (wrote) violations += 1;
  }
  return violations;
}

/** Requests with the same body that a provider answered more than once: each extra answer was paid again. */
function duplicateAnswers(llm: LlmSimulator | undefined): number {
  const answered = new Map<string, number>();
  for (const record of llm?.records() ?? []) if (record.outcome === "replied") answered.set(record.digest, (answered.get(record.digest) ?? 0) + 1);
  return [...answered.values()].reduce((n, count) => n + count - 1, 0);
}

/** What GitHub holds twice that one task should have made once. */
function duplicateSideEffects(repo: SimRepo): number {
  const extra = (keys: readonly string[]): number => keys.length - new Set(keys).size;
  const markers = [...repo.comments.values()].flatMap((c) => /<!-- orchestrator:task=\d+ -->/.exec(c.body)?.[0] ?? []);
  const heads = [...repo.pulls.values()].map((p) => p.headRef);
  const dashboards = [...repo.checkRuns.values()].flatMap((r) => (r.externalId === null ? [] : [`${r.headSha}:${r.externalId}`]));
  return extra(markers) + extra(heads) + extra(dashboards);
}

export function collectResult(input: {
  scenario: Scenario;
  db: Db;
  github: GitHubSimulator;
  repo: SimRepo;
  issueNumber: number;
  webhooks: WebhookDispatcher;
  llm: LlmSimulator | undefined;
  durationMs: number;
}): ScenarioResult {
  const { db, github, repo } = input;
  const tasks = listTasks(db);
  // The task the scenario is about: the latest one (a restarted task replaces the one before).
  const task = tasks.at(-1);
  const pull = task?.prNumber ? repo.pulls.get(task.prNumber) : undefined;
  const allCalls = listModelCalls(db);
  const calls = allCalls.filter((c) => c.status === "succeeded");
  const taskCalls = task ? calls.filter((c) => c.taskId === task.id) : [];
  const events = task ? listTaskEvents(db, task.id) : [];
  const config = task ? repoConfigSchema.safeParse(loadArtifact(db, task.id, "config")) : undefined;
  const changes = task ? changeSetSchema.safeParse(loadArtifact(db, task.id, "changes")) : undefined;
  const stats = github.requests.stats();
  const llmStats = input.llm?.stats();
  const deliveries = input.webhooks.deliveries();
  const result: Omit<ScenarioResult, "expectations"> = {
    scenario: input.scenario.name,
    tasksCreated: tasks.length,
    task: task
      ? {
          id: task.id,
          state: task.state,
          issue: task.issueNumber,
          pr: task.prNumber,
          prUrl: task.prUrl,
          prFiles: pull ? changedFiles(repo, pull.baseSha, pull.headSha) : [],
          failure: task.failure,
          rounds: { plan: events.filter((e) => e.fromState === "plan_review").length, codeReview: events.filter((e) => e.fromState === "code_review").length },
          refusals: changes?.success ? changes.data.refusals : [],
          fixAttempts: events.filter((e) => e.kind === "ci_failed").length,
          revisions: events.filter((e) => e.kind === "request_revision").length,
        }
      : null,
    github: {
      requests: stats.requests,
      downloads: stats.downloads,
      byOperation: stats.byOperation,
      invalidRequests: stats.invalidRequests,
      invalidResponses: stats.invalidResponses,
      prCreationCalls: github.requests.all().filter((r) => r.operationId !== null && prCreationOperations.has(r.operationId) && r.invalid === null).length,
      issueComments: [...repo.comments.values()].filter((c) => c.issueNumber === input.issueNumber).length,
      duplicateSideEffects: duplicateSideEffects(repo),
      threadReplies: github.requests.all().filter((r) => r.operationId === "pulls/create-reply-for-review-comment" && r.status === 201).length,
    },
    llm: {
      calls: calls.length,
      inputTokens: calls.reduce((n, c) => n + c.inputTokens, 0),
      outputTokens: calls.reduce((n, c) => n + c.outputTokens, 0),
      cacheReadTokens: calls.reduce((n, c) => n + c.cacheReadTokens, 0),
      cacheWriteTokens: calls.reduce((n, c) => n + c.cacheWriteTokens, 0),
      costUsd: Number(calls.reduce((n, c) => n + c.costUsd, 0).toFixed(6)),
      byRole: tally(calls, (c) => c.role),
      byProvider: tallyProviders(allCalls),
      crossReviewViolations: crossReviewViolations(calls),
      duplicateCalls: duplicateAnswers(input.llm),
      leaks: llmStats?.leaks ?? 0,
      simulatorRequests: llmStats?.requests ?? 0,
      unmatched: llmStats?.unmatched ?? 0,
    },
    budget: { capUsd: config?.success ? config.data.budget.task_usd : null, spentUsd: Number(taskCalls.reduce((n, c) => n + c.costUsd, 0).toFixed(6)) },
    webhooks: {
      deliveries: deliveries.length,
      failed: deliveries.filter((d) => d.status === null || d.status >= 300).length,
      invalidPayloads: deliveries.filter((d) => d.payloadIssues.length > 0).length,
      redeliveries: deliveries.filter((d) => d.redelivery).length,
    },
    events: events.map((e) => ({ at: e.at, kind: e.kind, from: e.fromState, to: e.toState })),
    dashboard: (task?.checkRunId ? repo.checkRuns.get(task.checkRunId)?.output.summary : null) ?? null,
    durationMs: Math.round(input.durationMs),
  };
  const extra: string[] = [];
  for (const [path, text] of Object.entries(input.scenario.expect.prFileContains ?? {})) {
    const content = pull ? fileAt(repo, pull.headSha, path) : undefined;
    if (!content?.includes(text)) extra.push(`${path} at the pull request's head should contain ${JSON.stringify(text)}${content === undefined ? ", but the file is not there" : ""}`);
  }
  const comments = [...repo.comments.values()].filter((c) => c.issueNumber === input.issueNumber).map((c) => c.body);
  for (const text of input.scenario.expect.commentContains ?? []) {
    if (!comments.some((body) => body.includes(text))) extra.push(`no comment on the issue contains ${JSON.stringify(text)}`);
  }
  const replies = [...repo.reviewComments.values()].filter((c) => c.inReplyTo !== null).map((c) => c.body);
  for (const text of input.scenario.expect.threadReplyContains ?? []) {
    if (!replies.some((body) => body.includes(text))) extra.push(`no reply to a review thread contains ${JSON.stringify(text)}`);
  }
  const checked = checkExpectations(input.scenario, result);
  const failures = [...checked.failures, ...extra];
  return { ...result, expectations: { passed: failures.length === 0, failures } };
}

function checkExpectations(scenario: Scenario, result: Omit<ScenarioResult, "expectations">): { passed: boolean; failures: string[] } {
  const expect = scenario.expect;
  const failures: string[] = [];
  const check = (what: string, actual: string | number | undefined, expected: string | number | undefined): void => {
    if (expected !== undefined && actual !== expected) failures.push(`${what}: expected ${expected}, got ${actual ?? "nothing"}`);
  };
  check("task state", result.task?.state, expect.state);
  check("tasks created", result.tasksCreated, expect.tasksCreated);
  check("model calls", result.llm.calls, expect.modelCalls);
  check("issue comments", result.github.issueComments, expect.comments);
  check("invalid GitHub requests", result.github.invalidRequests, expect.invalidRequests);
  check("leaks", result.llm.leaks, expect.leaks);
  check("plan rounds", result.task?.rounds.plan, expect.rounds?.plan);
  check("code review rounds", result.task?.rounds.codeReview, expect.rounds?.codeReview);
  check("cross-review violations", result.llm.crossReviewViolations, expect.crossReviewViolations);
  check("duplicate model calls", result.llm.duplicateCalls, expect.duplicateCalls);
  check("duplicate GitHub side effects", result.github.duplicateSideEffects, expect.duplicateSideEffects);
  check("providers used", Object.keys(result.llm.byProvider).length, expect.providers);
  check("CI fix attempts", result.task?.fixAttempts, expect.fixAttempts);
  check("revisions", result.task?.revisions, expect.revisions);
  check("thread replies", result.github.threadReplies, expect.threadReplies);
  check("files in the pull request", result.task?.prFiles.length, expect.prFileCount);
  if (expect.maxFixAttempts !== undefined && (result.task?.fixAttempts ?? 0) > expect.maxFixAttempts) failures.push(`CI fix attempts: expected at most ${expect.maxFixAttempts}, got ${result.task?.fixAttempts ?? 0}`);
  if (expect.maxPrCreationCalls !== undefined && result.github.prCreationCalls > expect.maxPrCreationCalls) failures.push(`REST calls to create the pull request: expected at most ${expect.maxPrCreationCalls}, got ${result.github.prCreationCalls}`);
  for (const text of expect.failureContains ?? []) if (!result.task?.failure?.includes(text)) failures.push(`the task's failure should contain ${JSON.stringify(text)}, got ${JSON.stringify(result.task?.failure ?? null)}`);
  for (const path of expect.prFilesExclude ?? []) if (result.task?.prFiles.includes(path)) failures.push(`the pull request must not change ${path}, but it does`);
  if (result.budget.capUsd !== null && result.budget.spentUsd > result.budget.capUsd) failures.push(`spent ${result.budget.spentUsd} USD, past the cap of ${result.budget.capUsd} USD`);
  if (expect.minModelCalls !== undefined && result.llm.calls < expect.minModelCalls) failures.push(`model calls: expected at least ${expect.minModelCalls}, got ${result.llm.calls}`);
  if (result.github.invalidResponses > 0) failures.push(`the GitHub simulator gave ${result.github.invalidResponses} response(s) that GitHub's API description does not allow`);
  if (result.webhooks.invalidPayloads > 0) failures.push(`the GitHub simulator sent ${result.webhooks.invalidPayloads} webhook payload(s) that GitHub's schemas do not allow`);
  return { passed: failures.length === 0, failures };
}
