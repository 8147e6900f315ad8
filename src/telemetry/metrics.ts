/*
 * Prometheus metrics, read from the store when they are scraped, never counted as things happen:
 * the store is the truth, it survives restarts, and a webhook-only process and a worker process
 * that share one database report the same numbers. Each metric's `collect` runs an aggregate query
 * and replaces the metric's values, so a label set that no longer exists disappears. The one
 * exception is the phase histogram, fed from the append-only event log since its last scrape.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CircuitState } from "../engine/circuit-breaker.js";
import type { Clock } from "../engine/clock.js";
import { allTaskStates, TaskState } from "../engine/task-states.js";
import { ciFailed, ciPassed, handToHuman } from "../engine/transitions.js";
import { outcomeClassSql } from "../store/deliveries.js";
import type { Db } from "../store/open-database.js";
import { statement } from "../store/statement-cache.js";

/** One sample of the exposition: histogram buckets appear as `<name>_bucket` with `le`, then `_sum` and `_count`. */
export interface MetricSeries {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface MetricsOptions {
  readonly db: Db;
  /** Queue depth and lag are measured against it. */
  readonly clock: Clock;
  /** Each provider's circuit as this process's breakers see it now. */
  readonly circuits: () => Readonly<Record<string, CircuitState>>;
  /** The configured providers: their circuit shows (closed) before their first call. */
  readonly providers?: readonly string[];
  /** prom-client's process metrics (CPU, memory, event loop lag) on this registry; on unless false. */
  readonly defaultMetrics?: boolean;
}

export interface Metrics {
  /** This app's own registry, never prom-client's global one: several apps may share a process. */
  readonly registry: Registry;
  readonly contentType: string;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  /** Every sample, flattened, for a JSON report. */
  series(): Promise<MetricSeries[]>;
}

/** Seconds to a day: a phase can end in a moment (a transition) or wait hours (CI, a person's review). */
export const phaseBuckets: readonly number[] = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

const circuitLevel: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

const TokenKind = { input: "input", output: "output", cacheRead: "cache_read", cacheWrite: "cache_write" } as const;

type Sample<L extends string> = readonly [labels: Record<L, string>, value: number];

const sql = {
  tasksEntered: "SELECT to_state AS state, count(DISTINCT task_id) AS n FROM task_events WHERE to_state IS NOT NULL GROUP BY to_state",
  tasksNow: "SELECT state, count(*) AS n FROM tasks GROUP BY state",
  // A transition closes the phase its task was in: the state its previous transition entered. Only
  // events after the last one seen are read (the log is append-only; SQLite's single writer hands
  // out ids in commit order, so no event appears later below the mark).
  finishedPhases: `
    SELECT p.to_state AS phase, e.at - p.at AS ms, e.id AS id
    FROM task_events e
    JOIN task_events p ON p.id = (
      SELECT q.id FROM task_events q WHERE q.task_id = e.task_id AND q.id < e.id AND q.to_state IS NOT NULL ORDER BY q.id DESC LIMIT 1)
    WHERE e.id > ? AND e.to_state IS NOT NULL
    ORDER BY e.id`,
  modelSpend: `
    SELECT provider, model, role, sum(input_tokens) AS input, sum(output_tokens) AS output,
      sum(cache_read_tokens) AS cache_read, sum(cache_write_tokens) AS cache_write, sum(cost_usd) AS cost
    FROM model_calls GROUP BY provider, model, role`,
  modelCalls: "SELECT provider, model, role, status, count(*) AS n FROM model_calls GROUP BY provider, model, role, status",
  // Each task's first CI verdict (SQLite takes the bare `kind` from the row holding min(id)).
  firstVerdicts: `
    SELECT count(*) AS verdicts, coalesce(sum(kind = @passed), 0) AS passed FROM (
      SELECT kind, min(id) FROM task_events
      WHERE kind IN (@passed, @failed) OR (kind = @handed AND from_state = @awaitingCi)
      GROUP BY task_id)`,
  transitionsInto: "SELECT count(*) AS n FROM task_events WHERE to_state = ?",
  // Deliveries past their retention live on as counts (see pruneDeliveries).
  webhooks: `
    SELECT event, outcome, sum(n) AS n FROM (
      SELECT event, outcome, n FROM webhook_delivery_counts
      UNION ALL
      SELECT event, ${outcomeClassSql} AS outcome, count(*) AS n FROM webhook_deliveries GROUP BY 1, 2)
    GROUP BY 1, 2`,
  // Runnable now: due, and not leased (a lapsed lease is claimable again, as claimJob sees it).
  readyJobs: "SELECT count(*) AS depth, min(run_at) AS oldest FROM jobs WHERE state = 'pending' AND run_at <= @now AND (locked_until IS NULL OR locked_until <= @now)",
  alerts: "SELECT kind, severity, count(*) AS n FROM alerts GROUP BY kind, severity",
} as const;

interface ModelSpend {
  provider: string;
  model: string;
  role: string;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  cost: number;
}

/** A metric whose values are read from the store on every scrape, replacing the previous ones. */
interface StoredMetric<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly read: () => Iterable<Sample<L>>;
}

