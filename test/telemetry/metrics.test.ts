import { register } from "prom-client";
import { describe, expect, it } from "vitest";
import type { CircuitState } from "../../src/engine/circuit-breaker.js";
import { TaskState } from "../../src/engine/task-states.js";
import type { Transition } from "../../src/engine/transitions.js";
import {
  approve,
  approveCode,
  approvePlan,
  awaitCi,
  cancel,
  ciFailed,
  ciPassed,
  createTask,
  handToHuman,
  resumeFixing,
  startPlanning,
  submitChange,
  submitFix,
  submitPlan,
} from "../../src/engine/transitions.js";
import type { AlertKind, AlertSeverity } from "../../src/store/alerts.js";
import { raiseAlert } from "../../src/store/alerts.js";
import { pruneDeliveries, recordDelivery, setDeliveryOutcome } from "../../src/store/deliveries.js";
import { buryJob, claimJob, completeJob, enqueueJob } from "../../src/store/jobs.js";
import { failModelCall, finishModelCall, startModelCall } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import { appendTaskEvent } from "../../src/store/task-events.js";
import type { Metrics, MetricsOptions } from "../../src/telemetry/metrics.js";
import { createMetrics, phaseBuckets } from "../../src/telemetry/metrics.js";
import { ManualClock } from "../support/manual-clock.js";
import { sampleTask, useTempFolder } from "../support/temp-database.js";

const folder = useTempFolder();

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

interface Exposition {
  readonly samples: readonly Sample[];
  readonly help: ReadonlyMap<string, string>;
  readonly types: ReadonlyMap<string, string>;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(?:,|$)/y;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  labelPair.lastIndex = 0;
  while (labelPair.lastIndex < text.length) {
    const match = labelPair.exec(text);
    if (!match?.[1] || match[2] === undefined) throw new Error(`cannot parse the labels of: ${line}`);
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

/** Prometheus reads values with Go's ParseFloat: NaN in any case (prom-client writes `Nan`), ±Inf. */
function parseValue(text: string, line: string): number {
  if (/^nan$/i.test(text)) return NaN;
  const value = text === "+Inf" ? Infinity : text === "-Inf" ? -Infinity : Number(text);
  if (Number.isNaN(value)) throw new Error(`cannot parse the value of: ${line}`);
  return value;
}

/** The Prometheus text format, strictly: every line is a HELP, a TYPE, a sample or blank. */
function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment?.[1] && comment[2] && comment[3]) {
      if (comment[1] === "HELP") help.set(comment[2], comment[3]);
      else if (["counter", "gauge", "histogram", "summary", "untyped"].includes(comment[3])) types.set(comment[2], comment[3]);
      else throw new Error(`unknown type in: ${line}`);
      continue;
    }
    const match = sampleLine.exec(line);
    if (!match?.[1] || match[3] === undefined) throw new Error(`not a sample line: ${line}`);
    samples.push({ name: match[1], labels: parseLabels(match[2] ?? "", line), value: parseValue(match[3], line) });
  }
  return { samples, help, types };
}

/** The family a sample belongs to: a histogram's or summary's `_bucket`, `_sum` and `_count` are its own. */
function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return base !== name && (types.get(base) === "histogram" || types.get(base) === "summary") ? base : name;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value;
}

function namedLike(samples: readonly Sample[], name: string): Sample[] {
  return samples.filter((s) => s.name === name);
}

/** A family's values keyed by one label's value. */
function byLabel(samples: readonly Sample[], name: string, label: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const sample of namedLike(samples, name)) values[sample.labels[label] ?? ""] = sample.value;
  return values;
}

async function scrape(metrics: Metrics): Promise<readonly Sample[]> {
  return parseExposition(await metrics.render()).samples;
}

function metricsOn(db: Db, clock: ManualClock, overrides: Partial<MetricsOptions> = {}): Metrics {
  return createMetrics({ db, clock, circuits: () => ({}), defaultMetrics: false, ...overrides });
}

