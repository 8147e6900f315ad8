// Part 3's world: one GitHub simulator holding many installations, one model simulator, one CI, one app, in this process.
import { providersFromSettings } from "../src/app/production-app.js";
import type { Settings } from "../src/config/settings.js";
import { readSettings } from "../src/config/settings.js";
import type { Db } from "../src/store/open-database.js";
import { openDatabase } from "../src/store/open-database.js";
import { CiSimulator } from "../src/sim/ci/ci-simulator.js";
import { GitHubSimulator } from "../src/sim/github/github-simulator.js";
import type { SimRepo } from "../src/sim/github/sim-model.js";
import { SimPeople } from "../src/sim/github/sim-people.js";
import { WebhookDispatcher } from "../src/sim/github/webhook-dispatcher.js";
import { LlmSimulator } from "../src/sim/llm/llm-simulator.js";
import type { LlmScript } from "../src/sim/llm/script.js";
import { loadScenario, readFixtureRepo } from "../src/sim/scenario/load-scenario.js";
import { defaultModelFor } from "../src/sim/scenario/scenario-hosts.js";
import { appEvents } from "../src/sim/scenario/scenario-world.js";
import type { RunningApp } from "../src/sim/scenario/start-app.js";
import { createAppCredentials, quietLogger, startApp } from "../src/sim/scenario/start-app.js";

export interface FleetRepo {
  readonly installationId: number;
  readonly owner: string;
  readonly maintainer: string;
  readonly repo: SimRepo;
  readonly issues: readonly number[];
}

export interface Fleet {
  readonly db: Db;
  readonly settings: Settings;
  readonly repos: readonly FleetRepo[];
  /** Adds the trigger label to every issue of every repository, all in one go. */
  labelAll(): void;
  stop(): Promise<void>;
}

const appId = 4242;

/** happy's scripted replies, each answering every matching request, however many, so every task gets the same answers. */
function repeatingScript(): { script: LlmScript; scenario: ReturnType<typeof loadScenario> } {
  const scenario = loadScenario("happy");
  const script: LlmScript = { ...scenario.llm, replies: (scenario.llm.replies ?? []).map((reply) => ({ ...reply, times: "always" as const })) };
  return { script, scenario };
}

export async function startFleet(options: { readonly databasePath: string; readonly installations: number; readonly issuesPerInstallation: number }): Promise<Fleet> {
  const { script, scenario } = repeatingScript();
  const github = new GitHubSimulator();
  await github.start();
  const llm = new LlmSimulator({ script });
  await llm.start();
  const credentials = createAppCredentials(appId);
  const env: Record<string, string> = {
    DATABASE_PATH: options.databasePath,
    ORCHESTRATOR_MODEL: defaultModelFor(scenario),
    // Empty means unset: the app's default concurrency unless the caller's environment names one.
    WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? "",
    APP_ID: String(appId),
    ANTHROPIC_API_KEY: "sk-ant-simulated",
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    OPENAI_API_KEY: "sk-simulated",
    OPENAI_BASE_URL: llm.openaiBaseUrl,
  };
  const settings = readSettings(env);
  const db = openDatabase(options.databasePath);
  const world = github.world;
  const app = world.addApp({
    id: appId,
    slug: "orchestrator-sim",
    name: "Orchestrator (simulated)",
    owner: "orchestrator-dev",
    publicKey: credentials.publicKey,
    permissions: { issues: "write", pull_requests: "write", contents: "write", checks: "write", actions: "read", metadata: "read", members: "read" },
    events: appEvents,
  });
  const people = new SimPeople(github);
  const files = readFixtureRepo(scenario.repo.fixture);
  const repos: FleetRepo[] = [];
  for (let i = 0; i < options.installations; i += 1) {
    const owner = `org-${String(i).padStart(2, "0")}`;
    const maintainer = `maintainer-${String(i).padStart(2, "0")}`;
    world.addUser(maintainer, "User");
    world.addUser(owner, "Organization");
    const installation = world.addInstallation(app.id, owner);
    const repo = world.addRepo(owner, scenario.repo.name, files, { defaultBranch: scenario.repo.defaultBranch });
    repo.collaborators.clear();
    world.setPermission(repo, maintainer, "admin");
    const issues: number[] = [];
    for (let n = 1; n <= options.issuesPerInstallation; n += 1) issues.push(people.openIssue(repo, maintainer, `${scenario.issue.title} (${n})`, scenario.issue.body).number);
    repos.push({ installationId: installation.id, owner, maintainer, repo, issues });
  }
  const running: RunningApp = await startApp({
    credentials,
    githubBaseUrl: github.urls.api,
    settings,
    db,
    providers: providersFromSettings(settings, { timeoutMs: 15_000 }),
    log: quietLogger(),
    workerIdleMs: 250,
  });
  const webhooks = new WebhookDispatcher(github);
  webhooks.connect(appId, { url: running.webhookUrl, secret: credentials.webhookSecret });
  const ci = new CiSimulator(github, { checks: scenario.ci.checks });
  return {
    db,
    settings,
    repos,
    labelAll: () => {
      for (const r of repos) for (const issue of r.issues) people.label(r.repo, issue, r.maintainer, settings.label);
    },
    stop: async () => {
      await running.stop();
      await ci.idle();
      await webhooks.idle();
      await llm.stop();
      await github.stop();
      db.close();
    },
  };
}
