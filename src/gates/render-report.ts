import type { GateReport } from "./gate-report.js";
import type { GateOutcome, GatesResult } from "./run-gates.js";

/*
 * The gate's result for people: one markdown summary used by the CLI, the job summary and the check
 * run; and for machines: the GateReport the app's CI loop reads.
 */

const icon: Record<GateOutcome["conclusion"], string> = { success: "✅ passed", failure: "❌ failed", neutral: "⚪ neutral" };

/** Table cells cannot hold pipes or newlines. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function where(f: { path: string | null; line: number | null }): string {
  return f.path === null ? "" : `\`${f.path}${f.line === null ? "" : `:${f.line}`}\``;
}

export function toGateReport(result: GatesResult): GateReport {
  return { conclusion: result.conclusion, findings: result.findings.map((f) => ({ ...f })) };
}

/** The summary: a table of gates, then the failing findings (at most `maxListed`), then what was reported but did not fail. */
export function renderGateSummary(result: GatesResult, maxListed = 50): string {
  const failing = result.findings.filter((f) => f.failing);
  const reported = result.findings.filter((f) => !f.failing && f.severity !== "note");
  const lines = [
    `## Orchestrator quality gate: ${icon[result.conclusion]}`,
    "",
    "| gate | result | failing | reported | time |",
    "| --- | --- | --- | --- | --- |",
    ...result.gates.map((g) => {
      const fail = g.findings.filter((f) => f.failing).length;
      return `| ${cell(g.name)} | ${icon[g.conclusion]} | ${fail} | ${g.findings.length - fail} | ${g.durationMs >= 1000 ? `${(g.durationMs / 1000).toFixed(1)} s` : `${g.durationMs} ms`} |`;
    }),
  ];
  const problems = result.gates.filter((g) => g.problem !== null);
  if (problems.length > 0) {
    lines.push("", "### Problems", "");
    for (const g of problems) lines.push(`- **${cell(g.name)}**: ${(g.problem ?? "").split("\n")[0] ?? ""}`, ...(g.problem?.includes("\n") ? ["", "  ```", ...(g.problem.split("\n").slice(1).map((l) => `  ${l}`)), "  ```"] : []));
  }
  if (failing.length > 0) {
    lines.push("", "### Failing", "");
    for (const f of failing.slice(0, maxListed)) lines.push(`- **${cell(f.gate)}** ${where(f)} ${f.severity}: ${cell(f.message)}${f.rule ? ` (${cell(f.rule)})` : ""}`);
    if (failing.length > maxListed) lines.push(`- … and ${failing.length - maxListed} more`);
  }
  if (reported.length > 0) {
    lines.push("", `${reported.length} more finding${reported.length === 1 ? "" : "s"} on lines the change did not touch, or below the failing severity: reported, not failing.`);
  }
  return lines.join("\n");
}
