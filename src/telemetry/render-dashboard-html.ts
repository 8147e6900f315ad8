import type { SpanKind } from "../store/spans.js";
import type { DashboardData, OutcomeBucket, TaskTimeline } from "./dashboard-types.js";
import { formatCount, formatDuration, formatUsd } from "./format.js";
import type { ChartSeries, GanttRow } from "./svg-charts.js";
import { chartColors, escapeXml as esc, ganttChart, horizontalBarChart, ratioBar, stackedBarChart } from "./svg-charts.js";

export interface DashboardHtmlOptions {
  /** The link of a task's row in the recent tasks table (its timeline). */
  readonly taskHref: (id: number) => string;
  /** A link to the same data as JSON, shown in the header when given. */
  readonly jsonHref?: string;
  readonly title?: string;
}

/** Scripts, remote styles, fonts, frames and requests are all refused: the page is its own whole. */
export const dashboardContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const outcomeSeries: readonly (ChartSeries & { readonly key: OutcomeBucket })[] = [
  { key: "done", label: "Done", color: chartColors.green },
  { key: "needs_human", label: "Needs a person", color: chartColors.amber },
  { key: "failed", label: "Failed", color: chartColors.red },
  { key: "cancelled", label: "Cancelled", color: chartColors.gray },
  { key: "active", label: "Active", color: chartColors.blue },
];

/** The task's states (from its event log) and each kind of span, as the timeline colours them. */
const kindColors: Readonly<Record<string, string>> = {
  state: chartColors.blue,
  phase: chartColors.green,
  model: chartColors.purple,
  github: chartColors.teal,
  job: chartColors.gray,
  webhook: chartColors.orange,
  other: chartColors.pink,
};

const groupLabels: Readonly<Record<string, string>> = {
  state: "Task states",
  phase: "Phase spans",
  model: "Model calls",
  github: "GitHub requests",
  job: "Jobs",
  webhook: "Webhooks",
  other: "Other spans",
};

/** Jobs and webhooks wrap the phases and requests drawn already: the timeline leaves them out (the JSON keeps them). */
const timelineKinds: readonly SpanKind[] = ["phase", "model", "github", "other"];
const timelineRowLimit = 100;

