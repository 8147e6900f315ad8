import { describe, expect, it } from "vitest";
import { BudgetExceededError } from "../../src/engine/budget.js";
import type { RoutedContext, RoutedResult } from "../../src/engine/call-routed.js";
import { callRouted, ProvidersUnavailableError } from "../../src/engine/call-routed.js";
import type { CircuitOptions } from "../../src/engine/circuit-breaker.js";
import { CircuitBreakers } from "../../src/engine/circuit-breaker.js";
import { isRetryable, retryAfterMs } from "../../src/engine/errors.js";
import { createTask } from "../../src/engine/transitions.js";
import type { WorkerLog } from "../../src/engine/worker.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import type { AgentRequest, LlmClient } from "../../src/llm/llm-client.js";
import { ModelCatalog } from "../../src/llm/model-catalog.js";
import { OpenAiClient } from "../../src/llm/openai-client.js";
import type { ModelRef } from "../../src/llm/router.js";
import { RequestRedactor } from "../../src/security/redact-request.js";
import type { LlmSimulator } from "../../src/sim/llm/llm-simulator.js";
import type { LlmFault, LlmScript } from "../../src/sim/llm/script.js";
import { listModelCalls } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import { listTaskEvents } from "../../src/store/task-events.js";
import { rejection, useLlmSimulator } from "../sim/llm-test-helpers.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";
import { ManualClock } from "../support/manual-clock.js";

const database = useDatabase();
const startSim = useLlmSimulator();
const catalog = ModelCatalog.builtIn();

const CHAIN: readonly ModelRef[] = [
  { provider: "anthropic", model: "claude-sonnet-5-5" },
  { provider: "openai", model: "gpt-5.4" },
];

/** Each provider answers with its own name, so a test can tell who replied. */
function script(faults: LlmFault[] = [], extra: Partial<LlmScript> = {}): LlmScript {
  return {
    replies: [
      { match: { provider: "anthropic" }, reply: { text: "answered by anthropic", outputTokens: 20 }, times: "always" },
      { match: { provider: "openai" }, reply: { text: "answered by openai", outputTokens: 20 }, times: "always" },
    ],
    faults,
    ...extra,
  };
}

const anthropicDown: LlmFault = { kind: "server_error", match: { provider: "anthropic" }, times: "always" };

function request(text = "Write the plan for issue #1."): AgentRequest {
  return { system: [{ type: "text", text: "You are the planner." }], messages: [{ role: "user", content: [{ type: "text", text }] }], tools: [], maxTokens: 1024 };
}


interface Harness {
  readonly db: Db;
  readonly taskId: number;
  readonly clock: ManualClock;
  readonly breakers: CircuitBreakers;
  readonly warnings: string[];
  readonly context: RoutedContext;
}

function harness(sim: LlmSimulator, circuit: CircuitOptions = { failureThreshold: 3, coolDownMs: 60_000 }): Harness {
  const db = database();
  const clock = new ManualClock();
  const taskId = createTask(db, sampleTask(), { at: clock.now() }).id;
  const breakers = new CircuitBreakers(clock, circuit);
  const warnings: string[] = [];
  const log: WorkerLog = {
    info: () => undefined,
    warn: (message) => warnings.push(message),
    error: () => undefined,
  };
  const providers = new Map<string, LlmClient>([
    ["anthropic", new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0, timeoutMs: 5_000 })],
    ["openai", new OpenAiClient({ apiKey: "sk-test", baseURL: sim.openaiBaseUrl, maxRetries: 0, timeoutMs: 5_000 })],
  ]);
  return { db, taskId, clock, breakers, warnings, context: { db, clock, catalog, providers, breakers, log } };
}

async function call(h: Harness, agentRequest: AgentRequest = request()): Promise<RoutedResult> {
  return callRouted(h.context, { taskId: h.taskId, role: "planner", chain: CHAIN, request: agentRequest });
}

