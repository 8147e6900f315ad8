import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoCommand } from "../../src/cli/demo-command.js";
import { useTempFolder } from "../support/temp-database.js";

const folder = useTempFolder();

/** The series the observability issue names, each of which the demo's JSON must carry. */
const required = [
  "orchestrator_tasks_total",
  "orchestrator_phase_duration_seconds_count",
  "orchestrator_llm_tokens_total",
  "orchestrator_llm_cost_usd_total",
  "orchestrator_ci_first_pass_total",
  "orchestrator_fix_attempts_total",
  "orchestrator_webhooks_total",
  "orchestrator_queue_depth",
  "orchestrator_queue_lag_seconds",
  "orchestrator_circuit_state",
];

describe("orchestrator demo --json --html FILE", () => {
  it("writes the HTML dashboard and adds the check run's markdown and every metric series to the result", async () => {
    const html = join(folder.path(), "out", "dashboard.html");
    const lines: string[] = [];
    const code = await demoCommand({ scenario: "happy", json: true, realLlm: false, databasePath: undefined, html }, (line) => lines.push(line));

    expect(code).toBe(0);
    // The story ends with the task's dashboard as text, then where the page is.
    const text = lines.slice(0, -1).join("\n");
    expect(text).toContain("Task dashboard (the 'Orchestrator' check run):");
    expect(text).toContain(`Dashboard written to ${html}`);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, "utf8")).toContain('data-chart="task-timeline"');

    const result = JSON.parse(lines.at(-1) ?? "{}") as { html: string; dashboard: string; metrics: Record<string, number>; llm: { costUsd: number } };
    expect(result.html).toBe(html);
    expect(result.dashboard).toContain(`**Spend:** $${result.llm.costUsd.toFixed(4)} over 4 model calls`);
    expect(result.dashboard).toMatch(/\*\*Budget:\*\* \$0\.0\d{3} of \$5\.00/);
    const names = new Set(Object.keys(result.metrics).map((key) => key.split("{")[0]));
    for (const name of required) expect(names).toContain(name);
    expect(result.metrics['orchestrator_tasks_total{state="done"}']).toBe(1);
    const cost = Object.entries(result.metrics).filter(([key]) => key.startsWith("orchestrator_llm_cost_usd_total")).reduce((sum, [, value]) => sum + value, 0);
    // The result rounds dollars to six decimals; the series carry them unrounded.
    expect(cost).toBeCloseTo(result.llm.costUsd, 5);
  }, 60_000);
});
