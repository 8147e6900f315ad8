// npm run bench: what the observability read paths (a Prometheus scrape, the dashboards, the alert sweep) cost on a large history.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { sweepAlerts } from "../src/engine/alerts.js";
import type { Clock } from "../src/engine/clock.js";
import { TaskState } from "../src/engine/task-states.js";
import type { Transition } from "../src/engine/transitions.js";
import * as t from "../src/engine/transitions.js";
import type { Db } from "../src/store/open-database.js";
import { openDatabase } from "../src/store/open-database.js";
import type { StoredSpan } from "../src/store/spans.js";
import { insertSpans } from "../src/store/spans.js";
import { buildDashboardData } from "../src/telemetry/dashboard-data.js";
import { createMetrics } from "../src/telemetry/metrics.js";
import { renderDashboardHtml } from "../src/telemetry/render-dashboard-html.js";
import { renderTaskDashboard } from "../src/telemetry/render-task-dashboard.js";
import { buildTaskReport } from "../src/telemetry/task-report.js";
import { count, max, median, percentile, table } from "./engine-stats.js";

const taskCount = Number(process.env.BENCH_OBS_TASKS ?? 10_000);
const historyDays = 90;
const repoCount = 20;
const workingTasks = 50;
const tracedTasks = 500;
const spansPerTask = 60;
const slowMs = 100;
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = Date.UTC(2025, 5, 12, 15, 0, 0);
const clock: Clock = { now: () => now };

