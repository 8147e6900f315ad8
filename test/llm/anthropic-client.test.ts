import { describe, expect, it } from "vitest";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import type { LlmRequest } from "../../src/llm/llm-client.js";
import { LlmError, parseRetryAfter } from "../../src/llm/llm-errors.js";
import { rejection, useLlmSimulator } from "../sim/llm-test-helpers.js";

const startSim = useLlmSimulator();

const request: LlmRequest = {
  model: "claude-sonnet-5-5",
  system: [{ type: "text", text: "You edit files." }],
  messages: [{ role: "user", content: [{ type: "text", text: "Create NOTES.md" }] }],
  tools: [{ name: "write_file", description: "Write a file", inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } }],
  maxTokens: 512,
};

describe("AnthropicClient", () => {
  it("turns a tool-calling reply into provider-neutral blocks, stop reason and usage", async () => {
    const sim = await startSim({ replies: [{ match: { tool: "write_file" }, reply: { text: "Writing it.", toolCalls: [{ name: "write_file", input: { path: "NOTES.md" } }], outputTokens: 40 } }] });
    const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0 });

    const response = await client.complete(request);

    expect(response.stopReason).toBe("tool_use");
    expect(response.model).toBe("claude-sonnet-5-5");
    expect(response.content).toEqual([
      { type: "text", text: "Writing it." },
      { type: "tool_use", id: expect.stringMatching(/^toolu_/) as unknown, name: "write_file", input: { path: "NOTES.md" } },
    ]);
    expect(response.usage.outputTokens).toBe(40);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it("sends a tool result back so the conversation can go on", async () => {
    const sim = await startSim({
      replies: [
        { id: "call", match: { text: "Create NOTES.md" }, reply: { toolCalls: [{ name: "write_file", input: { path: "NOTES.md" } }] } },
        { id: "done", match: { text: "created NOTES.md" }, reply: { text: "Done." } },
      ],
    });
    const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
    const first = await client.complete(request);
    const call = first.content.find((b) => b.type === "tool_use");
    if (call?.type !== "tool_use") throw new Error("expected a tool call");

    const second = await client.complete({
      ...request,
      messages: [...request.messages, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", toolUseId: call.id, content: "created NOTES.md" }] }],
    });

    expect(second).toMatchObject({ stopReason: "end_turn", content: [{ type: "text", text: "Done." }] });
    expect(sim.unusedReplies()).toEqual([]);
  });

  it("keeps a long conversation's flags within the four breakpoints the API takes: tools, system, then the latest turns", async () => {
    const sim = await startSim({ replies: [{ reply: { text: "ok" }, times: "always" }] });
    const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
    const system = [{ type: "text" as const, text: "S".repeat(6000), cache: true }]; // 1,500 tokens
    const turn = (i: number): LlmRequest["messages"] => [
      { role: "assistant", content: [{ type: "tool_use", id: `call_${i}`, name: "write_file", input: { path: `f${i}` } }] },
      { role: "user", content: [{ type: "tool_result", toolUseId: `call_${i}`, content: `wrote f${i}`, cache: true }] },
    ];
    const first: LlmRequest = { ...request, system, messages: [{ role: "user", content: [{ type: "text", text: "Create NOTES.md", cache: true }] }, ...turn(1)] };
    // Six flagged user turns: more than the API takes, so only the latest two keep theirs.
    const long: LlmRequest = { ...first, messages: [...first.messages, ...turn(2), ...turn(3), ...turn(4), ...turn(5)] };

    await client.complete(first);
    const response = await client.complete(long);

    expect(sim.stats()).toMatchObject({ invalidRequests: 0, completed: 2 });
    // The earlier request's end was written, and is read back through the breakpoints kept.
    expect(response.usage.cacheReadTokens).toBeGreaterThan(1500);
    expect(response.usage.inputTokens).toBe(0);
  });

  it("classifies a rate limit as retryable after the delay the provider asks for", async () => {
    const sim = await startSim({ replies: [{ reply: { text: "ok" } }], faults: [{ kind: "rate_limit", retryAfterSeconds: 7 }] });
    const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0 });

    const error = await rejection(client.complete(request));

    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ provider: "anthropic", status: 429, retryable: true, retryAfterMs: 7_000 });
  });

  it("classifies an overloaded provider as retryable", async () => {
    const sim = await startSim({ replies: [{ reply: { text: "ok" } }], faults: [{ kind: "overloaded" }] });
    const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0 });

    expect(await rejection(client.complete(request))).toMatchObject({ status: 529, retryable: true });
  });

  it("classifies a provider it cannot reach as retryable", async () => {
    const sim = await startSim({ replies: [] });
    const baseURL = sim.anthropicBaseUrl;
    await sim.stop();
    const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL, maxRetries: 0 });

    const error = await rejection(client.complete(request));

    expect(error).toMatchObject({ status: undefined, retryable: true });
    expect((error as Error).message).toContain("could not connect");
  });

  it("classifies a request that times out as retryable", async () => {
    const sim = await startSim({ replies: [{ reply: { text: "ok" } }], faults: [{ kind: "hang" }] });
    const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0, timeoutMs: 200 });

    const error = await rejection(client.complete(request));

    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toContain("timed out");
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and ignores what it cannot read", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");

    expect(parseRetryAfter("7", now)).toBe(7_000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
  });
});