/**
 * A counter or gauge whose samples are read from the store at each scrape: emptied, then filled,
 * so a label set that is gone from the store is gone from the scrape.
 */
function storedMetric<L extends string>(registry: Registry, type: "counter" | "gauge", metric: StoredMetric<L>): void {
  const options = { name: metric.name, help: metric.help, labelNames: metric.labelNames, registers: [registry] };
  const refill = (target: Counter<L> | Gauge<L>): void => {
    const samples = [...metric.read()];
    target.reset();
    for (const [labels, value] of samples) target.inc(labels, value);
  };
  if (type === "counter") {
    const counter: Counter<L> = new Counter<L>({ ...options, collect: () => { refill(counter); } });
  } else {
    const gauge: Gauge<L> = new Gauge<L>({ ...options, collect: () => { refill(gauge); } });
  }
}

/**
 * `read`, run at most once per scrape, for queries that feed several metrics. prom-client starts
 * every metric's collect in one synchronous pass, so a result kept until the next microtask is
 * shared within a scrape and never seen by the next one (were that pass ever split, it reads again).
 */
function oncePerScrape<T>(read: () => T): () => T {
  let kept: { readonly value: T } | undefined;
  return () => {
    if (kept === undefined) {
      kept = { value: read() };
      queueMicrotask(() => {
        kept = undefined;
      });
    }
    return kept.value;
  };
}

/** Every known state at 0, then the counts the store has (a state unknown to this build included). */
function byState(rows: readonly { state: string; n: number }[]): Sample<"state">[] {
  const counts = new Map<string, number>(allTaskStates.map((s) => [s, 0]));
  for (const row of rows) counts.set(row.state, row.n);
  return [...counts].map(([state, n]) => [{ state }, n]);
}

function toSeries(name: string, labels: Record<string, string | number | undefined>, value: number): MetricSeries {
  const strings: Record<string, string> = {};
  for (const [key, label] of Object.entries(labels)) if (label !== undefined) strings[key] = String(label);
  return { name, labels: strings, value };
}

