import type { RunningApp } from "./start-app.js";
import { startAppProcess } from "./app-host.js";
import type { Scenario } from "./scenario-schema.js";

/** Where a scenario's app runs: in this process, or in a child process a `crash` step can kill. */
export interface AppHost {
  readonly webhookUrl: string;
  readonly inChildProcess: boolean;
  stop(): Promise<void>;
  /** SIGKILL; only a child process can be killed. */
  kill(): Promise<void>;
}

export function startInProcessHost(app: RunningApp): Promise<AppHost> {
  return Promise.resolve({
    webhookUrl: app.webhookUrl,
    inChildProcess: false,
    stop: () => app.stop(),
    kill: () => Promise.reject(new Error("The app runs in this process and cannot be killed; a scenario with a crash step runs it in a child process.")),
  });
}

export async function startChildHost(env: Record<string, string>): Promise<AppHost> {
  const child = await startAppProcess(env);
  return { webhookUrl: child.webhookUrl, inChildProcess: true, stop: () => child.stop(), kill: () => child.kill() };
}

/** The default authoring model: the first provider's balanced model. */
export function defaultModelFor(scenario: Scenario): string {
  return scenario.providers[0] === "openai" ? "openai/gpt-5.4" : "anthropic/claude-sonnet-5-5";
}
