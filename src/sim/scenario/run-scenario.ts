import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { providersFromSettings } from "../../app/production-app.js";
import type { Settings } from "../../config/settings.js";
import { readSettings } from "../../config/settings.js";
import { isTaskState } from "../../engine/task-states.js";
import { countJobs } from "../../store/jobs.js";
import type { Db } from "../../store/open-database.js";
import { openDatabase } from "../../store/open-database.js";
import type { Task } from "../../store/tasks.js";
import { listTasks } from "../../store/tasks.js";
import { listTaskEvents } from "../../store/task-events.js";
import { CiSimulator } from "../ci/ci-simulator.js";
import { GitHubSimulator } from "../github/github-simulator.js";
import type { OpenApiValidator } from "../github/openapi/openapi-validator.js";
import { WebhookDispatcher } from "../github/webhook-dispatcher.js";
import { LlmSimulator } from "../llm/llm-simulator.js";
import { narrateCi, narrateDelivery, narrateLlm, narrateSimChange, TaskEventFollower } from "./narrate-sources.js";
import type { Narrate } from "./narrator.js";
import type { ScenarioResult } from "./scenario-result.js";
import { collectResult } from "./scenario-result.js";
import type { Scenario, ScenarioStep } from "./scenario-schema.js";
import type { ScenarioWorld } from "./scenario-world.js";
import { buildScenarioWorld } from "./scenario-world.js";
import type { AppCredentials } from "./start-app.js";
import { createAppCredentials, quietLogger, startApp } from "./start-app.js";
import type { AppHost } from "./scenario-hosts.js";
import { defaultModelFor, startChildHost, startInProcessHost } from "./scenario-hosts.js";

export interface ScenarioRunOptions {
  readonly narrate?: Narrate;
  /** Keep the SQLite file here instead of a temporary folder that is removed afterwards. */
  readonly databasePath?: string;
  /** Use the real Anthropic API (with this key) against the simulated GitHub, instead of the scripted replies. */
  readonly realAnthropicKey?: string;
  readonly model?: string;
  readonly logLevel?: string;
  /** A validator already loaded: compiling GitHub's schemas again for every run is the simulator's cost, not the app's. */
  readonly githubValidator?: OpenApiValidator;
  /** OTEL_* variables for the app's tracing SDK (e.g. an OTLP endpoint); none by default, whatever the process has. */
  readonly otelEnv?: Readonly<Record<string, string>>;
}

export class ScenarioFailure extends Error {
  override readonly name = "ScenarioFailure";
}

const appId = 4242;

export interface Running {
  readonly scenario: Scenario;
  readonly github: GitHubSimulator;
  readonly llm: LlmSimulator | undefined;
  readonly webhooks: WebhookDispatcher;
  readonly ci: CiSimulator;
  readonly world: ScenarioWorld;
  host: AppHost;
  readonly db: Db;
  readonly settings: Settings;
  readonly childEnv: Record<string, string>;
  readonly credentials: AppCredentials;
  readonly narrate: Narrate;
}

