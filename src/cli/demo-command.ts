import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { systemClock } from "../engine/clock.js";
import { loadScenario } from "../sim/scenario/load-scenario.js";
import type { NarrationLine } from "../sim/scenario/narrator.js";
import { createNarrator, formatNarration } from "../sim/scenario/narrator.js";
import { runScenario } from "../sim/scenario/run-scenario.js";
import type { ScenarioResult } from "../sim/scenario/scenario-result.js";
import { openDatabase } from "../store/open-database.js";
import { formatCount, formatUsd } from "../telemetry/format.js";
import { createMetrics } from "../telemetry/metrics.js";
import { dashboardCommand } from "./dashboard-command.js";

export interface DemoOptions {
  readonly scenario: string;
  readonly json: boolean;
  readonly realLlm: boolean;
  readonly databasePath: string | undefined;
  /** Where the HTML dashboard goes; `.orchestrator/demo-dashboard.html` when not given. */
  readonly html?: string | undefined;
}

/** Every Orchestrator series, as `name{label="value"}` → value: what /metrics would show after the run. */
async function metricsAfter(databasePath: string, providers: readonly string[]): Promise<Record<string, number>> {
  const db = openDatabase(databasePath);
  try {
    // The run's circuits closed with its app; the providers it used are listed as the app lists them.
    const series = await createMetrics({ db, clock: systemClock, circuits: () => ({}), providers, defaultMetrics: false }).series();
    return Object.fromEntries(
      series.map((s) => {
        const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        return [labels.length > 0 ? `${s.name}{${labels.join(",")}}` : s.name, s.value];
      }),
    );
  } finally {
    db.close();
  }
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
  // The database outlives the run: the HTML dashboard and the metrics are read from it afterwards.
  const scratch = options.databasePath ? undefined : mkdtempSync(join(tmpdir(), "orchestrator-demo-"));
  const databasePath = options.databasePath ?? join(scratch ?? ".", "orchestrator.db");
  try {
    const result = await runScenario(scenario, {
      narrate,
      databasePath,
      ...(options.realLlm && apiKey ? { realAnthropicKey: apiKey } : {}),
    });
    out("");
    for (const line of summarize(result)) out(line);
    const html = resolve(options.html ?? join(".orchestrator", "demo-dashboard.html"));
    out("");
    const written = dashboardCommand({ html, databasePath, task: result.task ? String(result.task.id) : undefined, days: undefined, json: false }, { out, err: out, env: {}, now: Date.now, cwd: process.cwd() });
    if (written === 0) out("Open it in a browser: the charts are inline SVG, with no JavaScript. The app serves the same page at /dashboard.");
    if (options.json) out(JSON.stringify({ ...result, html: written === 0 ? html : null, metrics: await metricsAfter(databasePath, Object.keys(result.llm.byProvider)) }));
    return result.expectations.passed && written === 0 ? 0 : 1;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
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
