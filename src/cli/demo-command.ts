import { loadScenario } from "../sim/scenario/load-scenario.js";
import type { NarrationLine } from "../sim/scenario/narrator.js";
import { createNarrator, formatNarration } from "../sim/scenario/narrator.js";
import { runScenario } from "../sim/scenario/run-scenario.js";
import type { ScenarioResult } from "../sim/scenario/scenario-result.js";
import { formatCount, formatUsd } from "../telemetry/format.js";

export interface DemoOptions {
  readonly scenario: string;
  readonly json: boolean;
  readonly realLlm: boolean;
  readonly databasePath: string | undefined;
}

/**
 * `orchestrator demo`: plays a scenario on the simulators and tells the story. With --json the
 * last line of stdout is the result as one JSON object, for scripts and CI.
 */
export async function demoCommand(options: DemoOptions, out: (line: string) => void = console.log): Promise<number> {
  const scenario = loadScenario(options.scenario);
  const apiKey = process.env.ANTHROPIC_API_KEY;
  out(`Orchestrator demo — scenario '${scenario.name}': ${scenario.description.trim()}`);
  if (options.realLlm && !apiKey) {
    out("--real-llm needs ANTHROPIC_API_KEY in the environment.");
    return 2;
  }
  out(
    options.realLlm
      ? "Model: the real Anthropic API, against the simulated GitHub."
      : `Model replies are scripted (fixtures/scenarios/${scenario.name}.yml); GitHub and CI are simulated.${apiKey ? " ANTHROPIC_API_KEY is set: add --real-llm to use the real Anthropic API against the simulated GitHub." : ""}`,
  );
  out("");
  const narrate = createNarrator((line: NarrationLine) => {
    out(formatNarration(line));
  });
  const result = await runScenario(scenario, {
    narrate,
    ...(options.databasePath ? { databasePath: options.databasePath } : {}),
    ...(options.realLlm && apiKey ? { realAnthropicKey: apiKey } : {}),
  });
  out("");
  for (const line of summarize(result)) out(line);
  if (options.json) out(JSON.stringify(result));
  return result.expectations.passed ? 0 : 1;
}

function summarize(result: ScenarioResult): string[] {
  const lines = [
    `Result: ${result.task ? `task ${result.task.id} is ${result.task.state}` : "no task was created"}${result.task?.prUrl ? ` · ${result.task.prUrl}` : ""}`,
    `GitHub: ${result.github.requests} REST requests (${result.github.invalidRequests} refused), ${result.github.prCreationCalls} to write and open the pull request, ${result.webhooks.deliveries} webhooks delivered`,
    `Models: ${result.llm.calls} calls, ${formatCount(result.llm.inputTokens)} input + ${formatCount(result.llm.cacheReadTokens)} cache read + ${formatCount(result.llm.cacheWriteTokens)} cache write + ${formatCount(result.llm.outputTokens)} output tokens, ${formatUsd(result.llm.costUsd)}, ${result.llm.leaks} leaks`,
    `Took ${(result.durationMs / 1000).toFixed(1)} s.`,
  ];
  if (result.dashboard) lines.push("", "Task dashboard (the 'Orchestrator' check run):", "", result.dashboard);
  if (!result.expectations.passed) lines.push("", "Expectations not met:", ...result.expectations.failures.map((f) => `  - ${f}`));
  return lines;
}