function textOf(result: RoutedResult): string {
  const first = result.response.content[0];
  return first?.type === "text" ? first.text : "";
}

function fallbackEvents(h: Harness): Record<string, unknown>[] {
  return listTaskEvents(h.db, h.taskId)
    .filter((e) => e.kind === "fallback")
    .map((e) => e.detail);
}

describe("callRouted", () => {
  it("uses the first model of the chain when it answers, and records no fallback", async () => {
    const sim = await startSim(script());
    const h = harness(sim);

    const result = await call(h);

    expect(result).toMatchObject({ provider: "anthropic", model: "claude-sonnet-5-5", replayed: false });
    expect(textOf(result)).toBe("answered by anthropic");
    expect(result.costUsd).toBeGreaterThan(0);
    expect(sim.stats().byProvider).toEqual({ anthropic: 1 });
    expect(fallbackEvents(h)).toEqual([]);
    expect(h.breakers.snapshot()).toEqual({ anthropic: { state: "closed", failures: 0 } });
  });

  it("hands the call to the next model when the first provider fails, and records the fallback", async () => {
    const sim = await startSim(script([anthropicDown]));
    const h = harness(sim);

    const result = await call(h);

    expect(result).toMatchObject({ provider: "openai", model: "gpt-5.4", replayed: false });
    expect(textOf(result)).toBe("answered by openai");
    expect(sim.stats().byProvider).toEqual({ anthropic: 1, openai: 1 });
    const events = fallbackEvents(h);
    expect(events).toEqual([{ role: "planner", used: "openai/gpt-5.4", passedOver: [expect.stringMatching(/^anthropic\/claude-sonnet-5-5: .*500/) as unknown] }]);
    expect(listModelCalls(h.db, h.taskId).map((c) => `${c.provider}/${c.model} ${c.status}`)).toEqual(["anthropic/claude-sonnet-5-5 failed", "openai/gpt-5.4 succeeded"]);
    expect(h.breakers.snapshot()).toEqual({ anthropic: { state: "closed", failures: 1 }, openai: { state: "closed", failures: 0 } });
    expect(h.warnings).toContain("model call fell back");
  });

  it("stops sending requests to a provider whose circuit opened, and probes it again after the cool-down", async () => {
    const sim = await startSim(script([{ ...anthropicDown, times: 2 }]));
    const h = harness(sim, { failureThreshold: 2, coolDownMs: 60_000 });
    await call(h, request("question 1"));
    await call(h, request("question 2"));
    expect(h.breakers.state("anthropic")).toBe("open");

    const skipped = await call(h, request("question 3"));

    expect(skipped.provider).toBe("openai");
    expect(sim.stats().byProvider).toEqual({ anthropic: 2, openai: 3 });
    expect(fallbackEvents(h).at(-1)).toEqual({ role: "planner", used: "openai/gpt-5.4", passedOver: ["anthropic/claude-sonnet-5-5: anthropic's circuit is open"] });

    h.clock.advance(60_000);
    const probe = await call(h, request("question 4"));

    expect(probe.provider).toBe("anthropic");
    expect(sim.stats().byProvider).toEqual({ anthropic: 3, openai: 3 });
    expect(h.breakers.state("anthropic")).toBe("closed");
  });

  it("replays an answer the fallback model gave earlier, without a new request, even once the first provider is back", async () => {
    const sim = await startSim(script([{ ...anthropicDown, times: 1 }]));
    const h = harness(sim);
    const first = await call(h);
    expect(first.provider).toBe("openai");

    const again = await call(h);

    expect(again).toEqual({ response: first.response, costUsd: 0, durationMs: 0, replayed: true, provider: "openai", model: "gpt-5.4" });
    expect(sim.stats().requests).toBe(2);
    expect(listModelCalls(h.db, h.taskId)).toHaveLength(2);
    expect(fallbackEvents(h)).toHaveLength(1);
  });

  it("gives up with a retryable error carrying the longest retry-after when every model fails", async () => {
    const sim = await startSim(
      script([
        { kind: "rate_limit", match: { provider: "anthropic" }, retryAfterSeconds: 3, times: "always" },
        { kind: "rate_limit", match: { provider: "openai" }, retryAfterSeconds: 9, times: "always" },
      ]),
    );
    const h = harness(sim);

    const error = await rejection(call(h));

    expect(error).toBeInstanceOf(ProvidersUnavailableError);
    expect(isRetryable(error)).toBe(true);
    expect(retryAfterMs(error)).toBe(9_000);
    const message = error instanceof Error ? error.message : "";
    expect(message).toContain("No model could answer the planner");
    expect(message).toContain("anthropic/claude-sonnet-5-5: ");
    expect(message).toContain("openai/gpt-5.4: ");
    expect(sim.stats().byProvider).toEqual({ anthropic: 1, openai: 1 });
    expect(h.breakers.snapshot()).toEqual({ anthropic: { state: "closed", failures: 1 }, openai: { state: "closed", failures: 1 } });
  });

  it("gives up without a retry, and without blaming the providers, when they refuse the request itself", async () => {
    // No reply matches: the simulator answers 500 with x-should-retry: false, as for a bad request.
    const sim = await startSim({ replies: [{ match: { tool: "submit_plan" }, reply: { text: "never" } }] });
    const h = harness(sim);

    const error = await rejection(call(h));

    expect(error).toBeInstanceOf(ProvidersUnavailableError);
    expect(isRetryable(error)).toBe(false);
    expect(retryAfterMs(error)).toBeUndefined();
    expect(sim.stats().unmatched).toBe(2);
    expect(h.breakers.snapshot()).toEqual({ anthropic: { state: "closed", failures: 0 }, openai: { state: "closed", failures: 0 } });
  });

  it("refuses a call the budget cannot cover before a single request, and gives back the half-open probe", async () => {
    const sim = await startSim(script());
    const h = harness(sim, { failureThreshold: 1, coolDownMs: 1_000 });
    expect(h.breakers.tryAcquire("anthropic")).toBe(true);
    h.breakers.recordFailure("anthropic");
    h.clock.advance(1_000);
    expect(h.breakers.state("anthropic")).toBe("half_open");
    const budget = { taskId: h.taskId, owner: "mona", repo: "calculator", budget: { task_usd: 0.0001, task_tokens: 3_000_000, daily_usd: 50 }, label: "orchestrator" };

    const error = await rejection(callRouted(h.context, { taskId: h.taskId, role: "planner", chain: CHAIN, request: request(), budget }));

    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error instanceof Error ? error.message : "").toContain("planner on anthropic/claude-sonnet-5-5");
    expect(sim.stats().requests).toBe(0);
    expect(listModelCalls(h.db)).toEqual([]);
    expect(h.breakers.state("anthropic")).toBe("half_open");
    expect(h.breakers.tryAcquire("anthropic")).toBe(true);
  });

  it("masks a secret in the request before it reaches a provider", async () => {
    const key = "sk-ant-api03-Zq8rT2mN5vB7xC1kL4pW9sD3fG6hJ0aE";
    const sim = await startSim(script([anthropicDown], { forbidden: [key] }));
    const h = harness(sim);
    const leaky = request(`The build reads ANTHROPIC_API_KEY=${key} from .env; plan the fix.`);
    const redactor = new RequestRedactor();

    const result = await callRouted(h.context, { taskId: h.taskId, role: "planner", chain: CHAIN, request: leaky, redactor });

    expect(result.provider).toBe("openai");
    expect(sim.stats().requests).toBe(2);
    expect(sim.stats().leaks).toBe(0);
    expect(redactor.count).toBe(1);

    // The same request without the redactor is caught by the simulator: the check above can fail.
    await callRouted(h.context, { taskId: h.taskId, role: "planner", chain: CHAIN, request: leaky });
    expect(sim.stats().leaks).toBe(2);
  });
});
