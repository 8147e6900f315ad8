import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { CiSimulator } from "../../src/sim/ci/ci-simulator.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import { WebhookDispatcher } from "../../src/sim/github/webhook-dispatcher.js";
import type { LlmScript } from "../../src/sim/llm/script.js";
import { LlmSimulator } from "../../src/sim/llm/llm-simulator.js";
import type { Scenario } from "../../src/sim/scenario/scenario-schema.js";
import type { ScenarioWorld } from "../../src/sim/scenario/scenario-world.js";
import { buildScenarioWorld } from "../../src/sim/scenario/scenario-world.js";
import type { AppCredentials } from "../../src/sim/scenario/start-app.js";
import { createAppCredentials } from "../../src/sim/scenario/start-app.js";

export interface SimulatedWorld {
  readonly github: GitHubSimulator;
  readonly llm: LlmSimulator;
  readonly world: ScenarioWorld;
  readonly credentials: AppCredentials;
  readonly webhooks: WebhookDispatcher;
  /** A temporary folder for the app's database, removed after the test. */
  readonly dir: string;
  /** The environment an app process needs to reach the simulators as a GitHub App. */
  readonly appEnv: Record<string, string>;
}

/**
 * The simulators a scenario needs, for a test that runs the app in a process of its own: GitHub
 * (populated from the scenario), the model provider, CI, and webhook delivery once the app says
 * where it listens. Registers everything it starts with `cleanups`, stopped after the test.
 */
export function useSimulatedWorld(): { start(scenario: Scenario, script?: LlmScript): Promise<SimulatedWorld>; readonly cleanups: (() => Promise<void> | void)[] } {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    cleanups,
    start: async (scenario, script = scenario.llm) => {
      const github = new GitHubSimulator();
      await github.start();
      cleanups.push(() => github.stop());
      const credentials = createAppCredentials(4242);
      const world = buildScenarioWorld(github, scenario, credentials);
      const llm = new LlmSimulator({ script });
      await llm.start();
      cleanups.push(() => llm.stop());
      const dir = mkdtempSync(join(tmpdir(), "orchestrator-process-"));
      cleanups.push(() => {
        rmSync(dir, { recursive: true, force: true });
      });
      const webhooks = new WebhookDispatcher(github);
      new CiSimulator(github, { checks: scenario.ci.checks });
      const appEnv = {
        APP_ID: String(credentials.appId),
        PRIVATE_KEY: credentials.privateKey,
        WEBHOOK_SECRET: credentials.webhookSecret,
        ANTHROPIC_API_KEY: "sk-ant-simulated",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      };
      return { github, llm, world, credentials, webhooks, dir, appEnv };
    },
  };
}