const style = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--border:#d1d9e0;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;--border:#3d444d;--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 12px}
a{color:var(--link)}
.muted{color:var(--muted)}
section{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:16px;margin:16px 0;overflow-x:auto}
.headline{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px;margin:0}
.headline div{background:var(--bg);border:1px solid var(--border);border-radius:6px;padding:8px 12px}
.headline dt{color:var(--muted);font-size:12px}.headline dd{margin:0;font-size:20px;font-weight:600}
svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--border);vertical-align:top}
th{color:var(--muted);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.state{display:inline-block;padding:0 6px;border-radius:10px;border:1px solid currentColor;font-size:12px}
.state-done{color:${chartColors.green}}.state-failed{color:${chartColors.red}}.state-cancelled{color:${chartColors.gray}}
.state-needs_human{color:${chartColors.amber}}.state-active{color:${chartColors.blue}}
@media (prefers-color-scheme:dark){.state-done{color:#3fb950}.state-failed{color:#f85149}.state-needs_human{color:#d29922}.state-active{color:#4493f8}.state-cancelled{color:#9198a1}}
.critical{color:${chartColors.red}}
`;

function time(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A link only to an http(s) address: a stored URL is never trusted to be one. */
function link(href: string | null, content: string): string {
  return href !== null && /^https?:\/\//i.test(href) ? `<a href="${esc(href)}">${content}</a>` : content;
}

function stateBadge(state: string, outcome: OutcomeBucket): string {
  return `<span class="state state-${outcome}">${esc(state)}</span>`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

function headline(data: DashboardData): string {
  const t = data.totals;
  const items: [string, string][] = [
    ["Tasks", formatCount(t.tasks)],
    ["Done", formatCount(t.done)],
    ["Merged PRs", formatCount(t.mergedPrs)],
    ["Needs a person", formatCount(t.needs_human)],
    ["Failed", formatCount(t.failed)],
    ["Cancelled", formatCount(t.cancelled)],
    ["Active", formatCount(t.active)],
    ["Spend", formatUsd(t.spendUsd)],
    ["Tokens", formatCount(t.tokens)],
    ["Model calls", formatCount(t.modelCalls)],
  ];
  if (data.budget) items.push(["Budget used", `${percent(data.budget.share)} of ${formatUsd(data.budget.capUsd)}`]);
  return `<section aria-labelledby="h-headline"><h2 id="h-headline">In the last ${data.window.days} day${data.window.days === 1 ? "" : "s"}</h2><dl class="headline">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl></section>`;
}

function tasksOverTime(data: DashboardData): string {
  const chart = stackedBarChart({
    name: "tasks-by-day",
    title: "Tasks per day by outcome",
    description: `Tasks created per UTC day over the last ${data.window.days} days, by where they are now.`,
    xLabel: "Day created (UTC)",
    yLabel: "Tasks",
    series: outcomeSeries,
    bars: data.tasksByDay.map((d) => ({ label: d.day.slice(5), title: d.day, values: outcomeSeries.map((s) => d.counts[s.key]) })),
  });
  return `<section aria-labelledby="h-by-day"><h2 id="h-by-day">Tasks over time by outcome</h2>${chart}</section>`;
}

function costPerMergedPr(data: DashboardData, options: DashboardHtmlOptions): string {
  const c = data.costPerMergedPr;
  const chart = horizontalBarChart({
    name: "cost-per-merged-pr",
    title: "Cost per merged pull request",
    description: `Model spend of each task whose pull request was merged; ${c.averageUsd === null ? "none was merged" : `${formatUsd(c.averageUsd)} on average`}.`,
    xLabel: "Model spend (USD)",
    yLabel: "Task",
    rows: c.tasks.map((t) => ({ key: String(t.taskId), label: `${t.repo}${t.prNumber === null ? "" : `#${t.prNumber}`}`, value: t.costUsd, valueText: formatUsd(t.costUsd) })),
    color: chartColors.green,
    formatTick: formatUsd,
    emptyText: "No merged pull request in this window",
  });
  const summary = c.averageUsd === null ? "No pull request merged in this window yet." : `${formatUsd(c.averageUsd)} on average over ${c.mergedPrs} merged pull request${c.mergedPrs === 1 ? "" : "s"} (${formatUsd(c.totalUsd)} in all).`;
  const links = c.tasks.map((t) => `<a href="${esc(options.taskHref(t.taskId))}">task ${t.taskId}</a>`).join(", ");
  return `<section aria-labelledby="h-merged"><h2 id="h-merged">Cost per merged PR</h2><p data-value="cost-per-merged-pr">${esc(summary)}</p>${chart}${links ? `<p class="muted">Timelines: ${links}</p>` : ""}</section>`;
}

function firstPassCi(data: DashboardData): string {
  const f = data.firstPassCi;
  const chart = ratioBar({
    name: "first-pass-ci",
    title: "First-pass CI rate",
    ratio: f.rate,
    valueText: f.rate === null ? "No CI verdict yet" : `${percent(f.rate)} green first time (${f.greenFirstTime} of ${f.tasksWithVerdict} task${f.tasksWithVerdict === 1 ? "" : "s"})`,
    scaleLabel: "Share of tasks whose first CI verdict was green",
    color: chartColors.green,
  });
  return `<section aria-labelledby="h-ci"><h2 id="h-ci">First-pass CI rate</h2>${chart}</section>`;
}

function spendByModelRole(data: DashboardData): string {
  const chart = horizontalBarChart({
    name: "spend-by-model-role",
    title: "Spend by model and role",
    description: "Model spend of the window's tasks by role, provider and model.",
    xLabel: "Model spend (USD)",
    yLabel: "Role · model",
    rows: data.spendByModelRole.map((s) => ({
      key: `${s.role}|${s.provider}/${s.model}`,
      label: `${s.role} · ${s.provider}/${s.model}`,
      value: s.costUsd,
      valueText: `${formatUsd(s.costUsd)} · ${s.calls} call${s.calls === 1 ? "" : "s"}${s.failedCalls > 0 ? ` (+${s.failedCalls} failed)` : ""} · ${formatCount(s.tokens)} tok`,
    })),
    color: chartColors.purple,
    formatTick: formatUsd,
    emptyText: "No model call in this window",
  });
  return `<section aria-labelledby="h-spend"><h2 id="h-spend">Spend by model and role</h2>${chart}</section>`;
}

function slowestPhases(data: DashboardData): string {
  const chart = horizontalBarChart({
    name: "slowest-phases",
    title: "Slowest phases (90th percentile)",
    description: "How long finished phases took, slowest first by their 90th percentile.",
    xLabel: "Duration, 90th percentile",
    yLabel: "Phase",
    rows: data.slowestPhases.map((p) => ({ key: p.state, label: p.state, value: p.p90Ms, valueText: `p90 ${formatDuration(p.p90Ms)} · median ${formatDuration(p.medianMs)} · ${p.count}×` })),
    color: chartColors.blue,
    formatTick: (ms) => (ms === 0 ? "0" : formatDuration(ms)),
    emptyText: "No finished phase in this window",
  });
  const rows = data.slowestPhases.map((p) => `<tr><td>${esc(p.state)}</td><td class="num">${p.count}</td><td class="num">${formatDuration(p.medianMs)}</td><td class="num">${formatDuration(p.p90Ms)}</td><td class="num">${formatDuration(p.maxMs)}</td></tr>`);
  const table = rows.length === 0 ? "" : `<details><summary>Numbers</summary><table><thead><tr><th>Phase</th><th class="num">Count</th><th class="num">Median</th><th class="num">p90</th><th class="num">Max</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>`;
  return `<section aria-labelledby="h-phases"><h2 id="h-phases">Slowest phases</h2>${chart}${table}</section>`;
}

function recentTasks(data: DashboardData, options: DashboardHtmlOptions): string {
  if (data.recentTasks.length === 0) return `<section aria-labelledby="h-recent"><h2 id="h-recent">Recent tasks</h2><p>No task yet.</p></section>`;
  const rows = data.recentTasks.map(
    (t) =>
      `<tr id="task-${t.id}" data-task="${t.id}"><td><a href="${esc(options.taskHref(t.id))}">${t.id}</a></td><td>${esc(t.repo)}</td><td>#${t.issueNumber} ${esc(t.issueTitle)}</td><td>${stateBadge(t.state, t.outcome)}${t.merged ? " merged" : ""}</td><td>${t.prNumber === null ? "—" : link(t.prUrl, `#${t.prNumber}`)}</td><td class="num">${formatUsd(t.costUsd)}</td><td>${time(t.createdAt)}</td><td class="num">${formatDuration(t.durationMs)}</td></tr>`,
  );
  return `<section aria-labelledby="h-recent"><h2 id="h-recent">Recent tasks</h2><table data-table="recent-tasks"><thead><tr><th>Task</th><th>Repository</th><th>Issue</th><th>State</th><th>PR</th><th class="num">Cost</th><th>Created</th><th class="num">Duration</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}

function alerts(data: DashboardData, options: DashboardHtmlOptions): string {
  const body =
    data.alerts.length === 0
      ? "<p>No alert in this window.</p>"
      : `<table data-table="alerts"><thead><tr><th>Raised</th><th>Severity</th><th>Kind</th><th>Task</th><th>Message</th></tr></thead><tbody>${data.alerts
          .map(
            (a) =>
              `<tr><td>${time(a.raisedAt)}</td><td class="${a.severity === "critical" ? "critical" : ""}">${esc(a.severity)}</td><td>${esc(a.kind)}</td><td>${a.taskId === null ? "—" : `<a href="${esc(options.taskHref(a.taskId))}">${a.taskId}</a>`}</td><td>${esc(a.message)}</td></tr>`,
          )
          .join("")}</tbody></table>`;
  return `<section aria-labelledby="h-alerts"><h2 id="h-alerts">Alerts</h2>${body}</section>`;
}

/**
 * Rows of the Gantt: the task's states, then its phase, model, GitHub and other spans in the order
 * they started; the stored model calls stand in for model spans when tracing recorded none.
 */
export function timelineRows(task: TaskTimeline, now: number): GanttRow[] {
  const phases = task.phases.map((p, i) => {
    const end = p.endedAt ?? (task.endedAt !== null ? p.startedAt : Math.max(now, p.startedAt));
    return { key: `state-${i}`, label: p.state, group: "state", startedAt: p.startedAt, durationMs: end - p.startedAt, color: kindColors.state ?? chartColors.blue, detail: `state ${p.state}: ${time(p.startedAt)}, ${formatDuration(end - p.startedAt)}${p.endedAt === null ? (task.endedAt === null ? " so far" : " (final)") : ""}` };
  });
  const spans = task.spans.filter((s) => timelineKinds.includes(s.kind)).map((s) => ({
    key: `span-${s.spanId}`,
    // Every GitHub request is on the task's repository: its path says more without the prefix.
    label: s.name.replace(" /repos/{owner}/{repo}/", " …/"),
    group: s.kind,
    startedAt: s.startedAt,
    durationMs: s.durationMs,
    color: kindColors[s.kind] ?? chartColors.pink,
    detail: `${s.kind} ${s.name}: ${formatDuration(s.durationMs)}${s.status === "error" ? ` — error${s.statusMessage ? `: ${s.statusMessage}` : ""}` : ""}`,
    error: s.status === "error",
  }));
  const calls = task.spans.some((s) => s.kind === "model")
    ? []
    : task.modelCalls.map((c) => ({
        key: `call-${c.id}`,
        label: `${c.role} · ${c.model}`,
        group: "model",
        startedAt: c.startedAt,
        durationMs: c.durationMs ?? 0,
        color: kindColors.model ?? chartColors.purple,
        detail: `model call ${c.role} on ${c.provider}/${c.model}: ${c.status}, ${formatDuration(c.durationMs ?? 0)}, ${formatUsd(c.costUsd)}, ${formatCount(c.tokens)} tokens`,
        error: c.status === "failed",
      }));
  return [...phases, ...[...spans, ...calls].sort((a, b) => a.startedAt - b.startedAt)];
}

function timeline(task: TaskTimeline, now: number): string {
  const all = timelineRows(task, now);
  const rows = all.slice(0, timelineRowLimit);
  const groups = Object.keys(groupLabels).filter((g) => rows.some((r) => r.group === g));
  const end = Math.max(task.endedAt ?? now, ...rows.map((r) => r.startedAt + r.durationMs));
  const chart = ganttChart({
    name: "task-timeline",
    title: `Timeline of task ${task.id}`,
    description: `Phases, spans and model calls of task ${task.id}.`,
    xLabel: "Time since the task was created",
    start: Math.min(task.createdAt, ...rows.map((r) => r.startedAt)),
    end,
    legend: groups.map((g) => ({ key: g, label: groupLabels[g] ?? g, color: kindColors[g] ?? chartColors.pink })),
    rows,
    formatOffset: (ms) => (ms === 0 ? "0" : `+${formatDuration(ms)}`),
  });
  const calls = task.modelCalls.map((c) => `<tr><td>${esc(c.role)}</td><td>${esc(`${c.provider}/${c.model}`)}</td><td>${esc(c.status)}</td><td class="num">${formatCount(c.tokens)}</td><td class="num">${formatUsd(c.costUsd)}</td><td class="num">${formatDuration(c.durationMs ?? 0)}</td></tr>`);
  return [
    `<section id="timeline" aria-labelledby="h-timeline"><h2 id="h-timeline">Task ${task.id}: ${esc(task.repo)}#${task.issueNumber} ${esc(task.issueTitle)}</h2>`,
    `<p>${stateBadge(task.state, task.outcome)} · created ${time(task.createdAt)}${task.prNumber === null ? "" : ` · ${link(task.prUrl, `PR #${task.prNumber}`)}`} · ${formatUsd(task.totals.costUsd)} over ${task.totals.calls} model call${task.totals.calls === 1 ? "" : "s"}</p>`,
    task.failure ? `<p><strong>Stopped:</strong> ${esc(task.failure)}</p>` : "",
    chart,
    all.length > rows.length ? `<p class="muted">${all.length - rows.length} later rows are not drawn.</p>` : "",
    calls.length === 0 ? "" : `<details><summary>Model calls</summary><table data-table="model-calls"><thead><tr><th>Role</th><th>Model</th><th>Status</th><th class="num">Tokens</th><th class="num">Cost</th><th class="num">Duration</th></tr></thead><tbody>${calls.join("")}</tbody></table></details>`,
    `</section>`,
  ].join("");
}

/** The all-tasks dashboard as one self-contained HTML page: inline CSS and SVG, no script, no request. */
export function renderDashboardHtml(data: DashboardData, options: DashboardHtmlOptions): string {
  const title = options.title ?? "Orchestrator dashboard";
  const sinceDay = new Date(data.window.since).toISOString().slice(0, 10);
  return [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${dashboardContentSecurityPolicy}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="referrer" content="no-referrer">`,
    `<title>${esc(title)}</title><style>${style}</style></head><body><main>`,
    `<header><h1>${esc(title)}</h1><p class="muted">Tasks created since ${sinceDay} (UTC) · generated ${time(data.generatedAt)}${options.jsonHref === undefined ? "" : ` · <a href="${esc(options.jsonHref)}">JSON</a>`}</p></header>`,
    data.task ? timeline(data.task, data.generatedAt) : "",
    headline(data),
    tasksOverTime(data),
    firstPassCi(data),
    costPerMergedPr(data, options),
    spendByModelRole(data),
    slowestPhases(data),
    recentTasks(data, options),
    alerts(data, options),
    `</main></body></html>`,
  ].join("\n");
}
