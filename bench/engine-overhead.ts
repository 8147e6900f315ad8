// Part 2 of the engine benchmark: engine overhead per task, i.e. the time from `created` to `await_ci` not spent in model calls.
import { OpenApiValidator } from "../src/sim/github/openapi/openapi-validator.js";
import { join } from "node:path";
import { loadScenario } from "../src/sim/scenario/load-scenario.js";
import { runScenario } from "../src/sim/scenario/run-scenario.js";
import type { ModelCall } from "../src/store/model-calls.js";
import { listModelCalls } from "../src/store/model-calls.js";
import { openDatabase } from "../src/store/open-database.js";
import type { TaskEvent } from "../src/store/task-events.js";
import { listTaskEvents } from "../src/store/task-events.js";
import { max, median, ms, percentile, table } from "./engine-stats.js";
import { RestWaitRecorder } from "./rest-wait-recorder.js";

export interface OverheadRun {
  readonly spanMs: number;
  readonly modelMs: number;
  readonly overheadMs: number;
  /** Part of the overhead spent waiting for the GitHub simulator to answer a REST request. */
  readonly restWaitMs: number;
  readonly restRequestsInSpan: number;
  /** Overhead by the state the task was in, in the order the task passed through them. */
  readonly byState: readonly StateShare[];
  readonly restRequests: number;
  readonly scenarioMs: number;
}

export interface StateShare {
  readonly state: string;
  overheadMs: number;
  restWaitMs: number;
}

/** Milliseconds of GitHub REST requests in flight between two moments, and how many started then. */
export type RestWait = (from: number, to: number) => { ms: number; requests: number };

export interface OverheadSection {
  readonly scenario: string;
  readonly runs: readonly OverheadRun[];
  readonly failures: readonly string[];
}

class OverheadMeasureError extends Error {
  override readonly name = "OverheadMeasureError";
}

function modelMsBetween(calls: readonly ModelCall[], from: number, to: number): number {
  return calls.filter((c) => c.startedAt >= from && c.startedAt < to).reduce((n, c) => n + (c.durationMs ?? 0), 0);
}

/** Splits the span at each state change and takes model time out of each piece. */
export function overheadOf(events: readonly TaskEvent[], calls: readonly ModelCall[], restWait: RestWait): Omit<OverheadRun, "restRequests" | "scenarioMs"> {
  const created = events.find((e) => e.kind === "created");
  const awaitCi = events.find((e) => e.kind === "await_ci");
  if (!created || !awaitCi) throw new OverheadMeasureError(`the task has no ${created ? "await_ci" : "created"} event`);
  const changes = events.filter((e) => e.toState !== null && e.at >= created.at && e.id <= awaitCi.id);
  const byState: StateShare[] = [];
  for (const [i, change] of changes.entries()) {
    const next = changes[i + 1];
    if (!next || change.toState === null) continue;
    const elapsed = next.at - change.at;
    const overheadMs = elapsed - modelMsBetween(calls, change.at, next.at);
    const restWaitMs = restWait(change.at, next.at).ms;
    const same = byState.find((s) => s.state === change.toState);
    if (same) {
      same.overheadMs += overheadMs;
      same.restWaitMs += restWaitMs;
    } else byState.push({ state: change.toState, overheadMs, restWaitMs });
  }
  const spanMs = awaitCi.at - created.at;
  // Calls that start in the span, up to and including the moment of await_ci.
  const modelMs = modelMsBetween(calls, created.at, awaitCi.at + 1);
  const rest = restWait(created.at, awaitCi.at);
  return { spanMs, modelMs, overheadMs: spanMs - modelMs, restWaitMs: rest.ms, restRequestsInSpan: rest.requests, byState };
}

/** One GitHub API description for every run: the simulator's schema compilation is not the engine's overhead. */
const githubValidator = OpenApiValidator.load();

async function measureRun(name: string, databasePath: string, recorder: RestWaitRecorder): Promise<OverheadRun> {
  recorder.clear();
  const result = await runScenario(loadScenario(name), { databasePath, githubValidator });
  if (result.task?.state !== "done") throw new OverheadMeasureError(`the task ended ${result.task?.state ?? "uncreated"}, not done`);
  const db = openDatabase(databasePath);
  try {
    const overhead = overheadOf(listTaskEvents(db, result.task.id), listModelCalls(db, result.task.id), (from, to) => recorder.waitedBetween(from, to));
    return { ...overhead, restRequests: result.github.requests, scenarioMs: result.durationMs };
  } finally {
    db.close();
  }
}

