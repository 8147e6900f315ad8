// Part 3 of the engine benchmark: many tasks across many installations at once, and whether some task waits far longer than the rest.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { listModelCalls } from "../src/store/model-calls.js";
import { listTaskEvents } from "../src/store/task-events.js";
import { listTasks } from "../src/store/tasks.js";
import { startFleet } from "./engine-fleet.js";
import { max, median, ms, table } from "./engine-stats.js";

export interface TaskTiming {
  readonly taskId: number;
  readonly owner: string;
  readonly issue: number;
  readonly state: string;
  /** created → first start_planning. */
  readonly waitMs: number | undefined;
  /** created → await_ci. */
  readonly totalMs: number | undefined;
  readonly labelToCreatedMs: number;
  readonly labelToFirstModelMs: number | undefined;
  readonly labelToReviewMs: number | undefined;
}

export interface ConcurrencySection {
  readonly installations: number;
  readonly issuesPerInstallation: number;
  readonly concurrency: number;
  readonly tasks: readonly TaskTiming[];
  /** Issues labelled that never got a task. */
  readonly untasked: readonly string[];
  readonly timedOut: boolean;
  readonly wallMs: number;
}

const settledStates: readonly string[] = ["awaiting_review", "needs_human", "done", "failed", "cancelled"];

export async function measureConcurrency(dir: string, options: { installations: number; issuesPerInstallation: number; timeoutMs: number }, log: (line: string) => void): Promise<ConcurrencySection> {
  const fleet = await startFleet({ databasePath: join(dir, "concurrency.db"), ...options });
  const expected = options.installations * options.issuesPerInstallation;
  try {
    const labelledAt = Date.now();
    fleet.labelAll();
    const deadline = performance.now() + options.timeoutMs;
    let timedOut = true;
    let lastLog = 0;
    while (performance.now() < deadline) {
      const tasks = listTasks(fleet.db);
      const settled = tasks.filter((t) => settledStates.includes(t.state)).length;
      if (tasks.length >= expected && settled === tasks.length) {
        timedOut = false;
        break;
      }
      if (performance.now() - lastLog > 10_000) {
        log(`concurrency: ${tasks.length}/${expected} tasks created, ${settled} settled`);
        lastLog = performance.now();
      }
      await sleep(100);
    }
    const wallMs = Date.now() - labelledAt;
    const owners = new Map(fleet.repos.map((r) => [r.owner, r]));
    const tasks = listTasks(fleet.db).map((task): TaskTiming => {
      const events = listTaskEvents(fleet.db, task.id);
      const at = (kind: string): number | undefined => events.find((e) => e.kind === kind)?.at;
      const created = at("created") ?? task.createdAt;
      const startPlanning = at("start_planning");
      const awaitCi = at("await_ci");
      const review = events.find((e) => e.toState === "awaiting_review")?.at;
      const firstModel = listModelCalls(fleet.db, task.id)[0]?.startedAt;
      return {
        taskId: task.id,
        owner: task.owner,
        issue: task.issueNumber,
        state: task.state,
        waitMs: startPlanning === undefined ? undefined : startPlanning - created,
        totalMs: awaitCi === undefined ? undefined : awaitCi - created,
        labelToCreatedMs: created - labelledAt,
        labelToFirstModelMs: firstModel === undefined ? undefined : firstModel - labelledAt,
        labelToReviewMs: review === undefined ? undefined : review - labelledAt,
      };
    });
    const tasked = new Set(tasks.map((t) => `${t.owner}#${t.issue}`));
    const untasked = [...owners.values()].flatMap((r) => r.issues.map((n) => `${r.owner}#${n}`)).filter((key) => !tasked.has(key));
    return { ...options, concurrency: fleet.settings.workerConcurrency, tasks, untasked, timedOut, wallMs };
  } finally {
    await fleet.stop();
  }
}

const defined = (values: readonly (number | undefined)[]): number[] => values.filter((v): v is number => v !== undefined);

/** Which yardstick the longest wait is held against: the median wait, or the median total time when waits are all but zero. */
export function fairness(section: ConcurrencySection): { longestWaitMs: number; medianWaitMs: number; yardstick: "median wait" | "median total"; yardstickMs: number; ratio: number } {
  const waits = defined(section.tasks.map((t) => t.waitMs));
  const medianWaitMs = median(waits);
  const longestWaitMs = max(waits);
  const useTotal = !(medianWaitMs >= 1);
  const yardstickMs = useTotal ? median(defined(section.tasks.map((t) => t.totalMs))) : medianWaitMs;
  return { longestWaitMs, medianWaitMs, yardstick: useTotal ? "median total" : "median wait", yardstickMs, ratio: longestWaitMs / yardstickMs };
}

