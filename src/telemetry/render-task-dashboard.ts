import { isTerminal } from "../engine/task-states.js";
import type { ModelCall } from "../store/model-calls.js";
import { cachedShare, cell, formatCount, formatDuration, formatUsd } from "./format.js";
import type { CiRun, PhaseSpan, TaskReport } from "./task-report.js";

/** GitHub rejects check-run output fields longer than this many bytes (UTF-8: the bars and marks here take 3 or 4). */
export const checkRunTextLimit = 65_535;

function bytes(lines: readonly string[]): number {
  return Buffer.byteLength(lines.join("\n"), "utf8");
}

/** What the dashboard measures the task against, and where it links. */
export interface DashboardContext {
  readonly budget?: { readonly usd: number; readonly tokens: number };
  /** The task's page on the app's dashboard, when the app knows its public address. */
  readonly dashboardUrl?: string;
  readonly issueUrl?: string;
  /** Masks secrets; applied to every part before the text is fitted, so the fitted text is what GitHub gets. */
  readonly redact?: (text: string) => string;
}

const phaseRowsKept = 40;
const ciRunsKept = 8;
const checksPerRun = 20;
const gateRowsKept = 30;
const alertsKept = 10;
const nameLength = 100;
const failureLength = 2_000;

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** At most `length` characters as people see them (an emoji is never cut in half), "…" marking a cut. */
function clip(text: string, length: number): string {
  if (text.length <= length) return text;
  const chars = Array.from(graphemes.segment(text), (g) => g.segment);
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join("")}…`;
}

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
  const shown = run.checks.slice(0, checksPerRun);
  const more = run.checks.length - shown.length;
  const checks = [
    ...shown.map((c) => `\`${cell(clip(c.name, nameLength)).replace(/`/g, "'")}\` ${c.conclusion ?? "pending"}${c.category ? ` (${c.category})` : ""}`),
    ...(more > 0 ? [`+${more} more`] : []),
  ].join(", ");
  return `- ${new Date(run.at).toISOString()} ${verdict}${checks ? `: ${checks}` : ""}${run.note ? ` — ${cell(clip(run.note, 300))}` : ""}`;
}

function ciSection(report: TaskReport): string[] {
  if (report.ciRuns.length === 0 && report.gate.length === 0) return [];
  const runs = report.ciRuns.slice(-ciRunsKept);
  const lines = ["", "### CI and quality gate", ""];
  if (report.ciRuns.length > runs.length) lines.push(`- … ${report.ciRuns.length - runs.length} earlier results omitted`);
  lines.push(...runs.map(ciLine));
  if (report.gate.length > 0) {
    lines.push("", "Latest failing checks, as the fix loop read them:", "", "| Check | Conclusion | Category | Title |", "|---|---|---|---|");
    lines.push(...report.gate.slice(0, gateRowsKept).map((g) => `| ${cell(clip(g.name, nameLength))} | ${g.conclusion} | ${g.category} | ${cell(clip(g.title ?? "", 200))} |`));
    if (report.gate.length > gateRowsKept) lines.push(`| … | ${report.gate.length - gateRowsKept} more failing checks | | |`);
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
    ...alerts.map((a) => `- ${a.severity === "critical" ? "🛑" : "⚠️"} **${a.severity}** ${new Date(a.raisedAt).toISOString()} ${cell(clip(a.message, 500))}`),
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
  const redact = context.redact ?? ((text: string): string => text);
  const links = [
    context.issueUrl ? `[issue #${task.issueNumber}](${context.issueUrl})` : `issue #${task.issueNumber}`,
    ...(task.prNumber ? [task.prUrl ? `[PR #${task.prNumber}](${task.prUrl})` : `PR #${task.prNumber}`] : []),
    ...(context.dashboardUrl ? [`[timeline](${context.dashboardUrl})`] : []),
  ];
  const head = [
    `**Task ${task.id}** for #${task.issueNumber} · state **${task.state}**${task.prNumber ? ` · PR #${task.prNumber}` : ""}`,
    "",
    links.join(" · "),
    "",
    budgetLine(report, context),
    "",
    `**Spend:** ${formatUsd(totals.costUsd)} over ${totals.calls} model call${totals.calls === 1 ? "" : "s"} · ${formatCount(totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens)} input tokens (${Math.round(cachedShare(totals) * 100)}% from cache) · ${formatCount(totals.outputTokens)} output tokens · ${formatDuration(totals.modelMs)} in models`,
    "",
    `**Rounds:** plan ${counts.planRounds} · code review ${counts.codeReviewRounds} · CI fix attempts ${counts.fixAttempts} · revisions ${counts.revisions}`,
  ];
  // Sections that give way, whole, in this order, if even without model-call rows the text would not fit.
  const sections: { readonly name: string; lines: string[] }[] = [
    { name: "CI and quality gate", lines: ciSection(report) },
    { name: "alerts", lines: alertSection(report) },
    { name: "phases", lines: ["", "### Phases", "", "| Phase | Started | Duration | |", "|---|---|---|---|", ...phaseRows(report.phases, now)] },
  ];
  const callsHead = [
    "",
    "### Model calls",
    "",
    "| # | Role | Model | Input | Output | Cache read | Cache write | Cached | Cost | Duration |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  const footer = [
    `| | **Total** | | **${formatCount(totals.inputTokens)}** | **${formatCount(totals.outputTokens)}** | **${formatCount(totals.cacheReadTokens)}** | **${formatCount(totals.cacheWriteTokens)}** | **${Math.round(cachedShare(totals) * 100)}%** | **${formatUsd(totals.costUsd)}** | **${formatDuration(totals.modelMs)}** |`,
    ...(task.failure ? ["", `**Stopped:** ${clip(task.failure, failureLength)}`] : []),
  ].map(redact);
  const header = (): string[] => {
    const [ci, alerts, phases] = sections.map((section) => section.lines);
    return [...head, ...(alerts ?? []), ...(phases ?? []), ...(ci ?? []), ...callsHead].map(redact);
  };
  const rows = report.calls.map((call, i) => redact(callRow(call, i)));
  const omission = (count: number): string => `| … | ${count} calls omitted | | | | | | | | |`;
  for (const section of sections) {
    if (bytes([...header(), omission(rows.length), ...footer]) <= checkRunTextLimit) break;
    section.lines = ["", `_${section.name} omitted to fit GitHub's limit_`];
  }
  const top = header();
  if (bytes([...top, ...rows, ...footer]) <= checkRunTextLimit) return [...top, ...rows, ...footer].join("\n");
  // Take rows from both ends, one at a time, while they fit beside the (longest possible) omission line.
  let room = checkRunTextLimit - bytes([...top, omission(rows.length), ...footer]);
  let first = 0;
  let last = 0;
  while (first + last < rows.length) {
    const fromHead = first <= last;
    const next = rows[fromHead ? first : rows.length - 1 - last] ?? "";
    const cost = Buffer.byteLength(next, "utf8") + 1;
    if (cost > room) break;
    room -= cost;
    if (fromHead) first += 1;
    else last += 1;
  }
  return [...top, ...rows.slice(0, first), omission(rows.length - first - last), ...rows.slice(rows.length - last), ...footer].join("\n");
}
