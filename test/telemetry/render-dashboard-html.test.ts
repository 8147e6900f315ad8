import { describe, expect, it } from "vitest";
import { approveCode, approvePlan, awaitCi, ciFailed, ciPassed, createTask, merged, startPlanning, submitChange, submitFix, submitPlan } from "../../src/engine/transitions.js";
import { raiseAlert } from "../../src/store/alerts.js";
import { finishModelCall, startModelCall } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import { insertSpans } from "../../src/store/spans.js";
import { buildDashboardData } from "../../src/telemetry/dashboard-data.js";
import { dashboardContentSecurityPolicy, renderDashboardHtml, timelineRows } from "../../src/telemetry/render-dashboard-html.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const now = Date.UTC(2026, 0, 15, 12);
const start = Date.UTC(2026, 0, 15, 9);
const hostileTitle = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
const hostileRepo = `calc"><svg onload=alert(3)>`;
const taskHref = (id: number): string => `/dashboard?task=${id}&days=14`;

/** A task that went through a red CI run and a fix to a merge, with an untrusted title and repository name. */
function mergedTask(db: Db, prUrl = "https://github.com/mona/calculator/pull/7", names = { issueTitle: hostileTitle, repo: hostileRepo }): number {
  const id = createTask(db, sampleTask(names), { at: start }).id;
  let at = start;
  startPlanning(db, id, { at: (at += 1000) });
  submitPlan(db, id, { at: (at += 60_000) });
  approvePlan(db, id, { at: (at += 10_000) });
  submitChange(db, id, { at: (at += 120_000) });
  approveCode(db, id, { at: (at += 20_000) });
  awaitCi(db, id, { at: (at += 5000), patch: { prNumber: 7, prUrl } });
  ciFailed(db, id, { at: (at += 60_000) });
  submitFix(db, id, { at: (at += 30_000) });
  awaitCi(db, id, { at: (at += 5000) });
  ciPassed(db, id, { at: (at += 60_000) });
  merged(db, id, { at: at + 60_000 });
  const call = startModelCall(db, { taskId: id, role: "implementer", provider: "anthropic", model: "claude-sonnet-5-5", requestHash: "h", startedAt: start + 80_000 });
  finishModelCall(db, call, { usage: { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.42, durationMs: 3000, response: {} });
  return id;
}

function render(db: Db, options: { taskId?: number; jsonHref?: string } = {}): string {
  return renderDashboardHtml(buildDashboardData(db, { now, ...(options.taskId === undefined ? {} : { taskId: options.taskId }) }), { taskHref, ...(options.jsonHref === undefined ? {} : { jsonHref: options.jsonHref }) });
}

function charts(html: string): string[] {
  return [...html.matchAll(/<svg [^>]*data-chart="([^"]+)"/g)].map((m) => m[1] ?? "");
}

describe("renderDashboardHtml", () => {
  it("is one HTML5 page whose Content-Security-Policy refuses scripts and every request", () => {
    const html = render(database());
    expect(html.startsWith("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(dashboardContentSecurityPolicy).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).toContain("prefers-color-scheme:dark");
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
  });

  it("has no script, no external stylesheet, image or font: it works offline and without JavaScript", () => {
    const db = database();
    // Plain names here: the escaped hostile ones would still read as "onerror=" in the text.
    const html = render(db, { taskId: mergedTask(db, undefined, { issueTitle: "Add subtraction", repo: "calculator" }) });
    expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed|<img|@import|url\(|\son[a-z]+=/i);
    expect(html).not.toMatch(/\ssrc=/i);
  });

  it("has every section and chart, and the task timeline only when a task is asked for", () => {
    const db = database();
    const id = mergedTask(db);
    const page = render(db);
    expect([...page.matchAll(/<h2 id="[^"]+">([^<]+)</g)].map((m) => m[1])).toEqual([
      "In the last 14 days",
      "Tasks over time by outcome",
      "First-pass CI rate",
      "Cost per merged PR",
      "Spend by model and role",
      "Slowest phases",
      "Recent tasks",
      "Alerts",
    ]);
    expect(charts(page)).toEqual(["tasks-by-day", "first-pass-ci", "cost-per-merged-pr", "spend-by-model-role", "slowest-phases"]);
    const withTask = render(db, { taskId: id });
    expect(charts(withTask)).toEqual(["task-timeline", "tasks-by-day", "first-pass-ci", "cost-per-merged-pr", "spend-by-model-role", "slowest-phases"]);
    expect(withTask).toContain(`<section id="timeline"`);
  });

  it("shows the headline numbers, the merged PR's cost and the first-pass CI rate", () => {
    const db = database();
    mergedTask(db);
    const html = render(db);
    expect(html).toContain("<dt>Tasks</dt><dd>1</dd>");
    expect(html).toContain("<dt>Merged PRs</dt><dd>1</dd>");
    expect(html).toContain("<dt>Spend</dt><dd>$0.4200</dd>");
    expect(html).toContain("$0.4200 on average over 1 merged pull request ($0.4200 in all).");
    expect(html).toContain("0% green first time (0 of 1 task)");
  });

  it("draws an issue title and a repository name from GitHub as text, never as markup", () => {
    const db = database();
    const html = render(db, { taskId: mergedTask(db) });
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<svg onload");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(2)&#62;");
    expect(html).toContain("mona/calc&#34;&#62;&#60;svg onload=alert(3)&#62;");
  });

  it("links each recent task with the link it was given, escaped", () => {
    const db = database();
    const id = mergedTask(db);
    const html = render(db);
    expect(html).toContain(`<tr id="task-${id}" data-task="${id}"><td><a href="/dashboard?task=${id}&#38;days=14">${id}</a></td>`);
  });

  it("links a pull request only when its stored address is http(s)", () => {
    const db = database();
    mergedTask(db, "javascript:alert(4)");
    const html = render(db);
    expect(html).not.toContain("javascript:");
    expect(html).toContain("<td>#7</td>");
    const safe = database();
    mergedTask(safe);
    expect(render(safe)).toContain(`<a href="https://github.com/mona/calculator/pull/7">#7</a>`);
  });

  it("links to the JSON when given where it is", () => {
    const db = database();
    expect(render(db, { jsonHref: "/dashboard.json?days=14" })).toContain(`<a href="/dashboard.json?days=14">JSON</a>`);
    expect(render(db)).not.toContain(">JSON</a>");
  });

  it("lists the alerts with their task's link, and says when there is none", () => {
    const db = database();
    expect(render(db)).toContain("No alert in this window.");
    const id = mergedTask(db);
    raiseAlert(db, { key: "k", kind: "task_stuck", severity: "critical", taskId: id, message: `Stuck: ${hostileTitle}`, raisedAt: now - 60_000 });
    const html = render(db);
    expect(html).toContain(`<td class="critical">critical</td><td>task_stuck</td><td><a href="/dashboard?task=${id}&#38;days=14">${id}</a></td><td>Stuck: &#60;script&#62;`);
  });

  it("draws the task's phases, its spans and, with no model span traced, its model calls on the timeline", () => {
    const db = database();
    const id = mergedTask(db);
    insertSpans(db, [
      { spanId: "1".repeat(16), traceId: "f".repeat(32), parentSpanId: null, taskId: id, name: "GET /repos/{owner}/{repo}/pulls/{pull_number}", kind: "github", startedAt: start + 200_000, durationMs: 120, status: "error", statusMessage: "502", attributes: {} },
    ]);
    const html = render(db, { taskId: id });
    const timeline = /<svg [^>]*data-chart="task-timeline"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
    expect([...timeline.matchAll(/data-group="(\w+)"/g)].map((m) => m[1])).toEqual([...Array<string>(12).fill("state"), "model", "github"]);
    expect(timeline).toContain(`data-status="error"`);
    expect(timeline).toContain("<title>model call implementer on anthropic/claude-sonnet-5-5: succeeded, 3.0 s, $0.4200, 1,500 tokens</title>");
    expect(html).toContain(`data-table="model-calls"`);
  });

  it("draws model spans instead of the stored calls once tracing records them", () => {
    const db = database();
    const id = mergedTask(db);
    insertSpans(db, [{ spanId: "2".repeat(16), traceId: "f".repeat(32), parentSpanId: null, taskId: id, name: "model implementer", kind: "model", startedAt: start + 80_000, durationMs: 3000, status: "ok", statusMessage: null, attributes: {} }]);
    const task = buildDashboardData(db, { now, taskId: id }).task;
    if (!task) throw new Error("the task's timeline is missing");
    const groups = timelineRows(task, now).map((r) => r.group);
    expect(groups.filter((g) => g === "model")).toHaveLength(1);
    expect(timelineRows(task, now).find((r) => r.group === "model")?.key).toBe(`span-${"2".repeat(16)}`);
  });
});