export function concurrencySummary(section: ConcurrencySection): Record<string, number | string | boolean> {
  const f = fairness(section);
  const firstModel = defined(section.tasks.map((t) => t.labelToFirstModelMs));
  return {
    tasks: section.tasks.length,
    reachedReview: section.tasks.filter((t) => t.state === "awaiting_review").length,
    concurrency: section.concurrency,
    medianWaitMs: f.medianWaitMs,
    longestWaitMs: f.longestWaitMs,
    yardstick: f.yardstick,
    ratio: f.ratio,
    medianTotalMs: median(defined(section.tasks.map((t) => t.totalMs))),
    firstModelRatio: max(firstModel) / median(firstModel),
    wallMs: section.wallMs,
    timedOut: section.timedOut,
  };
}

export function renderConcurrency(section: ConcurrencySection): string {
  const { tasks } = section;
  const f = fairness(section);
  const stat = (what: string, pick: (t: TaskTiming) => number | undefined): string[] => {
    const values = defined(tasks.map(pick));
    return [what, ms(Math.min(...values)), ms(median(values)), ms(max(values)), (max(values) / median(values)).toFixed(2) + "×"];
  };
  const owners = [...new Set(tasks.map((t) => t.owner))].sort();
  const ownerRows = owners.map((owner) => {
    const mine = tasks.filter((t) => t.owner === owner);
    const med = (pick: (t: TaskTiming) => number | undefined): string => ms(median(defined(mine.map(pick))));
    return [owner, `${mine.filter((t) => t.state === "awaiting_review").length}/${mine.length}`, med((t) => t.waitMs), med((t) => t.totalMs), med((t) => t.labelToCreatedMs), med((t) => t.labelToFirstModelMs), med((t) => t.labelToReviewMs)];
  });
  const unfinished = tasks.filter((t) => t.state !== "awaiting_review").map((t) => `task ${t.taskId} (${t.owner}#${t.issue}) is ${t.state}`);
  const reviewTimes = defined(tasks.map((t) => t.labelToReviewMs));
  return [
    `${section.installations} installations (one organization and one \`calculator\` repository each), ${section.issuesPerInstallation} issues each: ${section.installations * section.issuesPerInstallation} issues labelled in one go against one app in this process (WORKER_CONCURRENCY=${section.concurrency}, the default), with happy's scripted replies answering every task; waited until every task reached \`awaiting_review\`. Wall time from labelling to the last task settled: ${ms(section.wallMs)}${section.timedOut ? " (timed out)" : ""}.`,
    "",
    table(["per task", "min", "median", "max", "max / median"], [
      stat("wait: `created` → first `start_planning`", (t) => t.waitMs),
      stat("total: `created` → `await_ci`", (t) => t.totalMs),
      stat("label → `created` (intake queue)", (t) => t.labelToCreatedMs),
      stat("label → first model call", (t) => t.labelToFirstModelMs),
      stat("label → `awaiting_review`", (t) => t.labelToReviewMs),
    ]),
    "",
    `Longest wait ${ms(f.longestWaitMs)} against the ${f.yardstick} of ${ms(f.yardstickMs)}: ${f.ratio.toFixed(2)}× (goal ≤ 3×).${f.yardstick === "median total" ? ` The median wait is ${ms(f.medianWaitMs)}: the worker takes up the planning job the moment the task is created, so a ratio to it says nothing; the longest wait is held against the median total time (created → await_ci) instead, and the rows above show where queueing happens (before \`created\`, and between phases).` : ""} First task at \`awaiting_review\` ${ms(Math.min(...reviewTimes))} after labelling, last ${ms(max(reviewTimes))}.`,
    "",
    "Per installation (medians):",
    "",
    table(["installation", "at awaiting_review", "wait", "total (created → await_ci)", "label → created", "label → first model call", "label → awaiting_review"], ownerRows),
    "",
    unfinished.length + section.untasked.length === 0 ? `Every one of the ${tasks.length} tasks reached \`awaiting_review\`.` : `Did not finish: ${[...unfinished, ...section.untasked.map((k) => `${k} never got a task`)].join("; ")}.`,
  ].join("\n");
}
