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
  const rows = report.calls.map(callRow);
  const size = (r: readonly string[]): number => [...header, ...r, ...footer].join("\n").length;
  if (size(rows) <= checkRunTextLimit) return [...header, ...rows, ...footer].join("\n");
  // Take rows from both ends, one at a time, while they fit beside the (longest possible) omission line.
  const omission = (count: number): string => `| … | ${count} calls omitted | | | | | | | | |`;
  let room = checkRunTextLimit - size([omission(rows.length)]);
  let head = 0;
  let tail = 0;
  while (head + tail < rows.length) {
    const fromHead = head <= tail;
    const next = rows[fromHead ? head : rows.length - 1 - tail] ?? "";
    if (next.length + 1 > room) break;
    room -= next.length + 1;
    if (fromHead) head += 1;
    else tail += 1;
  }
  const kept = [...rows.slice(0, head), omission(rows.length - head - tail), ...rows.slice(rows.length - tail)];
  return [...header, ...kept, ...footer].join("\n");
}