/**
 * Plays a scenario end to end in this process: the GitHub, model-provider and CI simulators on
 * loopback, the real Probot server with Orchestrator, a real SQLite file. The people in the
 * scenario act; everything else happens as it would on GitHub.
 */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const narrate: Narrate = options.narrate ?? (() => undefined);
  const tmp = mkdtempSync(join(tmpdir(), "orchestrator-scenario-"));
  const databasePath = options.databasePath ?? join(tmp, "orchestrator.db");
  const github = new GitHubSimulator(options.githubValidator ? { validator: options.githubValidator } : {});
  await github.start();
  const credentials = createAppCredentials(appId);
  const world = buildScenarioWorld(github, scenario, credentials);
  const llm = options.realAnthropicKey ? undefined : new LlmSimulator({ script: scenario.llm, onEvent: narrateLlm(narrate) });
  await llm?.start();
  const db = openDatabase(databasePath);
  const uses = (provider: string): boolean => scenario.providers.includes(provider as (typeof scenario.providers)[number]);
  const env: Record<string, string> = {
    DATABASE_PATH: databasePath,
    ORCHESTRATOR_MODEL: options.model ?? defaultModelFor(scenario),
    ORCHESTRATOR_CONTEXT_TOKENS: "60000",
    WORKER_CONCURRENCY: "4",
    // Short leases: after a crash, the killed process's job is taken up again within seconds.
    WORKER_LEASE_SECONDS: "2",
    APP_ID: String(appId),
    // Links on the dashboard point at the simulator's web pages.
    ORCHESTRATOR_GITHUB_URL: github.urls.web,
    ...scenario.settings,
    ...(uses("anthropic") || options.realAnthropicKey ? { ANTHROPIC_API_KEY: options.realAnthropicKey ?? "sk-ant-simulated" } : {}),
    ...(llm && uses("anthropic") ? { ANTHROPIC_BASE_URL: llm.anthropicBaseUrl } : {}),
    ...(llm && uses("openai") ? { OPENAI_API_KEY: "sk-simulated", OPENAI_BASE_URL: llm.openaiBaseUrl } : {}),
  };
  const settings = readSettings(env);
  const webhooks = new WebhookDispatcher(github, { onDelivery: narrateDelivery(narrate) });
  const crashes = scenario.steps.some((s) => "crash" in s);
  const childEnv = { ...env, PRIVATE_KEY: credentials.privateKey, WEBHOOK_SECRET: credentials.webhookSecret, GITHUB_API_URL: github.urls.api, LOG_LEVEL: options.logLevel ?? "silent" };
  const host = crashes
    ? await startChildHost(childEnv)
    : await startInProcessHost(
        await startApp({
          credentials,
          githubBaseUrl: github.urls.api,
          settings,
          db,
          providers: providersFromSettings(settings, { timeoutMs: llm ? 15_000 : 300_000 }),
          log: quietLogger(options.logLevel),
          workerIdleMs: 250,
          env: { ...options.otelEnv },
        }),
      );
  webhooks.connect(appId, { url: host.webhookUrl, secret: credentials.webhookSecret });
  github.onChange(narrateSimChange(narrate, world.app.bot.login));
  const ci = new CiSimulator(github, { checks: scenario.ci.checks, onEvent: narrateCi(narrate) });
  const follower = new TaskEventFollower(db, narrate);
  narrate("demo", `GitHub simulator at ${github.urls.api} · ${llm ? `model simulator at ${llm.anthropicBaseUrl} (scripted replies; providers ${scenario.providers.join(", ")})` : "real Anthropic API"} · app at ${host.webhookUrl}${crashes ? " in a child process" : ""}`);
  narrate("demo", `repository ${world.repo.owner.login}/${world.repo.name} · issue #${world.issue.number} "${world.issue.title}" ${github.urls.web}/${world.repo.owner.login}/${world.repo.name}/issues/${world.issue.number}`);

  const running: Running = { scenario, github, llm, webhooks, ci, world, host, db, settings, childEnv, credentials, narrate };
  try {
    for (const step of scenario.steps) await runStep(running, step, follower);
    await waitForQuiet(running, follower, 30_000);
    follower.poll();
    return collectResult({ scenario, db, github, repo: world.repo, issueNumber: world.issue.number, webhooks, llm, durationMs: performance.now() - started });
  } finally {
    follower.stop();
    await running.host.stop();
    await ci.idle();
    await webhooks.idle();
    await llm?.stop();
    await github.stop();
    db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function runStep(run: Running, step: ScenarioStep, follower: TaskEventFollower): Promise<void> {
  const { world } = run;
  if ("label" in step) {
    world.people.label(world.repo, world.issue.number, step.label.by, step.label.name ?? run.settings.label);
  } else if ("redeliver" in step) {
    await run.webhooks.idle();
    const { event, action } = step.redeliver;
    const last = run.webhooks.deliveries().findLast((d) => d.event === event && (action === undefined || d.action === action));
    if (!last) throw new ScenarioFailure(`redeliver: no ${event}${action ? `.${action}` : ""} webhook has been delivered yet.`);
    await run.webhooks.redeliver(last.id);
  } else if ("waitFor" in step) {
    const timeoutMs = step.waitFor.timeoutMs ?? 30_000;
    if (step.waitFor.state !== undefined) await waitForState(run, follower, step.waitFor.state, timeoutMs, step.waitFor.afterEvent);
    if (step.waitFor.quiet) await waitForQuiet(run, follower, timeoutMs);
  } else if ("review" in step) {
    world.people.review(world.repo, requirePull(run), step.review.by, step.review.event, step.review.body, step.review.comments);
  } else if ("comment" in step) {
    world.people.comment(world.repo, step.comment.on === "pr" ? requirePull(run) : world.issue.number, step.comment.by, step.comment.body);
  } else if ("editIssue" in step) {
    world.people.editIssue(world.repo, world.issue.number, step.editIssue.by, { ...(step.editIssue.title === undefined ? {} : { title: step.editIssue.title }), ...(step.editIssue.body === undefined ? {} : { body: step.editIssue.body }) });
  } else if ("dropWebhooks" in step) {
    run.webhooks.dropNext(step.dropWebhooks.event, step.dropWebhooks.action, step.dropWebhooks.count);
  } else if ("unlabel" in step) {
    world.people.unlabel(world.repo, world.issue.number, step.unlabel.by, step.unlabel.name ?? run.settings.label);
  } else if ("crash" in step) {
    await crash(run, follower, step.crash);
  } else if ("closeIssue" in step) {
    world.people.closeIssue(world.repo, world.issue.number, step.closeIssue.by);
  } else {
    world.people.close(world.repo, requirePull(run), step.close.by, step.close.merge);
  }
}

/** Waits for the moment the step names, kills the app's process with SIGKILL, and starts a new one on the same database. */
async function crash(run: Running, follower: TaskEventFollower, when: { whenHanging?: boolean | undefined; whenState?: string | undefined }): Promise<void> {
  if (when.whenState !== undefined) await waitForState(run, follower, when.whenState, 30_000);
  if (when.whenHanging) {
    const deadline = performance.now() + 30_000;
    while (!run.llm?.records().some((r) => r.outcome === "fault" && r.fault === "hang")) {
      if (performance.now() > deadline) throw new ScenarioFailure(`Waited for a model call to hang before the crash. ${diagnose(run)}`);
      await sleep(20);
    }
  }
  await run.host.kill();
  run.narrate("demo", "the app's process is killed with SIGKILL; a new one starts on the same database");
  run.host = await startChildHost(run.childEnv);
  run.webhooks.connect(run.credentials.appId, { url: run.host.webhookUrl, secret: run.credentials.webhookSecret });
}

/** The task the scenario is about: the latest one (a restarted task replaces the one before). */
function currentTask(run: Running): Task | undefined {
  return listTasks(run.db).at(-1);
}

function requirePull(run: Running): number {
  const number = currentTask(run)?.prNumber;
  if (number === undefined || number === null) throw new ScenarioFailure("There is no pull request to act on yet; wait for one first (waitFor: { state: awaiting_review }).");
  return number;
}

async function waitForState(run: Running, follower: TaskEventFollower, state: string, timeoutMs: number, afterEvent?: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    follower.poll();
    const task = currentTask(run);
    if (task?.state === state && (afterEvent === undefined || listTaskEvents(run.db, task.id).some((e) => e.kind === afterEvent))) return;
    if (task && isTaskState(task.state) && ["done", "failed", "cancelled"].includes(task.state) && task.state !== state) break;
    await sleep(20);
  }
  throw new ScenarioFailure(`Waited for the task to reach '${state}'${afterEvent ? ` after '${afterEvent}'` : ""}. ${diagnose(run)}`);
}