interface Step {
  readonly afterSeconds: number;
  readonly apply: (db: Db, taskId: number, at: number) => void;
}

const go = (transition: Transition, afterSeconds: number): Step => ({
  afterSeconds,
  apply: (db, taskId, at) => {
    transition(db, taskId, { at });
  },
});

/** A note in the task's log (no state change), as a model call leaves. */
const note = (afterSeconds: number): Step => ({
  afterSeconds,
  apply: (db, taskId, at) => {
    appendTaskEvent(db, { taskId, at, kind: "model_call", detail: { role: "planner" } });
  },
});

function walk(db: Db, clock: ManualClock, issueNumber: number, steps: readonly Step[]): number {
  const task = createTask(db, sampleTask({ issueNumber }), { at: clock.now() });
  for (const step of steps) {
    clock.advance(step.afterSeconds * 1000);
    step.apply(db, task.id, clock.now());
  }
  return task.id;
}

const toAwaitingCi = [go(startPlanning, 1), go(submitPlan, 1), go(approvePlan, 1), go(submitChange, 1), go(approveCode, 1), go(awaitCi, 1)];

/**
 * Five tasks. A: green CI first (a note inside plan review). B: red, a fix, green, approved.
 * C: cancelled while planning. D: handed to a person from awaiting_ci, then retried into fixing.
 * E: handed to a person while planning (not a CI verdict).
 */
function buildHistory(db: Db, clock: ManualClock): void {
  walk(db, clock, 1, [go(startPlanning, 2), go(submitPlan, 40), note(5), go(approvePlan, 15), go(submitChange, 200), go(approveCode, 30), go(awaitCi, 3), go(ciPassed, 400)]);
  walk(db, clock, 2, [
    go(startPlanning, 1),
    go(submitPlan, 100),
    go(approvePlan, 10),
    go(submitChange, 700),
    go(approveCode, 30),
    go(awaitCi, 4),
    go(ciFailed, 200),
    go(submitFix, 500),
    go(awaitCi, 2),
    go(ciPassed, 100),
    go(approve, 3600),
  ]);
  walk(db, clock, 3, [go(startPlanning, 0.05), go(cancel, 7200)]);
  walk(db, clock, 4, [...toAwaitingCi, go(handToHuman, 50), go(resumeFixing, 20)]);
  walk(db, clock, 5, [go(startPlanning, 1), go(handToHuman, 30)]);
}

