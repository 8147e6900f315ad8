import { describe, expect, it } from "vitest";
import { callModel } from "../../src/engine/call-model.js";
import { systemClock } from "../../src/engine/clock.js";
import { isRetryable, PermanentError } from "../../src/engine/errors.js";
import { advanceJob } from "../../src/engine/job-kinds.js";
import { createTask } from "../../src/engine/transitions.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import type { LlmRequest } from "../../src/llm/llm-client.js";
import { LlmError } from "../../src/llm/llm-errors.js";
import catalogJson from "../../src/llm/model-catalog.json" with { type: "json" };
import { ModelCatalog } from "../../src/llm/model-catalog.js";
import type { LlmSimulator, LlmUsage } from "../../src/sim/llm/llm-simulator.js";
import type { LlmScript } from "../../src/sim/llm/script.js";
import { listModelCalls } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import { listTaskEvents } from "../../src/store/task-events.js";
import { rejection, useLlmSimulator } from "../sim/llm-test-helpers.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const startSim = useLlmSimulator();
const catalog = ModelCatalog.builtIn();
const MODEL = "claude-sonnet-5-5";

const request: LlmRequest = {
  model: MODEL,
  // Long enough for the simulator's prompt cache, so the first call writes it and later ones read it.
  system: [{ type: "text", text: `You are the planner.\n${"src/calc.ts exports add and mul.\n".repeat(40)}`, cache: true }],
  messages: [{ role: "user", content: [{ type: "text", text: "Write the plan for issue #1." }] }],
  tools: [],
  maxTokens: 1024,
};

const planReply: LlmScript = { cache: { minTokens: 50 }, replies: [{ id: "plan", reply: { text: "1. Add sub to src/calc.ts.", outputTokens: 120 }, times: "always" }] };

function newTask(db: Db, issueNumber = 1): number {
  return createTask(db, sampleTask({ issueNumber }), { at: 1_000, enqueue: (id) => advanceJob(id, 1_000) }).id;
}

function clientFor(sim: LlmSimulator): AnthropicClient {
  return new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0, timeoutMs: 5_000 });
}

/** The price of one call worked out by hand from the catalog file, not through the catalog code. */
function expectedCost(model: string, usage: LlmUsage): number {
  const entry = catalogJson.models.find((m) => m.provider === "anthropic" && m.id === model);
  if (!entry) throw new Error(`${model} is not in the catalog file`);
  const p = entry.prices;
  return (usage.inputTokens * p.input + usage.outputTokens * p.output + usage.cacheWriteTokens * p.cacheWrite + usage.cacheReadTokens * p.cacheRead) / 1_000_000;
}

function reportedUsage(sim: LlmSimulator, index: number): LlmUsage {
  const record = sim.records()[index];
  if (record?.outcome !== "replied") throw new Error(`request ${index + 1} got no reply`);
  return record.usage;
}