export async function measureOverhead(dir: string, runs: number, log: (line: string) => void): Promise<OverheadSection> {
  const scenario = "happy";
  const recorder = new RestWaitRecorder();
  recorder.start();
  try {
    // One untimed run first: module loading and JIT warm-up belong to the process, not to a task.
    await measureRun(scenario, join(dir, "overhead-warmup.db"), recorder);
    const measured: OverheadRun[] = [];
    const failures: string[] = [];
    for (let i = 1; i <= runs; i += 1) {
      try {
        const run = await measureRun(scenario, join(dir, `overhead-${i}.db`), recorder);
        measured.push(run);
        if (i % 10 === 0 || i === runs) log(`overhead: run ${i}/${runs}, this one ${run.overheadMs} ms`);
      } catch (error) {
        failures.push(`run ${i}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { scenario, runs: measured, failures };
  } finally {
    recorder.stop();
  }
}

export function overheadSummary(section: OverheadSection): Record<string, number> {
  const overhead = section.runs.map((r) => r.overheadMs);
  return {
    runs: section.runs.length,
    failedRuns: section.failures.length,
    medianMs: median(overhead),
    p90Ms: percentile(overhead, 90),
    maxMs: max(overhead),
    medianRestWaitMs: Math.round(median(section.runs.map((r) => r.restWaitMs))),
    medianOwnMs: Math.round(median(section.runs.map((r) => r.overheadMs - r.restWaitMs))),
  };
}

export function renderOverhead(section: OverheadSection): string {
  const { runs } = section;
  const row = (what: string, values: readonly number[]): string[] => [what, ms(median(values)), ms(percentile(values, 90)), ms(max(values))];
  const states = runs[0]?.byState.map((s) => s.state) ?? [];
  const stateRows = states.map((state) => {
    const shares = runs.map((r) => r.byState.find((s) => s.state === state) ?? { state, overheadMs: 0, restWaitMs: 0 });
    return [`\`${state}\``, ms(median(shares.map((s) => s.overheadMs))), ms(median(shares.map((s) => s.restWaitMs))), ms(median(shares.map((s) => s.overheadMs - s.restWaitMs)))];
  });
  const summary = overheadSummary(section);
  return [
    `Scenario \`${section.scenario}\` played ${runs.length} times in one process (after one untimed warm-up run), each on a fresh simulated world and SQLite file, as \`runScenario\` does. Overhead = (\`await_ci\` event − \`created\` event) − the sum of \`duration_ms\` of the task's model calls that started in that span. The span is everything the engine does between creating the task and recording the open pull request: REST calls to the GitHub simulator over loopback (the progress comment, the branch head, the tarball download, tree, commit, ref and pull request), SQLite reads and writes (jobs, events, artifacts, model calls), building, redacting and validating the model prompts and replies, and the worker picking up each phase's job. CI is not in it (it starts once the pull request is open, and \`await_ci\` does not wait for it), though the simulators run in the same process on the same two cores. REST wait = time with at least one GitHub REST request in flight, timed from Node's fetch diagnostics channels; it includes the simulator's own work (routing, checking each request and response against GitHub's OpenAPI description).`,
    "",
    table(["per task", "median", "p90", "max"], [
      row("span `created` → `await_ci`", runs.map((r) => r.spanMs)),
      row("model calls in the span", runs.map((r) => r.modelMs)),
      row("**engine overhead**", runs.map((r) => r.overheadMs)),
      row("… waiting on GitHub REST", runs.map((r) => r.restWaitMs)),
      row("… the rest (engine's own time)", runs.map((r) => r.overheadMs - r.restWaitMs)),
      row("whole scenario (to `done`)", runs.map((r) => r.scenarioMs)),
    ]),
    "",
    table(["overhead by state (medians)", "overhead", "waiting on GitHub REST", "the rest"], stateRows),
    "",
    `Median engine overhead ${ms(summary.medianMs ?? Number.NaN)} (goal ≤ 100 ms), p90 ${ms(summary.p90Ms ?? Number.NaN)}, max ${ms(summary.maxMs ?? Number.NaN)}; without the time waiting on the GitHub simulator, median ${ms(summary.medianOwnMs ?? Number.NaN)}. GitHub REST requests in the span: median ${median(runs.map((r) => r.restRequestsInSpan))} (whole scenario: ${median(runs.map((r) => r.restRequests))}).${section.failures.length > 0 ? ` Failed runs: ${section.failures.join("; ")}.` : " No run failed."}`,
  ].join("\n");
}