describe("Prometheus metrics read from the store", () => {
  it("counts each task once per state it ever entered, and the tasks in each state now", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    buildHistory(db, clock);

    const samples = await scrape(metricsOn(db, clock));

    const entered = byLabel(samples, "orchestrator_tasks_total", "state");
    expect(entered).toEqual({
      queued: 5,
      planning: 5,
      plan_review: 3,
      awaiting_plan_approval: 0,
      implementing: 3,
      code_review: 3,
      pushing: 3,
      awaiting_ci: 3,
      fixing: 2,
      awaiting_review: 2,
      revising: 0,
      done: 1,
      cancelled: 1,
      failed: 0,
      needs_human: 2,
    });
    const now = byLabel(samples, "orchestrator_tasks_in_state", "state");
    expect(Object.entries(now).filter(([, n]) => n > 0)).toEqual([
      ["fixing", 1],
      ["awaiting_review", 1],
      ["done", 1],
      ["cancelled", 1],
      ["needs_human", 1],
    ]);
    expect(now.planning).toBe(0);
  });

  it("puts each finished phase's duration under the state it left, notes in between ignored, open phases left out", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    buildHistory(db, clock);

    const samples = await scrape(metricsOn(db, clock));

    const count = (phase: string): number | undefined => valueOf(samples, "orchestrator_phase_duration_seconds_count", { phase });
    const sum = (phase: string): number | undefined => valueOf(samples, "orchestrator_phase_duration_seconds_sum", { phase });
    const bucket = (phase: string, le: string): number | undefined => valueOf(samples, "orchestrator_phase_duration_seconds_bucket", { phase, le });
    expect(count("queued")).toBe(5);
    expect(sum("queued")).toBeCloseTo(5.05, 9);
    expect([bucket("queued", "0.1"), bucket("queued", "0.5"), bucket("queued", "1"), bucket("queued", "5"), bucket("queued", "+Inf")]).toEqual([1, 1, 4, 5, 5]);
    expect([count("planning"), sum("planning")]).toEqual([5, 40 + 100 + 7200 + 1 + 30]);
    expect([count("plan_review"), sum("plan_review")]).toEqual([3, 20 + 10 + 1]);
    expect([count("pushing"), sum("pushing")]).toEqual([4, 3 + 4 + 2 + 1]);
    expect([count("awaiting_ci"), sum("awaiting_ci")]).toEqual([4, 400 + 200 + 100 + 50]);
    expect([bucket("awaiting_ci", "30"), bucket("awaiting_ci", "60"), bucket("awaiting_ci", "120"), bucket("awaiting_ci", "300"), bucket("awaiting_ci", "600")]).toEqual([0, 1, 2, 3, 4]);
    expect([count("fixing"), sum("fixing")]).toEqual([1, 500]);
    expect([bucket("awaiting_review", "1800"), bucket("awaiting_review", "3600"), count("awaiting_review")]).toEqual([0, 1, 1]);
    expect([count("needs_human"), sum("needs_human")]).toEqual([1, 20]);
    // Terminal states never end: no series for them.
    expect(count("done")).toBeUndefined();
    expect(count("cancelled")).toBeUndefined();
    expect(namedLike(samples, "orchestrator_phase_duration_seconds_bucket").filter((s) => s.labels.phase === "queued").map((s) => s.labels.le)).toEqual([
      ...phaseBuckets.map(String),
      "+Inf",
    ]);
  });

  it("counts tasks with a CI verdict, those whose first verdict was green, and fix attempts started", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    buildHistory(db, clock);

    const metrics = metricsOn(db, clock);
    const samples = await scrape(metrics);

    // A green first; B red first (then green); D handed to a person out of awaiting_ci. E's hand-off was not about CI.
    expect(valueOf(samples, "orchestrator_ci_first_verdicts_total")).toBe(3);
    expect(valueOf(samples, "orchestrator_ci_first_pass_total")).toBe(1);
    // B's ci_failed, D's retry into fixing.
    expect(valueOf(samples, "orchestrator_fix_attempts_total")).toBe(2);

    walk(db, clock, 6, [...toAwaitingCi, go(ciPassed, 60)]);
    const later = await scrape(metrics);
    expect([valueOf(later, "orchestrator_ci_first_verdicts_total"), valueOf(later, "orchestrator_ci_first_pass_total")]).toEqual([4, 2]);
  });

  it("reports zero CI verdicts and fix attempts on an empty store", async () => {
    const db = folder.open();

    const samples = await scrape(metricsOn(db, new ManualClock()));

    expect(valueOf(samples, "orchestrator_ci_first_verdicts_total")).toBe(0);
    expect(valueOf(samples, "orchestrator_ci_first_pass_total")).toBe(0);
    expect(valueOf(samples, "orchestrator_fix_attempts_total")).toBe(0);
  });

  it("sums tokens and cost per provider, model and role, and counts calls by status", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    const taskId = createTask(db, sampleTask(), { at: clock.now() }).id;
    const call = (provider: string, model: string, role: string, hash: string): number =>
      startModelCall(db, { taskId, role, provider, model, requestHash: hash, startedAt: clock.now() });
    finishModelCall(db, call("anthropic", "claude-a", "planner", "h1"), {
      usage: { inputTokens: 1_000, outputTokens: 200, cacheReadTokens: 3_000, cacheWriteTokens: 500 },
      costUsd: 0.25,
      durationMs: 900,
      response: {},
    });
    finishModelCall(db, call("anthropic", "claude-a", "planner", "h2"), {
      usage: { inputTokens: 500, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0.125,
      durationMs: 400,
      response: {},
    });
    failModelCall(db, call("anthropic", "claude-a", "planner", "h3"), 100, "overloaded");
    finishModelCall(db, call("openai", "gpt-b", "implementer", "h4"), {
      usage: { inputTokens: 2_000, outputTokens: 800, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0.5,
      durationMs: 2_000,
      response: {},
    });
    call("openai", "gpt-b", "implementer", "h5");

    const metrics = metricsOn(db, clock);
    const samples = await scrape(metrics);

    const tokens = (provider: string, model: string, role: string, kind: string): number | undefined =>
      valueOf(samples, "orchestrator_llm_tokens_total", { provider, model, role, kind });
    expect(["input", "output", "cache_read", "cache_write"].map((k) => tokens("anthropic", "claude-a", "planner", k))).toEqual([1_500, 300, 3_000, 500]);
    expect(["input", "output", "cache_read", "cache_write"].map((k) => tokens("openai", "gpt-b", "implementer", k))).toEqual([2_000, 800, 0, 0]);
    expect(namedLike(samples, "orchestrator_llm_tokens_total")).toHaveLength(8);
    expect(valueOf(samples, "orchestrator_llm_cost_usd_total", { provider: "anthropic", model: "claude-a", role: "planner" })).toBe(0.375);
    expect(valueOf(samples, "orchestrator_llm_cost_usd_total", { provider: "openai", model: "gpt-b", role: "implementer" })).toBe(0.5);
    expect(
      namedLike(samples, "orchestrator_llm_calls_total")
        .map((s) => [s.labels.provider, s.labels.model, s.labels.role, s.labels.status, s.value])
        .sort(),
    ).toEqual([
      ["anthropic", "claude-a", "planner", "failed", 1],
      ["anthropic", "claude-a", "planner", "succeeded", 2],
      ["openai", "gpt-b", "implementer", "started", 1],
      ["openai", "gpt-b", "implementer", "succeeded", 1],
    ]);

    finishModelCall(db, call("openai", "gpt-b", "implementer", "h6"), {
      usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0.25,
      durationMs: 100,
      response: {},
    });
    const later = await scrape(metrics);
    expect(valueOf(later, "orchestrator_llm_tokens_total", { provider: "openai", model: "gpt-b", role: "implementer", kind: "input" })).toBe(2_010);
    expect(valueOf(later, "orchestrator_llm_cost_usd_total", { provider: "openai", model: "gpt-b", role: "implementer" })).toBe(0.75);
  });

  it("counts webhook deliveries by event and the outcome before its first ':'", async () => {
    const db = folder.open();
    const deliveries: readonly (readonly [string, string])[] = [
      ["issues", "enqueued"],
      ["issues", "enqueued"],
      ["issues", "ignored:not-the-label"],
      ["issues", "ignored:unhandled"],
      ["pull_request", "task:3"],
      ["pull_request", "ignored"],
      ["check_suite", "malformed:check_suite.head_sha"],
      ["issue_comment", "refused:permission:read"],
    ];
    for (const [i, [event, outcome]] of deliveries.entries()) {
      recordDelivery(db, { deliveryId: `delivery-${i}`, event, action: null, installationId: 20, receivedAt: 1_000 + i }, outcome);
    }

    const samples = await scrape(metricsOn(db, new ManualClock()));

    expect(
      namedLike(samples, "orchestrator_webhooks_total")
        .map((s) => [s.labels.event, s.labels.outcome, s.value])
        .sort(),
    ).toEqual([
      ["check_suite", "malformed", 1],
      ["issue_comment", "refused", 1],
      ["issues", "enqueued", 2],
      ["issues", "ignored", 2],
      ["pull_request", "ignored", 1],
      ["pull_request", "task", 1],
    ]);
  });

  it("measures the runnable queue: due, unleased pending jobs and how long the oldest has waited", async () => {
    const db = folder.open();
    const clock = new ManualClock(9_800_000);
    const job = (runAt: number): number => {
      const id = enqueueJob(db, { kind: "advance", payload: {}, runAt }, clock.now());
      if (id === undefined) throw new Error("the job was not enqueued");
      return id;
    };
    // Leased for 30 s at 9,800 s: the lease has lapsed by 10,000 s, so it is runnable again.
    const lapsed = job(9_700_000);
    expect(claimJob(db, "worker-a", clock.now(), 30_000)?.id).toBe(lapsed);
    clock.at = 10_000_000;
    const leased = job(9_600_000);
    expect(claimJob(db, "worker-b", clock.now(), 60_000)?.id).toBe(leased);
    job(9_990_000);
    job(10_050_000);
    completeJob(db, job(9_000_000), clock.now());
    buryJob(db, job(9_100_000), clock.now(), "gave up");
    const metrics = metricsOn(db, clock);

    const now = await scrape(metrics);
    expect(valueOf(now, "orchestrator_queue_depth")).toBe(2);
    expect(valueOf(now, "orchestrator_queue_lag_seconds")).toBe(300);

    // A minute later the lease has run out and the future job is due.
    clock.advance(60_000);
    const later = await scrape(metrics);
    expect(valueOf(later, "orchestrator_queue_depth")).toBe(4);
    expect(valueOf(later, "orchestrator_queue_lag_seconds")).toBe(460);
  });

  it("maps circuits to 0 closed, 1 half open, 2 open, shows configured providers before any call, and drops providers no longer reported", async () => {
    const db = folder.open();
    let circuits: Record<string, CircuitState> = { anthropic: "open", openai: "half_open", extra: "closed" };
    const metrics = metricsOn(db, new ManualClock(), { circuits: () => circuits, providers: ["anthropic", "openai", "local"] });

    const first = namedLike(await scrape(metrics), "orchestrator_circuit_state").map((s) => [s.labels.provider, s.value]);
    expect(first.sort()).toEqual([
      ["anthropic", 2],
      ["extra", 0],
      ["local", 0],
      ["openai", 1],
    ]);

    circuits = { anthropic: "closed" };
    const second = namedLike(await scrape(metrics), "orchestrator_circuit_state").map((s) => [s.labels.provider, s.value]);
    expect(second.sort()).toEqual([
      ["anthropic", 0],
      ["local", 0],
      ["openai", 0],
    ]);
  });

  it("counts alerts by kind and severity, an alert raised twice once", async () => {
    const db = folder.open();
    const raise = (key: string, kind: AlertKind, severity: AlertSeverity): void => {
      raiseAlert(db, { key, kind, severity, taskId: null, message: key, raisedAt: 1_000 });
    };
    raise("budget:task:1:80", "budget", "warning");
    raise("budget:task:2:80", "budget", "warning");
    raise("budget:task:2:80", "budget", "warning");
    raise("budget:task:2:100", "budget", "critical");
    raise("circuit_open:openai:1", "circuit_open", "critical");

    const samples = await scrape(metricsOn(db, new ManualClock()));

    expect(
      namedLike(samples, "orchestrator_alerts_total")
        .map((s) => [s.labels.kind, s.labels.severity, s.value])
        .sort(),
    ).toEqual([
      ["budget", "critical", 1],
      ["budget", "warning", 2],
      ["circuit_open", "critical", 1],
    ]);
  });

  it("drops a label set the store no longer has instead of keeping its last value", async () => {
    const db = folder.open();
    recordDelivery(db, { deliveryId: "d-1", event: "issues", action: "labeled", installationId: 20, receivedAt: 1_000 }, "enqueued");
    const metrics = metricsOn(db, new ManualClock());
    expect(valueOf(await scrape(metrics), "orchestrator_webhooks_total", { event: "issues", outcome: "enqueued" })).toBe(1);

    setDeliveryOutcome(db, "d-1", "task:1");

    const samples = await scrape(metrics);
    expect(namedLike(samples, "orchestrator_webhooks_total").map((s) => [s.labels.event, s.labels.outcome, s.value])).toEqual([["issues", "task", 1]]);
  });

  it("keeps counting the deliveries pruned past their retention, so the counter never goes down", async () => {
    const db = folder.open();
    const delivery = (id: string, receivedAt: number): void => {
      recordDelivery(db, { deliveryId: id, event: "issues", action: "labeled", installationId: 20, receivedAt }, "ignored:not-labelled");
    };
    delivery("old-1", 1_000);
    delivery("old-2", 2_000);
    delivery("new-1", 90_000);
    const metrics = metricsOn(db, new ManualClock());
    const before = valueOf(await scrape(metrics), "orchestrator_webhooks_total", { event: "issues", outcome: "ignored" });

    expect(pruneDeliveries(db, 50_000)).toBe(2);
    delivery("new-2", 95_000);

    expect(before).toBe(3);
    expect(valueOf(await scrape(metrics), "orchestrator_webhooks_total", { event: "issues", outcome: "ignored" })).toBe(4);
    expect(pruneDeliveries(db, 100_000)).toBe(2);
    expect(valueOf(await scrape(metrics), "orchestrator_webhooks_total", { event: "issues", outcome: "ignored" })).toBe(4);
  });

  it("renders valid text exposition: every line parses, every family has HELP and TYPE, process metrics included", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    buildHistory(db, clock);
    const metrics = createMetrics({ db, clock, circuits: () => ({ anthropic: "open" }) });

    const text = await metrics.render();
    const { samples, help, types } = parseExposition(text);

    expect(metrics.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    for (const sample of samples) {
      const family = familyOf(sample.name, types);
      expect(help.has(family), `HELP for ${family}`).toBe(true);
      expect(types.has(family), `TYPE for ${family}`).toBe(true);
    }
    expect(types.get("orchestrator_tasks_total")).toBe("counter");
    expect(types.get("orchestrator_tasks_in_state")).toBe("gauge");
    // Under OpenMetrics a counter's family drops `_total`: no other family may have that name.
    const names = [...types.keys()];
    for (const name of names.filter((n) => types.get(n) === "counter" && n.endsWith("_total"))) expect(names, name).not.toContain(name.slice(0, -"_total".length));
    expect(types.get("orchestrator_phase_duration_seconds")).toBe("histogram");
    expect(types.get("orchestrator_queue_lag_seconds")).toBe("gauge");
    expect(help.get("orchestrator_circuit_state")).toContain("0 closed, 1 half open, 2 open");
    expect(help.get("orchestrator_ci_first_pass_total")).toContain("first CI verdict was green");
    expect(help.get("orchestrator_ci_first_verdicts_total")).toContain("at least one CI verdict");
    expect(types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(valueOf(samples, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });

  it("lists in series() exactly the samples the text shows, histogram buckets with le", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    buildHistory(db, clock);
    const metrics = metricsOn(db, clock, { circuits: () => ({ openai: "half_open" }) });

    const series = await metrics.series();
    const samples = await scrape(metrics);

    expect(series).toHaveLength(samples.length);
    for (const sample of samples) expect(series).toContainEqual(sample);
    expect(series).toContainEqual({ name: "orchestrator_phase_duration_seconds_bucket", labels: { phase: "awaiting_ci", le: "120" }, value: 2 });
    expect(series).toContainEqual({ name: "orchestrator_phase_duration_seconds_count", labels: { phase: "awaiting_ci" }, value: 4 });
    expect(series).toContainEqual({ name: "orchestrator_phase_duration_seconds_sum", labels: { phase: "awaiting_ci" }, value: 750 });
    expect(series).toContainEqual({ name: "orchestrator_circuit_state", labels: { provider: "openai" }, value: 1 });
  });

  it("keeps two apps in one process apart: each registry reads its own store and neither touches the global one", async () => {
    const clock = new ManualClock();
    const busy = folder.open("busy.db");
    const idle = folder.open("idle.db");
    buildHistory(busy, clock);
    const globalBefore = await register.metrics();

    const busyMetrics = metricsOn(busy, clock, { circuits: () => ({ anthropic: "open" }) });
    const idleMetrics = metricsOn(idle, clock);
    const busySamples = await scrape(busyMetrics);
    const idleSamples = await scrape(idleMetrics);

    expect(busyMetrics.registry).not.toBe(idleMetrics.registry);
    expect(valueOf(busySamples, "orchestrator_tasks_total", { state: "queued" })).toBe(5);
    expect(valueOf(idleSamples, "orchestrator_tasks_total", { state: "queued" })).toBe(0);
    expect(valueOf(busySamples, "orchestrator_phase_duration_seconds_count", { phase: "queued" })).toBe(5);
    expect(namedLike(idleSamples, "orchestrator_phase_duration_seconds_count")).toEqual([]);
    expect(valueOf(busySamples, "orchestrator_circuit_state", { provider: "anthropic" })).toBe(2);
    expect(namedLike(idleSamples, "orchestrator_circuit_state")).toEqual([]);
    expect(valueOf(idleSamples, "orchestrator_queue_depth")).toBe(0);
    expect(valueOf(idleSamples, "orchestrator_queue_lag_seconds")).toBe(0);
    expect(await register.metrics()).toBe(globalBefore);
  });

  it("adds only new transitions to the phase histogram on later scrapes, and a new process rebuilds the same histogram", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    const metrics = metricsOn(db, clock);
    const taskId = walk(db, clock, 1, [go(startPlanning, 10), go(submitPlan, 50)]);
    const phases = (samples: readonly Sample[]): Sample[] => samples.filter((s) => s.name.startsWith("orchestrator_phase_duration_seconds_") && s.labels.le === undefined);

    const first = phases(await scrape(metrics));
    expect(first.map((s) => [s.name, s.labels.phase, s.value])).toEqual([
      ["orchestrator_phase_duration_seconds_sum", "queued", 10],
      ["orchestrator_phase_duration_seconds_count", "queued", 1],
      ["orchestrator_phase_duration_seconds_sum", "planning", 50],
      ["orchestrator_phase_duration_seconds_count", "planning", 1],
    ]);
    expect(phases(await scrape(metrics))).toEqual(first);

    clock.advance(5_000);
    approvePlan(db, taskId, { at: clock.now() });
    clock.advance(7_000);
    submitChange(db, taskId, { at: clock.now() });
    const second = await scrape(metrics);

    expect(valueOf(second, "orchestrator_phase_duration_seconds_count", { phase: "planning" })).toBe(1);
    expect(valueOf(second, "orchestrator_phase_duration_seconds_sum", { phase: "plan_review" })).toBe(5);
    expect(valueOf(second, "orchestrator_phase_duration_seconds_sum", { phase: "implementing" })).toBe(7);
    const histogram = (samples: readonly Sample[]): Sample[] => samples.filter((s) => s.name.startsWith("orchestrator_phase_duration_seconds"));
    expect(histogram(await scrape(metricsOn(db, clock)))).toEqual(histogram(second));
  });

  it("does not count a hand-off to a person outside awaiting_ci as a CI verdict", async () => {
    const db = folder.open();
    const clock = new ManualClock();
    walk(db, clock, 1, [go(startPlanning, 1), go(handToHuman, 1)]);
    walk(db, clock, 2, [...toAwaitingCi, go(handToHuman, 1)]);

    const samples = await scrape(metricsOn(db, clock));

    expect(valueOf(samples, "orchestrator_ci_first_verdicts_total")).toBe(1);
    expect(valueOf(samples, "orchestrator_ci_first_pass_total")).toBe(0);
    expect(valueOf(samples, "orchestrator_tasks_in_state", { state: TaskState.needsHuman })).toBe(2);
  });
});