describe("callModel", () => {
  it("records the call with the provider's usage and the catalog price of that usage, and logs a model_call event", async () => {
    const db = database();
    const taskId = newTask(db);
    const sim = await startSim(planReply);

    const result = await callModel({ db, clock: systemClock, catalog }, { taskId, role: "planner", client: clientFor(sim), request });

    const usage = reportedUsage(sim, 0);
    expect(usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(result.replayed).toBe(false);
    expect(result.response.content).toEqual([{ type: "text", text: "1. Add sub to src/calc.ts." }]);
    expect(result.response.usage).toEqual(usage);
    expect(result.costUsd).toBeCloseTo(expectedCost(MODEL, usage), 12);
    expect(listModelCalls(db, taskId)).toEqual([
      expect.objectContaining({ role: "planner", provider: "anthropic", model: MODEL, status: "succeeded", ...usage, costUsd: result.costUsd, durationMs: result.durationMs }),
    ]);
    const events = listTaskEvents(db, taskId).filter((e) => e.kind === "model_call");
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toEqual({ role: "planner", provider: "anthropic", model: MODEL, ...usage, costUsd: result.costUsd, durationMs: result.durationMs });
  });

  it("replays a request the task already paid for from the store, without reaching the provider and at no cost", async () => {
    const db = database();
    const taskId = newTask(db);
    const sim = await startSim(planReply);
    const context = { db, clock: systemClock, catalog };
    const first = await callModel(context, { taskId, role: "planner", client: clientFor(sim), request });

    const again = await callModel(context, { taskId, role: "planner", client: clientFor(sim), request });

    expect(sim.stats().requests).toBe(1);
    expect(again).toEqual({ response: first.response, costUsd: 0, durationMs: 0, replayed: true });
    expect(listModelCalls(db, taskId)).toHaveLength(1);
    expect(listTaskEvents(db, taskId).filter((e) => e.kind === "model_call")).toHaveLength(1);
  });

  it("pays again for the same request made by another task, at the cache-read price", async () => {
    const db = database();
    const firstTask = newTask(db, 1);
    const secondTask = newTask(db, 2);
    const sim = await startSim(planReply);
    const context = { db, clock: systemClock, catalog };
    await callModel(context, { taskId: firstTask, role: "planner", client: clientFor(sim), request });

    const other = await callModel(context, { taskId: secondTask, role: "planner", client: clientFor(sim), request });

    const usage = reportedUsage(sim, 1);
    expect(sim.stats().requests).toBe(2);
    expect(other.replayed).toBe(false);
    expect(usage.cacheReadTokens).toBeGreaterThan(0);
    expect(other.costUsd).toBeGreaterThan(0);
    expect(other.costUsd).toBeCloseTo(expectedCost(MODEL, usage), 12);
    expect(listModelCalls(db, secondTask)).toHaveLength(1);
  });

  it("pays again when any part of the request changes", async () => {
    const db = database();
    const taskId = newTask(db);
    const sim = await startSim(planReply);
    const context = { db, clock: systemClock, catalog };
    await callModel(context, { taskId, role: "planner", client: clientFor(sim), request });

    const changed = await callModel(context, { taskId, role: "planner", client: clientFor(sim), request: { ...request, maxTokens: 2048 } });

    expect(changed.replayed).toBe(false);
    expect(sim.stats().requests).toBe(2);
  });

  it("refuses a model missing from the catalog before calling anyone, listing the models it knows", async () => {
    const db = database();
    const taskId = newTask(db);
    const sim = await startSim(planReply);

    const error = await rejection(callModel({ db, clock: systemClock, catalog }, { taskId, role: "planner", client: clientFor(sim), request: { ...request, model: "claude-imaginary-9" } }));

    expect(error).toBeInstanceOf(PermanentError);
    expect(isRetryable(error)).toBe(false);
    const message = (error as Error).message;
    expect(message).toContain("'claude-imaginary-9'");
    for (const model of catalog.list()) expect(message).toContain(`${model.provider}/${model.id}`);
    expect(sim.stats().requests).toBe(0);
    expect(listModelCalls(db)).toEqual([]);
  });

  it("marks a call the provider failed with a 500 as failed, retryable, and does not replay it", async () => {
    const db = database();
    const taskId = newTask(db);
    const sim = await startSim({ ...planReply, faults: [{ kind: "server_error", times: 1 }] });
    const context = { db, clock: systemClock, catalog };

    const error = await rejection(callModel(context, { taskId, role: "planner", client: clientFor(sim), request }));

    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(listModelCalls(db, taskId)).toEqual([expect.objectContaining({ status: "failed", costUsd: 0, error: expect.stringContaining("500") as unknown })]);
    expect(listTaskEvents(db, taskId).filter((e) => e.kind === "model_call")).toEqual([]);

    const retried = await callModel(context, { taskId, role: "planner", client: clientFor(sim), request });
    expect(retried.replayed).toBe(false);
    expect(listModelCalls(db, taskId).map((c) => c.status)).toEqual(["failed", "succeeded"]);
  });

  it("treats a request the provider refuses with a 400 as not retryable", async () => {
    const db = database();
    const taskId = newTask(db);
    const sim = await startSim(planReply);
    const broken: LlmRequest = { ...request, messages: [{ role: "user", content: [{ type: "text", text: "" }] }] };

    const error = await rejection(callModel({ db, clock: systemClock, catalog }, { taskId, role: "planner", client: clientFor(sim), request: broken }));

    expect(error).toMatchObject({ status: 400, retryable: false });
    expect((error as Error).message).toContain("text content blocks must be non-empty");
    expect(listModelCalls(db, taskId)).toEqual([expect.objectContaining({ status: "failed" })]);
  });

  it("believes a provider that says x-should-retry: false, even on a 500", async () => {
    const db = database();
    const taskId = newTask(db);
    // Nothing in the script answers a request without tools: the simulator says 500 and not to retry.
    const sim = await startSim({ replies: [{ match: { tool: "submit_plan" }, reply: { text: "never" } }] });

    const error = await rejection(callModel({ db, clock: systemClock, catalog }, { taskId, role: "planner", client: clientFor(sim), request }));

    expect(sim.stats().unmatched).toBe(1);
    expect(error).toMatchObject({ status: 500, retryable: false });
  });
});
