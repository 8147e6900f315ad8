import { describe, expect, it } from "vitest";
import { impliedWrites, multiCallPhases, prefixShare, reportedPrefixShare } from "../../bench/engine-tokens.js";
import type { ModelCall } from "../../src/store/model-calls.js";

let nextId = 1;
function call(fields: Partial<ModelCall> & Pick<ModelCall, "role" | "provider">): ModelCall {
  return {
    id: nextId++,
    taskId: 1,
    model: fields.provider === "openai" ? "gpt-5.4" : "claude-sonnet-5-5",
    requestHash: "h",
    status: "succeeded",
    inputTokens: 0,
    outputTokens: 10,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.001,
    startedAt: 0,
    durationMs: 5,
    error: null,
    ...fields,
  };
}

describe("the prompt-cache figures of the engine benchmark", () => {
  it("counts as written what the next call of the phase read back, when the provider reports no writes", () => {
    const calls = [
      call({ role: "plan_reviewer", provider: "openai", inputTokens: 2000 }),
      call({ role: "plan_reviewer", provider: "openai", inputTokens: 400, cacheReadTokens: 1800 }),
    ];

    expect(impliedWrites(calls)).toBe(1800);
    const [phase] = multiCallPhases("s", calls);
    if (!phase) throw new Error("expected one multi-call phase");
    expect(phase.tokens.impliedWrite).toBe(1800);
    expect(reportedPrefixShare(phase.tokens)).toBeCloseTo(1800 / 4200);
    expect(prefixShare(phase.tokens)).toBeCloseTo(3600 / 4200);
  });

  it("implies nothing for a call that reported its writes, for another model's read, or beyond the call's own uncached input", () => {
    expect(impliedWrites([call({ role: "planner", provider: "anthropic", cacheWriteTokens: 1500, inputTokens: 10 }), call({ role: "planner", provider: "anthropic", cacheReadTokens: 1500 })])).toBe(0);
    expect(impliedWrites([call({ role: "code_reviewer", provider: "openai", inputTokens: 2000 }), call({ role: "code_reviewer", provider: "openai", model: "gpt-5.5", cacheReadTokens: 1800 })])).toBe(0);
    expect(impliedWrites([call({ role: "code_reviewer", provider: "openai", inputTokens: 300, cacheReadTokens: 1000 }), call({ role: "code_reviewer", provider: "openai", cacheReadTokens: 1800 })])).toBe(300);
  });
});