export function createMetrics(options: MetricsOptions): Metrics {
  const { db, clock } = options;
  const registry = new Registry();
  const modelSpend = oncePerScrape((): ModelSpend[] => statement<[], ModelSpend>(db, sql.modelSpend).all());
  const firstVerdicts = oncePerScrape(
    (): { verdicts: number; passed: number } =>
      statement<[Record<string, string>], { verdicts: number; passed: number }>(db, sql.firstVerdicts).get({
      passed: ciPassed.transitionName,
      failed: ciFailed.transitionName,
      handed: handToHuman.transitionName,
      awaitingCi: TaskState.awaitingCi,
    }) ?? { verdicts: 0, passed: 0 },
  );
  const readyJobs = oncePerScrape((): { depth: number; lagMs: number } => {
    const now = clock.now();
    const row = statement<[{ now: number }], { depth: number; oldest: number | null }>(db, sql.readyJobs).get({ now });
    // No runnable job: nothing waits.
    return { depth: row?.depth ?? 0, lagMs: Math.max(0, now - (row?.oldest ?? now)) };
  });

  storedMetric(registry, "counter", {
    name: "orchestrator_tasks_total",
    help: "Tasks that have ever entered each state (each task counted once per state), from the task event log.",
    labelNames: ["state"],
    read: () => byState(statement<[], { state: string; n: number }>(db, sql.tasksEntered).all()),
  });
  storedMetric(registry, "gauge", {
    name: "orchestrator_tasks_in_state",
    help: "Tasks in each state now.",
    labelNames: ["state"],
    read: () => byState(statement<[], { state: string; n: number }>(db, sql.tasksNow).all()),
  });

  // Finished phases never change, so the histogram takes only the transitions logged since the last
  // scrape: prom-client cannot set a histogram's buckets, and replaying the whole log would make
  // every scrape cost more than the last. A new process rebuilds it from the whole log once.
  let lastEventSeen = 0;
  const phaseDuration = new Histogram<"phase">({
    name: "orchestrator_phase_duration_seconds",
    help: "Durations of finished phases: from a task entering a state to its next transition, by the state it left.",
    labelNames: ["phase"],
    buckets: [...phaseBuckets],
    registers: [registry],
    collect: () => {
      const rows = statement<[number], { phase: string; ms: number; id: number }>(db, sql.finishedPhases).all(lastEventSeen);
      for (const row of rows) phaseDuration.observe({ phase: row.phase }, Math.max(0, row.ms) / 1000);
      lastEventSeen = rows.at(-1)?.id ?? lastEventSeen;
    },
  });

  storedMetric(registry, "counter", {
    name: "orchestrator_llm_tokens_total",
    help: "Tokens of model calls by provider, model, role and kind (input, output, cache_read, cache_write).",
    labelNames: ["provider", "model", "role", "kind"],
    read: () =>
      modelSpend().flatMap((row) => {
        const call = { provider: row.provider, model: row.model, role: row.role };
        return [
          [{ ...call, kind: TokenKind.input }, row.input],
          [{ ...call, kind: TokenKind.output }, row.output],
          [{ ...call, kind: TokenKind.cacheRead }, row.cache_read],
          [{ ...call, kind: TokenKind.cacheWrite }, row.cache_write],
        ] as const;
      }),
  });
  storedMetric(registry, "counter", {
    name: "orchestrator_llm_cost_usd_total",
    help: "Cost of model calls in US dollars by provider, model and role.",
    labelNames: ["provider", "model", "role"],
    read: () => modelSpend().map((row) => [{ provider: row.provider, model: row.model, role: row.role }, row.cost]),
  });
  storedMetric(registry, "counter", {
    name: "orchestrator_llm_calls_total",
    help: "Model calls by provider, model, role and status (started, succeeded, failed).",
    labelNames: ["provider", "model", "role", "status"],
    read: () =>
      statement<[], { provider: string; model: string; role: string; status: string; n: number }>(db, sql.modelCalls)
        .all()
        .map((row) => [{ provider: row.provider, model: row.model, role: row.role, status: row.status }, row.n]),
  });

  storedMetric(registry, "counter", {
    name: "orchestrator_ci_first_pass_total",
    help: "Tasks whose first CI verdict was green (ci_passed). Divided by orchestrator_ci_first_verdicts_total, the first-pass rate.",
    labelNames: [],
    read: () => [[{}, firstVerdicts().passed]],
  });
  storedMetric(registry, "counter", {
    name: "orchestrator_ci_first_verdicts_total",
    help: "Tasks with at least one CI verdict: ci_passed, ci_failed, or hand_to_human out of awaiting_ci (red and not to be fixed, or unfinished in time).",
    labelNames: [],
    read: () => [[{}, firstVerdicts().verdicts]],
  });
  storedMetric(registry, "counter", {
    name: "orchestrator_fix_attempts_total",
    help: "CI fix attempts started: transitions into the fixing state.",
    labelNames: [],
    read: () => [[{}, statement<[string], { n: number }>(db, sql.transitionsInto).get(TaskState.fixing)?.n ?? 0]],
  });

  storedMetric(registry, "counter", {
    name: "orchestrator_webhooks_total",
    help: "Webhook deliveries recorded, by event and outcome: what intake decided, before the first ':' (enqueued, ignored, malformed, refused, task, …).",
    labelNames: ["event", "outcome"],
    read: () => statement<[], { event: string; outcome: string; n: number }>(db, sql.webhooks).all().map((row) => [{ event: row.event, outcome: row.outcome }, row.n]),
  });

  storedMetric(registry, "gauge", {
    name: "orchestrator_queue_depth",
    help: "Pending jobs that are due and not leased: runnable now.",
    labelNames: [],
    read: () => [[{}, readyJobs().depth]],
  });
  storedMetric(registry, "gauge", {
    name: "orchestrator_queue_lag_seconds",
    help: "How long the oldest runnable job has waited since its run_at, in seconds; 0 when none waits.",
    labelNames: [],
    read: () => [[{}, readyJobs().lagMs / 1000]],
  });

  storedMetric(registry, "gauge", {
    name: "orchestrator_circuit_state",
    help: "Each provider's circuit breaker in this process: 0 closed, 1 half open, 2 open.",
    labelNames: ["provider"],
    read: () => {
      const circuits = options.circuits();
      const providers = new Set([...(options.providers ?? []), ...Object.keys(circuits)]);
      return [...providers].map((provider) => [{ provider }, circuitLevel[circuits[provider] ?? "closed"]]);
    },
  });

  storedMetric(registry, "counter", {
    name: "orchestrator_alerts_total",
    help: "Alerts raised, by kind and severity.",
    labelNames: ["kind", "severity"],
    read: () => statement<[], { kind: string; severity: string; n: number }>(db, sql.alerts).all().map((row) => [{ kind: row.kind, severity: row.severity }, row.n]),
  });

  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    series: async () =>
      (await registry.getMetricsAsJSON()).flatMap((metric) =>
        metric.values.map((sample) =>
          toSeries("metricName" in sample && typeof sample.metricName === "string" ? sample.metricName : metric.name, sample.labels, sample.value),
        ),
      ),
  };
}