// A seeded generator (mulberry32): every run builds the same history.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
}
const between = (low: number, high: number): number => low + random() * (high - low);
const int = (low: number, high: number): number => Math.floor(between(low, high + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hex = (length: number): string => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join("");
const words = ["the", "plan", "adds", "a", "guard", "for", "null", "input", "in", "parse", "config", "and", "tests", "it", "with", "fixtures", "file", "src/app.ts", "function", "return"];
const filler = Array.from({ length: 20_000 }, () => pick(words)).join(" ");
const text = (bytes: number): string => {
  const start = Math.floor(random() * (filler.length - bytes));
  return filler.slice(start, start + bytes);
};

interface EventRow { readonly at: number; readonly kind: string; readonly from: TaskState | null; readonly to: TaskState | null; readonly detail: Record<string, unknown> }
interface CallRow { readonly role: string; readonly provider: string; readonly model: string; readonly status: "succeeded" | "failed"; readonly tokens: readonly [number, number, number, number]; readonly costUsd: number; readonly startedAt: number; readonly durationMs: number }

const models: Record<string, readonly (readonly [string, string])[]> = {
  planner: [["anthropic", "claude-opus-5-5"], ["openai", "gpt-5.5"]],
  plan_reviewer: [["openai", "gpt-5.4"], ["anthropic", "claude-sonnet-5-5"]],
  implementer: [["anthropic", "claude-sonnet-5-5"], ["openai", "gpt-5.5"]],
  code_reviewer: [["openai", "gpt-5.5"], ["anthropic", "claude-sonnet-4-6"]],
};
/** Bytes of the stored normalised response, replayed on resume: a plan, a review, an implementer's edits. */
const responseBytes: Record<string, readonly [number, number]> = { planner: [1500, 5000], plan_reviewer: [400, 1500], implementer: [2000, 12_000], code_reviewer: [500, 2500] };
const checks = (red: boolean): { name: string; conclusion: string }[] => [
  { name: "build", conclusion: "success" },
  { name: "test", conclusion: red ? "failure" : "success" },
  { name: "orchestrator / quality gate", conclusion: "success" },
];
const workingStates: readonly TaskState[] = [TaskState.queued, TaskState.planning, TaskState.planReview, TaskState.implementing, TaskState.codeReview, TaskState.pushing, TaskState.fixing];

/** One task's life as the engine would log it: transitions, model-call notes and the calls themselves. */
class Life {
  readonly events: EventRow[] = [];
  readonly calls: CallRow[] = [];
  state: TaskState | null = null;
  constructor(public at: number, private readonly notes = true) {}
  created(): void {
    this.events.push({ at: this.at, kind: "created", from: null, to: TaskState.queued, detail: { deliveryId: hex(32) } });
    this.state = TaskState.queued;
  }
  move(transition: Transition, waitMs: number, detail: Record<string, unknown> = {}): void {
    this.at += waitMs;
    this.events.push({ at: this.at, kind: transition.transitionName, from: this.state, to: transition.to, detail });
    this.state = transition.to;
  }
  call(role: string, note = this.notes): void {
    const [provider, model] = random() < 0.8 ? (models[role]?.[0] ?? ["anthropic", "claude-sonnet-5-5"]) : (models[role]?.[1] ?? ["openai", "gpt-5.5"]);
    const startedAt = this.at + between(200, 3000);
    const durationMs = Math.round(between(2000, role === "implementer" ? 90_000 : 40_000));
    const tokens = [int(4000, 60_000), int(300, 8000), random() < 0.7 ? int(2000, 40_000) : 0, int(0, 8000)] as const;
    const costUsd = (tokens[0] * 3 + tokens[1] * 15 + tokens[2] * 0.3 + tokens[3] * 3.75) / 1e6;
    const status = random() < 0.97 ? "succeeded" : "failed";
    this.calls.push({ role, provider, model, status, tokens, costUsd, startedAt, durationMs });
    this.at = startedAt + durationMs;
    if (status === "succeeded" && note) {
      this.events.push({ at: this.at, kind: "model_call", from: null, to: null, detail: { role, provider, model, inputTokens: tokens[0], outputTokens: tokens[1], cacheReadTokens: tokens[2], cacheWriteTokens: tokens[3], costUsd, durationMs } });
    }
  }
  /** Pushes, then waits for CI: green, or red and fixed `fixes` times first. */
  pushAndCi(fixes: number, fixCalls: number): void {
    this.move(t.awaitCi, between(5000, 20_000));
    for (let f = 0; f < fixes; f += 1) {
      this.move(t.ciFailed, between(4 * minute, 25 * minute), { checks: checks(true) });
      for (let c = 0; c < fixCalls; c += 1) this.call("implementer");
      this.move(t.submitFix, between(1000, 5000));
      this.move(t.awaitCi, between(5000, 20_000));
    }
  }
}

/** The whole way to awaiting_review: plan (maybe revised), code (maybe reworked), CI (maybe fixed). */
function happyPath(createdAt: number, callsWanted: number): Life {
  const life = new Life(createdAt);
  life.created();
  life.move(t.startPlanning, between(2000, 30_000));
  const planRounds = random() < 0.2 ? 2 : 1;
  const codeRounds = random() < 0.25 ? 2 : 1;
  const fixes = random() < 0.3 ? (random() < 0.2 ? 2 : 1) : 0;
  const implementerCalls = Math.max(codeRounds, callsWanted - 2 * planRounds - codeRounds - fixes);
  for (let r = 0; r < planRounds; r += 1) {
    life.call("planner");
    life.move(t.submitPlan, between(200, 2000));
    life.call("plan_reviewer");
    if (r < planRounds - 1) life.move(t.revisePlan, between(200, 2000), { findings: [text(120)] });
  }
  life.move(t.approvePlan, between(200, 2000));
  for (let r = 0; r < codeRounds; r += 1) {
    for (let c = 0; c < Math.ceil(implementerCalls / codeRounds); c += 1) life.call("implementer");
    life.move(t.submitChange, between(200, 2000), { files: int(1, 8) });
    life.call("code_reviewer");
    if (r < codeRounds - 1) life.move(t.requestCodeChanges, between(200, 2000), { findings: [text(150)] });
  }
  life.move(t.approveCode, between(200, 2000));
  life.pushAndCi(fixes, 1);
  life.move(t.ciPassed, between(4 * minute, 25 * minute), { checks: checks(false) });
  return life;
}

/** The first `length` events, and the calls that ended by the last of them. */
function cut(life: Life, length: number): void {
  life.events.splice(length);
  const end = life.events.at(-1)?.at ?? life.at;
  const kept = life.calls.filter((c) => c.startedAt + c.durationMs <= end);
  life.calls.splice(0, life.calls.length, ...kept);
  life.at = end;
  life.state = life.events.findLast((e) => e.to !== null)?.to ?? TaskState.queued;
}
/** Cuts the life just after a transition into one of `states`, picked at random. */
function cutInto(life: Life, states: readonly TaskState[]): void {
  const indexes = life.events.flatMap((e, i) => (e.to !== null && states.includes(e.to) ? [i] : []));
  if (indexes.length > 0) cut(life, pick(indexes) + 1);
}

/** A task's life to its fate, never past `now`. */
function lifeOf(index: number, createdAt: number): Life {
  const life = happyPath(createdAt, int(6, 10));
  if (index >= taskCount - workingTasks) {
    cutInto(life, workingStates);
  } else {
    const fate = random();
    if (fate < 0.72) {
      const by = random() < 0.5 ? t.approve : t.merged;
      life.move(by, Math.exp(between(Math.log(10 * minute), Math.log(3 * day))), by === t.approve ? { merged: true, by: "reviewer" } : { by: "reviewer" });
    } else if (fate < 0.8) {
      cutInto(life, workingStates);
      life.move(t.fail, between(1000, 10 * minute), { error: `provider error: ${text(80)}` });
    } else if (fate < 0.88) {
      if (random() < 0.4) cutInto(life, workingStates);
      life.move(t.cancel, between(10 * minute, 2 * day), { reason: "pull request closed" });
    } else if (fate < 0.96) {
      const budget = random() < 0.3;
      if (budget) cutInto(life, [TaskState.implementing, TaskState.fixing]);
      life.move(t.handToHuman, between(1000, 5 * minute), budget ? { budget: true } : { reason: "review rounds used up" });
    }
  }
  const beforeNow = life.events.findLastIndex((e) => e.at <= now) + 1;
  if (beforeNow < life.events.length) cut(life, beforeNow);
  return life;
}

/** The one big task whose check-run dashboard is measured: 2,000 model calls and 300 events. */
function bigLife(createdAt: number): Life {
  const life = new Life(createdAt, false);
  life.created();
  life.move(t.startPlanning, 5000);
  life.call("planner", true);
  life.move(t.submitPlan, 1000);
  life.call("plan_reviewer", true);
  life.move(t.approvePlan, 1000);
  for (let r = 0; r < 20; r += 1) {
    for (let c = 0; c < 60; c += 1) life.call("implementer", c % 20 === 0);
    life.move(t.submitChange, 1000);
    life.call("code_reviewer", true);
    life.move(r < 19 ? t.requestCodeChanges : t.approveCode, 1000, { findings: [text(150)] });
  }
  life.pushAndCi(0, 0);
  while (life.calls.length < 1995 - 20) {
    life.move(t.ciFailed, 10 * minute, { checks: checks(true) });
    for (let c = 0; c < 20; c += 1) life.call("implementer", false);
    life.move(t.submitFix, 1000);
    life.move(t.awaitCi, 10_000);
  }
  while (life.calls.length < 2000) life.call("implementer", false);
  while (life.events.length < 298) life.events.push({ at: life.at, kind: "ci_pending", from: null, to: null, detail: { pending: ["test"] } });
  life.move(t.ciPassed, 10 * minute, { checks: checks(false) });
  life.move(t.approve, hour, { merged: true, by: "reviewer" });
  return life;
}

const deliveryKinds: readonly (readonly [event: string, action: string | null, outcome: (id: number) => string])[] = [
  ["issue_comment", "created", () => "ignored:bot"],
  ["issue_comment", "edited", () => "ignored:unhandled"],
  ["check_run", "completed", () => "ignored:own-check"],
  ["check_run", "created", () => "ignored:unhandled"],
  ["check_suite", "completed", (id) => `enqueued:ci:${id}`],
  ["check_suite", "completed", () => "ignored:own-suite"],
  ["pull_request", "opened", () => "ignored:unhandled"],
  ["pull_request", "synchronize", () => "ignored:unhandled"],
  ["pull_request_review", "submitted", (id) => `enqueued:review:${id}`],
  ["push", null, () => "ignored:unhandled"],
  ["workflow_run", "completed", () => "ignored:unhandled"],
];

function spansOf(taskId: number, life: Life): StoredSpan[] {
  const spans: StoredSpan[] = [];
  const span = (name: string, kind: StoredSpan["kind"], startedAt: number, durationMs: number, traceId: string, parentSpanId: string | null, attributes: StoredSpan["attributes"] = {}): string => {
    const spanId = hex(16);
    spans.push({ spanId, traceId, parentSpanId, taskId, name, kind, startedAt, durationMs, status: random() < 0.98 ? "ok" : "error", statusMessage: null, attributes: { "orchestrator.task_id": taskId, ...attributes } });
    return spanId;
  };
  const transitions = life.events.filter((e) => e.to !== null);
  for (const e of transitions) {
    const trace = hex(32);
    const job = span("job advance", "job", e.at - 1500, 1500, trace, null, { "orchestrator.job_kind": "advance" });
    span(`phase ${e.from ?? "intake"}`, "phase", e.at - 1400, 1300, trace, job, { "orchestrator.state": e.from ?? "queued" });
    span("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", "github", e.at - 300, 250, trace, job, { "http.response.status_code": 200 });
  }
  for (const c of life.calls) span(`model ${c.role}`, "model", c.startedAt, c.durationMs, hex(32), null, { "gen_ai.system": c.provider, "gen_ai.request.model": c.model, "gen_ai.usage.input_tokens": c.tokens[0] });
  for (let g = 0; spans.length < spansPerTask; g += 1) {
    const e = transitions[g % transitions.length];
    if (!e) break;
    span("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", "github", e.at - 200, 150, hex(32), null, { "http.response.status_code": 200 });
  }
  return spans;
}

interface History { readonly bigTaskId: number; readonly buildMs: number; readonly rows: Record<string, number>; readonly fileMb: number }

function buildHistory(path: string): History {
  const started = performance.now();
  const db = openDatabase(path);
  const insert = {
    task: db.prepare(`INSERT INTO tasks (installation_id, owner, repo, issue_number, state, issue_title, issue_body, issue_labels, requested_by, default_branch, base_sha, branch, head_sha, pr_number, pr_url, progress_comment_id, check_run_id, failure, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, '["orchestrator"]', ?, 'main', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
    event: db.prepare("INSERT INTO task_events (task_id, at, kind, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?)"),
    call: db.prepare(`INSERT INTO model_calls (task_id, role, provider, model, request_hash, status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, started_at, duration_ms, response, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    delivery: db.prepare("INSERT INTO webhook_deliveries (delivery_id, event, action, installation_id, received_at, outcome) VALUES (?, ?, ?, ?, ?, ?)"),
    job: db.prepare("INSERT INTO jobs (kind, payload, task_id, run_at, attempts, max_attempts, state, created_at, finished_at) VALUES (?, ?, ?, ?, 1, 5, ?, ?, ?)"),
    alert: db.prepare("INSERT INTO alerts (key, kind, severity, task_id, message, raised_at) VALUES (?, ?, ?, ?, ?, ?)"),
  };
  const repos = Array.from({ length: repoCount }, (_, r) => ({ installationId: 1 + (r % 5), owner: `org-${r % 5}`, repo: `service-${r}`, issues: 0 }));
  const bigIndex = taskCount - 300;
  let bigTaskId = 0;
  db.transaction(() => {
    for (let i = 0; i < taskCount; i += 1) {
      const repo = pick(repos);
      repo.issues += 1;
      const createdAt = Math.round(now - historyDays * day + ((i + random()) / taskCount) * historyDays * day);
      const life = i === bigIndex ? bigLife(createdAt) : lifeOf(i, createdAt);
      const state = life.state ?? TaskState.queued;
      const pushed = life.events.some((e) => e.kind === t.awaitCi.transitionName);
      const prNumber = pushed ? 1000 + repo.issues : null;
      const failure = state === TaskState.failed ? String(life.events.at(-1)?.detail.error) : null;
      const row = insert.task.get(repo.installationId, repo.owner, repo.repo, repo.issues, state, `Fix: ${text(50)}`, text(int(300, 3000)), "someone", hex(40), `orchestrator/issue-${repo.issues}`, pushed ? hex(40) : null, prNumber,
        prNumber === null ? null : `https://github.com/${repo.owner}/${repo.repo}/pull/${prNumber}`, int(1e8, 2e9), int(1e8, 2e9), failure, createdAt, life.events.at(-1)?.at ?? createdAt) as { id: number };
      const id = row.id;
      if (i === bigIndex) bigTaskId = id;
      for (const e of life.events) {
        insert.event.run(id, Math.round(e.at), e.kind, e.from, e.to, JSON.stringify(e.detail));
        if (e.to !== null) insert.job.run("advance", JSON.stringify({ taskId: id }), id, Math.round(e.at) - 2000, "done", Math.round(e.at) - 2000, Math.round(e.at));
      }
      if (workingStates.includes(state)) insert.job.run("advance", JSON.stringify({ taskId: id }), id, Math.round(life.at) + 30_000, "pending", Math.round(life.at), null);
      for (const c of life.calls) {
        const [low, high] = responseBytes[c.role] ?? [500, 2000];
        insert.call.run(id, c.role, c.provider, c.model, hex(64), c.status, ...c.tokens, c.status === "succeeded" ? c.costUsd : 0, Math.round(c.startedAt), c.durationMs,
          c.status === "succeeded" ? JSON.stringify({ text: text(int(low, high)), stopReason: "end_turn" }) : null, c.status === "failed" ? "ProviderError: 529 overloaded" : null);
      }
      insert.delivery.run(hex(32), "issues", "labeled", repo.installationId, createdAt, "enqueued:intake");
      const end = Math.min(now, life.at + minute);
      for (let d = int(11, 17); d > 0; d -= 1) {
        const [event, action, outcome] = pick(deliveryKinds);
        insert.delivery.run(hex(32), event, action, repo.installationId, Math.round(between(createdAt, end)), outcome(id));
      }
      if (random() < 0.01) insert.alert.run(`budget:80:task:${id}`, "budget", "warning", id, `task ${id} has spent 80% of its budget`, Math.round(life.at));
      if (i >= taskCount - tracedTasks) insertSpans(db, spansOf(id, life));
    }
    for (let a = 0; a < 12; a += 1) {
      const at = Math.round(now - between(0, historyDays * day));
      insert.alert.run(`circuit_open:${a % 2 === 0 ? "anthropic" : "openai"}:${at}`, "circuit_open", "critical", null, "the circuit opened after 5 consecutive failures", at);
    }
  })();
  const rows: Record<string, number> = {};
  for (const name of ["tasks", "task_events", "model_calls", "webhook_deliveries", "jobs", "spans", "alerts"]) rows[name] = (db.prepare(`SELECT count(*) AS n FROM ${name}`).get() as { n: number }).n;
  // As the app's checkpointer keeps it: the log folded into the file, not read through.
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { bigTaskId, buildMs: performance.now() - started, rows, fileMb: statSync(path).size / 1e6 };
}

interface PathTiming { readonly name: string; readonly samples: readonly number[] }

async function time(name: string, runs: number, run: () => unknown): Promise<PathTiming> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  console.error(`${name}: median ${median(samples).toFixed(1)} ms over ${runs}`);
  return { name, samples };
}

async function measure(db: Db, bigTaskId: number): Promise<PathTiming[]> {
  const silent = { info: (): void => undefined, warn: (): void => undefined, error: (): void => undefined };
  const fresh = () => createMetrics({ db, clock, circuits: () => ({}), defaultMetrics: false });
  const metrics = fresh();
  const results: PathTiming[] = [];
  results.push(await time("Prometheus scrape, first of a fresh process (replays the event log)", 3, () => fresh().render()));
  await metrics.render();
  results.push(await time("Prometheus scrape, later", 10, () => metrics.render()));
  for (const [label, options] of [
    ["14 days", { now, days: 14 }],
    ["14 days + the big task's timeline", { now, days: 14, taskId: bigTaskId }],
    ["90 days", { now, days: 90 }],
  ] as const) {
    const data = buildDashboardData(db, options);
    results.push(await time(`dashboard data, ${label}`, 5, () => buildDashboardData(db, options)));
    results.push(await time(`dashboard HTML, ${label}`, 5, () => renderDashboardHtml(data, { taskHref: (id) => `/dashboard?task=${id}` })));
  }
  const report = buildTaskReport(db, bigTaskId);
  results.push(await time("check-run dashboard: buildTaskReport (2,000 calls, 300 events)", 5, () => buildTaskReport(db, bigTaskId)));
  results.push(await time("check-run dashboard: renderTaskDashboard", 5, () => renderTaskDashboard(report, now, { budget: { usd: 50, tokens: 50_000_000 } })));
  results.push(await time("alert sweep (first run raises the stuck-task alerts)", 10, () => sweepAlerts({ db, clock, log: silent }, { failureRate: 0.5, windowMs: hour, minTasks: 4 })));
  return results;
}

const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), "orchestrator-bench-observability-"));
try {
  const path = join(dir, "orchestrator.db");
  const history = buildHistory(path);
  console.error(`built the history in ${(history.buildMs / 1000).toFixed(1)} s: ${Object.entries(history.rows).map(([k, v]) => `${k} ${count(v)}`).join(", ")}; ${history.fileMb.toFixed(0)} MB`);
  const db = openDatabase(path);
  const results = await measure(db, history.bigTaskId);
  db.close();
  const wallSeconds = (performance.now() - started) / 1000;
  const ms1 = (v: number): string => `${v.toFixed(1)} ms`;
  const slow = results.filter((r) => median(r.samples) > slowMs);
  const r = history.rows;
  console.log(
    [
      "## Observability read paths",
      "",
      `Each runs synchronously on the app's event loop (better-sqlite3). Measured on a history of ${count(r.tasks ?? 0)} tasks over ${historyDays} days across ${repoCount} repositories, built straight into a fresh SQLite file (WAL, checkpointed) in ${(history.buildMs / 1000).toFixed(1)} s: ${count(r.task_events ?? 0)} task events, ${count(r.model_calls ?? 0)} model calls (with their stored responses), ${count(r.webhook_deliveries ?? 0)} webhook deliveries, ${count(r.jobs ?? 0)} jobs, ${count(r.spans ?? 0)} spans (the latest ${tracedTasks} tasks), ${count(r.alerts ?? 0)} alerts; ${history.fileMb.toFixed(0)} MB. ${workingTasks} tasks are in working states; one task has 2,000 model calls and 300 events. The read paths are the real modules on a reopened connection; times are wall-clock per call. Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}. Whole benchmark ${wallSeconds.toFixed(0)} s.`,
      "",
      table(["read path", "runs", "median", "p90", "max"], results.map((x) => [x.name, String(x.samples.length), ms1(median(x.samples)), ms1(percentile(x.samples, 90)), ms1(max(x.samples))])),
      "",
      ...(slow.length === 0 ? [`No path's median is above ${slowMs} ms.`] : slow.map((x) => `- ${x.name} blocks the event loop for ${median(x.samples).toFixed(0)} ms`)),
    ].join("\n"),
  );
  const summary = {
    tasks: r.tasks,
    rows: history.rows,
    fileMb: Math.round(history.fileMb),
    buildSeconds: Number((history.buildMs / 1000).toFixed(1)),
    paths: Object.fromEntries(results.map((x) => [x.name, { medianMs: Number(median(x.samples).toFixed(1)), p90Ms: Number(percentile(x.samples, 90).toFixed(1)), maxMs: Number(max(x.samples).toFixed(1)) }])),
    blocking: slow.map((x) => x.name),
    wallSeconds: Math.round(wallSeconds),
  };
  console.log(JSON.stringify(summary));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
