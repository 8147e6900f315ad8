import { isTerminal } from "../engine/task-states.js";
import type { ModelCall } from "../store/model-calls.js";
import { cachedShare, cell, formatCount, formatDuration, formatUsd } from "./format.js";
import type { CiRun, PhaseSpan, TaskReport } from "./task-report.js";

/** GitHub rejects check-run output fields longer than this. */
export const checkRunTextLimit = 65_535;

/** What the dashboard measures the task against, and where it links. */
export interface DashboardContext {
  readonly budget?: { readonly usd: number; readonly tokens: number };
  /** The task's page on the app's dashboard, when the app knows its public address. */
  readonly dashboardUrl?: string;
  readonly issueUrl?: string;
}

const phaseRowsKept = 40;
const ciRunsKept = 8;
const alertsKept = 10;

function callRow(call: ModelCall, index: number): string {
  return `| ${index + 1} | ${cell(call.role)} | ${cell(`${call.provider}/${call.model}`)} | ${formatCount(call.inputTokens)} | ${formatCount(call.outputTokens)} | ${formatCount(call.cacheReadTokens)} | ${formatCount(call.cacheWriteTokens)} | ${Math.round(cachedShare(call) * 100)}% | ${formatUsd(call.costUsd)} | ${formatDuration(call.durationMs ?? 0)} |`;
}

/** A bar of ten cells: a timeline readable in any font, with no images. */
function bar(share: number): string {
  const filled = Math.max(share > 0 ? 1 : 0, Math.round(Math.min(1, share) * 10));
  return `${"█".repeat(filled)}${"░".repeat(10 - filled)}`;
}

function phaseRows(phases: readonly PhaseSpan[], now: number): string[] {
  const durations = phases.map((p) => (p.endedAt ?? (isTerminal(p.state) ? p.startedAt : now)) - p.startedAt);
  const longest = Math.max(1, ...durations);
  const rows = phases.map((p, i) => {
    const ms = durations[i] ?? 0;
    const duration = p.endedAt !== null ? formatDuration(ms) : isTerminal(p.state) ? "—" : `${formatDuration(ms)} so far`;
    return `| ${p.state} | ${new Date(p.startedAt).toISOString()} | ${duration} | \`${bar(ms / longest)}\` |`;
  });
  if (rows.length <= phaseRowsKept) return rows;
  const omitted = rows.length - phaseRowsKept;
  return [`| … | ${omitted} earlier phase${omitted === 1 ? "" : "s"} omitted | | |`, ...rows.slice(-phaseRowsKept)];
}

function ciLine(run: CiRun): string {
  const verdict = run.verdict === "green" ? "✅ green" : run.verdict === "red" ? "❌ red" : "⏸️ stopped";
  const checks = run.checks.map((c) => `\`${cell(c.name)}\` ${c.conclusion ?? "pending"}${c.category ? ` (${c.category})` : ""}`).join(", ");
  return `- ${new Date(run.at).toISOString()} ${verdict}${checks ? `: ${checks}` : ""}${run.note ? ` — ${cell(run.note)}` : ""}`;
}

function ciSection(report: TaskReport): string[] {
  if (report.ciRuns.length === 0 && report.gate.length === 0) return [];
  const runs = report.ciRuns.slice(-ciRunsKept);
  const lines = ["", "### CI and quality gate", ""];
  if (report.ciRuns.length > runs.length) lines.push(`- … ${report.ciRuns.length - runs.length} earlier results omitted`);
  lines.push(...runs.map(ciLine));
  if (report.gate.length > 0) {
    lines.push("", "Latest failing checks, as the fix loop read them:", "", "| Check | Conclusion | Category | Title |", "|---|---|---|---|");
    lines.push(...report.gate.map((g) => `| ${cell(g.name)} | ${g.conclusion} | ${g.category} | ${cell((g.title ?? "").slice(0, 200))} |`));
  }
  return lines;
}

function alertSection(report: TaskReport): string[] {
  if (report.alerts.length === 0) return [];
  const alerts = report.alerts.slice(-alertsKept);
  return [
    "",
    "### Alerts",
    "",
    ...alerts.map((a) => `- ${a.severity === "critical" ? "🛑" : "⚠️"} **${a.severity}** ${new Date(a.raisedAt).toISOString()} ${cell(a.message.slice(0, 500))}`),
  ];
}

function budgetLine(report: TaskReport, context: DashboardContext): string {
  const { totals } = report;
  const tokens = totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens + totals.outputTokens;
  if (!context.budget) return `**Budget:** ${formatUsd(totals.costUsd)} spent`;
  const { usd, tokens: tokenCap } = context.budget;
  return `**Budget:** ${formatUsd(totals.costUsd)} of ${formatUsd(usd)} (${Math.round((totals.costUsd / usd) * 100)}%) \`${bar(totals.costUsd / usd)}\` · ${formatCount(tokens)} of ${formatCount(tokenCap)} tokens (${Math.round((tokens / tokenCap) * 100)}%)`;
}

/**
 * The task's dashboard, the summary of the `Orchestrator` check run: state and links, spend against
 * budget, attempts and rounds, phases with durations, CI and gate results, alerts, one row per
 * model call with tokens, cache and cost, and the totals. Within GitHub's limit it summarises:
 * earlier phases and CI results beyond a few dozen are counted, not listed, and model-call rows are
 * dropped from the middle, never the totals.
 */
export function renderTaskDashboard(report: TaskReport, now: number, context: DashboardContext = {}): string {
  const { task, totals, counts } = report;
  const links = [
    context.issueUrl ? `[issue #${task.issueNumber}](${context.issueUrl})` : `issue #${task.issueNumber}`,
    ...(task.prNumber ? [task.prUrl ? `[PR #${task.prNumber}](${task.prUrl})` : `PR #${task.prNumber}`] : []),
    ...(context.dashboardUrl ? [`[timeline](${context.dashboardUrl})`] : []),
  ];
  const header = [
    `**Task ${task.id}** for #${task.issueNumber} · state **${task.state}**${task.prNumber ? ` · PR #${task.prNumber}` : ""}`,
    "",
    links.join(" · "),
    "",
    budgetLine(report, context),
    "",
    `**Spend:** ${formatUsd(totals.costUsd)} over ${totals.calls} model call${totals.calls === 1 ? "" : "s"} · ${formatCount(totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens)} input tokens (${Math.round(cachedShare(totals) * 100)}% from cache) · ${formatCount(totals.outputTokens)} output tokens · ${formatDuration(totals.modelMs)} in models`,
    "",
    `**Rounds:** plan ${counts.planRounds} · code review ${counts.codeReviewRounds} · CI fix attempts ${counts.fixAttempts} · revisions ${counts.revisions}`,
    ...alertSection(report),
    "",
    "### Phases",
    "",
    "| Phase | Started | Duration | |",
    "|---|---|---|---|",
    ...phaseRows(report.phases, now),
    ...ciSection(report),
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
  const text = [...header, ...kept, ...footer].join("\n");
  // A failure message is the one part without a bound of its own: cut it rather than pass the limit.
  return text.length <= checkRunTextLimit ? text : `${text.slice(0, checkRunTextLimit - 1)}…`;
}
