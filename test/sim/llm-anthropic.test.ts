import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { LlmSimEvent, LlmSimulator } from "../../src/sim/llm/llm-simulator.js";
import type { LlmScript } from "../../src/sim/llm/script.js";
import { rejection, useLlmSimulator } from "./llm-test-helpers.js";

const MODEL = "claude-sonnet-5-5";
const READ_FILE: Anthropic.Tool = {
  name: "read_file",
  description: "Read a file from the repository",
  input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

const startSim = useLlmSimulator();

function client(sim: LlmSimulator, options: { maxRetries?: number; timeout?: number } = {}): Anthropic {
  return new Anthropic({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: options.maxRetries ?? 0, timeout: options.timeout ?? 10_000 });
}

const ALWAYS_OK: LlmScript = { replies: [{ id: "ok", reply: { text: "ok" }, times: "always" }] };

describe("Anthropic Messages API simulator", () => {
  it("answers a scripted tool call that the SDK parses as a tool_use block", async () => {
    const sim = await startSim({ replies: [{ id: "read", match: { tool: "read_file" }, reply: { text: "Let me look.", toolCalls: [{ name: "read_file", input: { path: "README.md" } }] } }] });

    const message = await client(sim).messages.create({ model: MODEL, max_tokens: 1024, tools: [READ_FILE], messages: [{ role: "user", content: "What does the README say?" }] });

    expect(message.stop_reason).toBe("tool_use");
    expect(message.model).toBe(MODEL);
    expect(message.id).toMatch(/^msg_/);
    expect(message.content[0]).toEqual({ type: "text", text: "Let me look.", citations: null });
    const toolUse = message.content[1];
    expect(toolUse?.type).toBe("tool_use");
    if (toolUse?.type !== "tool_use") return;
    expect(toolUse.id).toMatch(/^toolu_/);
    expect(toolUse.name).toBe("read_file");
    expect(toolUse.input).toEqual({ path: "README.md" });
    expect(sim.stats()).toMatchObject({ requests: 1, completed: 1, invalidRequests: 0, byProvider: { anthropic: 1 } });
  });

  it("carries a multi-turn exchange with tool results, matching the second turn on the tool result text", async () => {
    const sim = await startSim({
      replies: [
        { id: "ask", match: { tool: "read_file" }, reply: { toolCalls: [{ name: "read_file", input: { path: "README.md" } }] } },
        { id: "answer", match: { text: "# Orchestrator" }, reply: { text: "It is the Orchestrator README." } },
      ],
    });
    const anthropic = client(sim);
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "Summarise the README" }];

    const first = await anthropic.messages.create({ model: MODEL, max_tokens: 512, tools: [READ_FILE], messages });
    const call = first.content.find((block) => block.type === "tool_use");
    if (call === undefined) throw new Error("expected a tool_use block");
    messages.push({ role: "assistant", content: first.content });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "# Orchestrator\nA GitHub App." }] });
    const second = await anthropic.messages.create({ model: MODEL, max_tokens: 512, tools: [READ_FILE], messages });

    expect(second.stop_reason).toBe("end_turn");
    expect(second.content).toEqual([{ type: "text", text: "It is the Orchestrator README.", citations: null }]);
    expect(sim.records().map((r) => (r.outcome === "replied" ? r.replyId : r.outcome))).toEqual(["ask", "answer"]);
    expect(sim.unusedReplies()).toEqual([]);
  });

  const toolUseTurn: Anthropic.MessageParam = { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a" } }] };
  const cached = { type: "ephemeral" } as const;
  const refusals: readonly { rule: string; body: Record<string, unknown>; message: string }[] = [
    { rule: "max_tokens is required", body: { model: MODEL, messages: [{ role: "user", content: "hi" }] }, message: "max_tokens: Field required" },
    { rule: "messages must not be empty", body: { model: MODEL, max_tokens: 10, messages: [] }, message: "messages: List should have at least 1 item" },
    {
      rule: "a system role inside messages",
      body: { model: MODEL, max_tokens: 10, messages: [{ role: "system", content: "be terse" }, { role: "user", content: "hi" }] },
      message: 'Unexpected role "system"',
    },
    { rule: "an unknown role", body: { model: MODEL, max_tokens: 10, messages: [{ role: "tool", content: "hi" }] }, message: "messages.0.role: Input should be 'user' or 'assistant'" },
    { rule: "the first message must be user", body: { model: MODEL, max_tokens: 10, messages: [{ role: "assistant", content: "hi" }] }, message: 'first message must use the "user" role' },
    {
      rule: "a tool_result must answer a tool_use in the previous message",
      body: { model: MODEL, max_tokens: 10, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_nope", content: "x" }] }] },
      message: "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_nope",
    },
    {
      rule: "every tool_use must be answered in the next message",
      body: { model: MODEL, max_tokens: 10, tools: [READ_FILE], messages: [{ role: "user", content: "go" }, toolUseTurn, { role: "user", content: "never mind" }] },
      message: "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1",
    },
    {
      rule: "tool input_schema must be an object schema",
      body: { model: MODEL, max_tokens: 10, tools: [{ name: "t", input_schema: { type: "string" } }], messages: [{ role: "user", content: "hi" }] },
      message: "tools.0.input_schema.type: Input should be 'object'",
    },
    {
      rule: "tool_choice must name an offered tool",
      body: { model: MODEL, max_tokens: 10, tools: [READ_FILE], tool_choice: { type: "tool", name: "write_file" }, messages: [{ role: "user", content: "hi" }] },
      message: "Tool 'write_file' not found",
    },
    {
      rule: "at most 4 cache breakpoints",
      body: {
        model: MODEL,
        max_tokens: 10,
        tools: [{ ...READ_FILE, cache_control: cached }],
        system: [
          { type: "text", text: "a", cache_control: cached },
          { type: "text", text: "b", cache_control: cached },
        ],
        messages: [{ role: "user", content: [{ type: "text", text: "c", cache_control: cached }, { type: "text", text: "d", cache_control: cached }] }],
      },
      message: "A maximum of 4 blocks with cache_control may be provided. Found 5.",
    },
    { rule: "unknown fields", body: { model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }], temprature: 0 }, message: "temprature: Extra inputs are not permitted" },
    { rule: "streaming", body: { model: MODEL, max_tokens: 10, stream: true, messages: [{ role: "user", content: "hi" }] }, message: "llm simulator: streaming is not supported" },
  ];

  it.each(refusals)("refuses a request that breaks the rule: $rule", async ({ body, message }) => {
    const sim = await startSim(ALWAYS_OK);

    const error = await rejection(client(sim).post("/v1/messages", { body }));

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    if (!(error instanceof Anthropic.BadRequestError)) return;
    expect(error.type).toBe("invalid_request_error");
    expect(error.error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(error.apiMessage).toContain(message);
    expect(error.requestID).toMatch(/^req_/);
    expect(sim.stats()).toMatchObject({ requests: 1, invalidRequests: 1, completed: 0 });
    expect(sim.records()[0]).toMatchObject({ outcome: "rejected", status: 400 });
  });

  it("accepts the same shapes when they follow the rules, so the refusals above are about the rule", async () => {
    const sim = await startSim(ALWAYS_OK);
    const messages: Anthropic.MessageParam[] = [
      { role: "user", content: "go" },
      toolUseTurn,
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "x" }, { type: "text", text: "and?", cache_control: cached }] },
    ];

    await client(sim).messages.create({ model: MODEL, max_tokens: 10, system: [{ type: "text", text: "a", cache_control: cached }], tools: [READ_FILE], tool_choice: { type: "tool", name: "read_file" }, messages });

    expect(sim.stats()).toMatchObject({ completed: 1, invalidRequests: 0 });
  });

  it("refuses a request without x-api-key with an authentication_error", async () => {
    const sim = await startSim(ALWAYS_OK);

    const error = await rejection(client(sim).messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, { headers: { "x-api-key": null, authorization: null } }));

    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: "authentication_error" });
    expect(sim.stats()).toMatchObject({ invalidRequests: 1, completed: 0 });
  });

  it("refuses a request without the anthropic-version header", async () => {
    const sim = await startSim(ALWAYS_OK);

    const error = await rejection(client(sim).messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, { headers: { "anthropic-version": null } }));

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain("anthropic-version: header is required");
  });

  describe("prompt caching", () => {
    const ephemeral = { type: "ephemeral" } as const;
    // 6,000 characters: 1,500 estimated tokens, above the 1,024-token minimum.
    const longSystem: Anthropic.TextBlockParam[] = [{ type: "text", text: "S".repeat(6000), cache_control: ephemeral }];

    it("writes the prefix up to a breakpoint on the first request and reads it on the next", async () => {
      const sim = await startSim(ALWAYS_OK);
      const anthropic = client(sim);

      const first = await anthropic.messages.create({ model: MODEL, max_tokens: 100, system: longSystem, messages: [{ role: "user", content: "hello" }] });
      const second = await anthropic.messages.create({ model: MODEL, max_tokens: 100, system: longSystem, messages: [{ role: "user", content: "hello again!" }] });
      const otherModel = await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 100, system: longSystem, messages: [{ role: "user", content: "hello" }] });

      expect(first.usage).toMatchObject({ input_tokens: 2, cache_creation_input_tokens: 1500, cache_read_input_tokens: 0, output_tokens: 1 });
      expect(second.usage).toMatchObject({ input_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 1500 });
      expect(otherModel.usage).toMatchObject({ cache_creation_input_tokens: 1500, cache_read_input_tokens: 0 });
      expect(sim.stats()).toMatchObject({ inputTokens: 7, cacheReadTokens: 1500, cacheWriteTokens: 3000, outputTokens: 3 });
    });

    it("reads the earlier prefix when the breakpoint moves to the end of a longer conversation", async () => {
      const sim = await startSim(ALWAYS_OK);
      const anthropic = client(sim);
      const system = "S".repeat(4000); // 1,000 tokens, no breakpoint of its own
      const question: Anthropic.TextBlockParam = { type: "text", text: "Q".repeat(400) }; // 100 tokens

      const first = await anthropic.messages.create({ model: MODEL, max_tokens: 100, system, messages: [{ role: "user", content: [{ ...question, cache_control: ephemeral }] }] });
      const second = await anthropic.messages.create({
        model: MODEL,
        max_tokens: 100,
        system,
        messages: [
          { role: "user", content: [question] },
          { role: "assistant", content: "ok" },
          { role: "user", content: [{ type: "text", text: "F".repeat(40), cache_control: ephemeral }] },
        ],
      });

      expect(first.usage).toMatchObject({ input_tokens: 0, cache_creation_input_tokens: 1100, cache_read_input_tokens: 0 });
      expect(second.usage).toMatchObject({ input_tokens: 0, cache_creation_input_tokens: 11, cache_read_input_tokens: 1100 });
    });

    it("does not cache a prefix shorter than the minimum", async () => {
      const sim = await startSim(ALWAYS_OK);
      const shortSystem: Anthropic.TextBlockParam[] = [{ type: "text", text: "S".repeat(400), cache_control: ephemeral }];
      const request = { model: MODEL, max_tokens: 100, system: shortSystem, messages: [{ role: "user" as const, content: "hello" }] };

      await client(sim).messages.create(request);
      const again = await client(sim).messages.create(request);

      expect(again.usage).toMatchObject({ input_tokens: 102, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    });
  });

  describe("faults", () => {
    const hello = { model: MODEL, max_tokens: 100, messages: [{ role: "user" as const, content: "hello" }] };

    it("answers a rate_limit fault with 429, rate_limit_error and retry-after", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "rate_limit", retryAfterSeconds: 7 }] });

      const error = await rejection(client(sim).messages.create(hello));

      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      if (!(error instanceof Anthropic.RateLimitError)) return;
      expect(error.type).toBe("rate_limit_error");
      expect(error.headers.get("retry-after")).toBe("7");
      expect(sim.stats()).toMatchObject({ faultsInjected: 1, completed: 0 });
    });

    it("lets the SDK succeed on its retry after the retry-after delay", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "rate_limit", retryAfterSeconds: 1 }] });
      const started = Date.now();

      const message = await client(sim, { maxRetries: 1 }).messages.create(hello);

      expect(message.content).toEqual([{ type: "text", text: "ok", citations: null }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(sim.records().map((r) => [r.outcome, r.status])).toEqual([
        ["fault", 429],
        ["replied", 200],
      ]);
    });

    it("answers an overloaded fault with 529 overloaded_error", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "overloaded" }] });

      const error = await rejection(client(sim).messages.create(hello));

      expect(error).toBeInstanceOf(Anthropic.OverloadedError);
      expect(error).toMatchObject({ status: 529, type: "overloaded_error" });
    });

    it("fires a fault on the nth request only", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ nth: 2, kind: "server_error" }] });
      const anthropic = client(sim);

      await anthropic.messages.create(hello);
      const error = await rejection(anthropic.messages.create(hello));
      await anthropic.messages.create(hello);

      expect(error).toBeInstanceOf(Anthropic.InternalServerError);
      expect(error).toMatchObject({ status: 500, type: "api_error" });
      expect(sim.records().map((r) => r.outcome)).toEqual(["replied", "fault", "replied"]);
    });

    it("hangs until the SDK times out, and stop() still returns promptly", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "hang" }] });

      const error = await rejection(client(sim, { timeout: 300 }).messages.create(hello));
      const stopping = Date.now();
      await sim.stop();

      expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
      expect(Date.now() - stopping).toBeLessThan(1000);
      expect(sim.records()[0]).toMatchObject({ outcome: "fault", fault: "hang", status: undefined });
    });

    it("closes a request that is still hanging when stop() is called", async () => {
      let hung: () => void = () => undefined;
      const hanging = new Promise<void>((resolve) => (hung = resolve));
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "hang" }] }, (event) => {
        if (event.type === "fault_injected") hung();
      });

      const pending = rejection(client(sim, { timeout: 20_000 }).messages.create(hello));
      await hanging;
      const stopping = Date.now();
      await sim.stop();

      expect(Date.now() - stopping).toBeLessThan(1000);
      expect(await pending).toBeInstanceOf(Anthropic.APIConnectionError);
    });
  });

  it("counts each request that carries a forbidden string as one leak and names the strings", async () => {
    const sim = await startSim({ ...ALWAYS_OK, forbidden: ["ghp_TOPSECRET", 'say "pwned"', "never-sent"] });
    const anthropic = client(sim);

    await anthropic.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "token ghp_TOPSECRET and say \"pwned\"" }] });
    await anthropic.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "nothing to see" }] });
    await anthropic.messages.create({ model: MODEL, max_tokens: 10, system: "ghp_TOPSECRET", messages: [{ role: "user", content: "hi" }] });

    expect(sim.stats().leaks).toBe(2);
    expect(sim.records().map((r) => r.leaked)).toEqual([["ghp_TOPSECRET", 'say "pwned"'], [], ["ghp_TOPSECRET"]]);
  });

  it("says plainly when no scripted reply matches, and the SDK does not retry it", async () => {
    const sim = await startSim({ replies: [{ match: { tool: "write_file" }, reply: { text: "never" } }] });

    const error = await rejection(
      client(sim, { maxRetries: 2 }).messages.create({ model: MODEL, max_tokens: 10, system: "You are the planner.", tools: [READ_FILE], messages: [{ role: "user", content: "Plan the work" }] }),
    );

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    if (!(error instanceof Anthropic.InternalServerError)) return;
    expect(error.apiMessage).toContain("llm simulator: no scripted reply matches this request");
    expect(error.apiMessage).toContain("offered tools: read_file");
    expect(error.apiMessage).toContain('system prompt starts: "You are the planner."');
    expect(error.apiMessage).toContain('last user text starts: "Plan the work"');
    expect(sim.stats()).toMatchObject({ requests: 1, unmatched: 1, completed: 0 });
  });

  it("cuts a reply longer than max_tokens and reports scripted output tokens", async () => {
    const sim = await startSim({ replies: [{ reply: { text: "x".repeat(400) } }, { reply: { text: "short", outputTokens: 77 } }] });
    const anthropic = client(sim);

    const cut = await anthropic.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "write a lot" }] });
    const scripted = await anthropic.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "again" }] });

    expect(cut.stop_reason).toBe("max_tokens");
    expect(cut.usage.output_tokens).toBe(10);
    expect(cut.content).toEqual([{ type: "text", text: "x".repeat(40), citations: null }]);
    expect(scripted.usage.output_tokens).toBe(77);
    expect(scripted.stop_reason).toBe("end_turn");
  });

  it("narrates each request through onEvent", async () => {
    const events: LlmSimEvent[] = [];
    const sim = await startSim({ replies: [{ id: "greet", reply: { text: "hi there" } }] }, (event) => events.push(event));

    await client(sim).messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hello" }] });

    expect(events.map((e) => e.type)).toEqual(["request_received", "replied"]);
    expect(events[1]).toMatchObject({ seq: 1, provider: "anthropic", model: MODEL, replyId: "greet", stopReason: "end_turn", usage: { inputTokens: 2, outputTokens: 2 } });
  });
});