/** Quiet: no webhook in flight, no CI running, no job running or due, for three looks in a row. */
async function waitForQuiet(run: Running, follower: TaskEventFollower, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let calm = 0;
  while (performance.now() < deadline) {
    follower.poll();
    await run.webhooks.idle();
    await run.ci.idle();
    // Due or running (a claimed job holds a lease): either way, work is not over.
    const now = Date.now();
    const busy =
      run.db.prepare<[number, number], { n: number }>("SELECT count(*) AS n FROM jobs WHERE state = 'pending' AND (run_at <= ? OR locked_until > ?)").get(now + 50, now)?.n ?? 0;
    calm = busy === 0 ? calm + 1 : 0;
    if (calm >= 3) return;
    await sleep(25);
  }
  throw new ScenarioFailure(`Waited for everything to settle. ${diagnose(run)}`);
}

function diagnose(run: Running): string {
  const task = currentTask(run);
  const dead = run.db.prepare<[], { kind: string; last_error: string }>("SELECT kind, last_error FROM jobs WHERE state = 'dead' ORDER BY id DESC LIMIT 3").all();
  const invalid = run.github.requests.all().filter((r) => r.invalid !== null).slice(-3);
  const llm = run.llm?.stats();
  return [
    task ? `Task ${task.id} is '${task.state}'${task.failure ? ` (${task.failure})` : ""}.` : "No task was created.",
    `Jobs pending: ${countJobs(run.db, "pending")}, dead: ${countJobs(run.db, "dead")}.`,
    ...dead.map((j) => `Dead ${j.kind} job: ${j.last_error}`),
    ...invalid.map((r) => `GitHub refused ${r.method} ${r.path} (${r.status}): ${r.invalid ?? ""}`),
    llm ? `Model simulator: ${llm.requests} requests, ${llm.unmatched} unmatched, ${llm.invalidRequests} invalid.` : "",
  ]
    .filter((l) => l !== "")
    .join(" ");
}
