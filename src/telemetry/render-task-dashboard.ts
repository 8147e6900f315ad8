import { isTerminal } from "../engine/task-states.js";
import type { ModelCall } from "../store/model-calls.js";
import { cachedShare, cell, formatCount, formatDuration, formatUsd } from "./format.js";
import type { TaskReport } from "./task-report.js";

/** GitHub rejects check-run output fields longer than this. */
export const checkRunTextLimit = 65_535;

function callRow(call: ModelCall, index: number): string {
  return `| ${index + 1} | ${cell(call.role)} | ${cell(`${call.provider}/${call.model}`)} | ${formatCount(call.inputTokens)} | ${formatCount(call.outputTokens)} | ${formatCount(call.cacheReadTokens)} | ${formatCount(call.cacheWriteTokens)} | ${Math.round(cachedShare(call) * 100)}% | ${formatUsd(call.costUsd)} | ${formatDuration(call.durationMs ?? 0)} |`;
}

/**
 * The task's dashboard, the summary of the `Orchestrator` check run: state, phases with durations,
 * one row per model call with tokens, cache and cost, and the totals. Rows are dropped from the
 * middle, never the totals, if the text would pass GitHub's limit.
 */
export function renderTaskDashboard(report: TaskReport, now: number): string {
  const { task, totals } = report;
  const header = [
    `**Task ${task.id}** for #${task.issueNumber} · state **${task.state}**${task.prNumber ? ` · PR #${task.prNumber}` : ""}`,
    "",
    `**Spend:** ${formatUsd(totals.costUsd)} over ${totals.calls} model call${totals.calls === 1 ? "" : "s"} · ${formatCount(totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens)} input tokens (${Math.round(cachedShare(totals) * 100)}% from cache) · ${formatCount(totals.outputTokens)} output tokens · ${formatDuration(totals.modelMs)} in models`,
    "",
    "### Phases",
    "",
    "| Phase | Started | Duration |",
    "|---|---|---|",
    ...report.phases.map((p) => {
      const duration = p.endedAt !== null ? formatDuration(p.endedAt - p.startedAt) : isTerminal(p.state) ? "—" : `${formatDuration(now - p.startedAt)} so far`;
      return `| ${p.state} | ${new Date(p.startedAt).toISOString()} | ${duration} |`;
    }),
    "",
    "### Model calls",
    "",
    "| # | Role | Model | Input | Output | Cache read | Cache write | Cached | Cost | Duration |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  const footer = [
    `| | **Total** | | **${formatCount(totals.inputTokens)}** | **${formatCount(totals.outputTokens)}** | **${formatCount(totals.cacheReadTokens)}** | **${formatCount(totals.cacheWriteTokens)}** | **${Math.round(cachedShare(totals) * 100)}%** | **${formatUsd(totals.costUsd)}** | **${formatDuration(totals.modelMs)}** |`,
    ...(task.failure ? ["", `**Stopped:** ${task.failure}`] : []),
  ];
  let rows = report.calls.map(callRow);
  const size = (r: readonly string[]): number => [...header, ...r, ...footer].join("\n").length;
  if (size(rows) > checkRunTextLimit) {
    const keep = Math.max(2, Math.floor(rows.length * (checkRunTextLimit / size(rows))) - 2);
    const head = rows.slice(0, Math.ceil(keep / 2));
    const tail = rows.slice(rows.length - Math.floor(keep / 2));
    rows = [...head, `| … | ${rows.length - head.length - tail.length} calls omitted | | | | | | | | |`, ...tail];
  }
  return [...header, ...rows, ...footer].join("\n");
}
