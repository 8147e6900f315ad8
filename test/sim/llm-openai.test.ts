import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { LlmSimulator } from "../../src/sim/llm/llm-simulator.js";
import { llmScriptSchema, type LlmScript } from "../../src/sim/llm/script.js";
import { rejection, useLlmSimulator } from "./llm-test-helpers.js";

const MODEL = "gpt-5-mini";
/** A model of the GPT-5.6 family, which caches at breakpoints. */
const MODEL_56 = "gpt-5.6-terra";
const READ_FILE: OpenAI.Chat.ChatCompletionFunctionTool = {
  type: "function",
  function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
};
const ALWAYS_OK: LlmScript = { replies: [{ id: "ok", reply: { text: "ok" }, times: "always" }] };
const hello: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = { model: MODEL, messages: [{ role: "user", content: "hello" }] };

const startSim = useLlmSimulator();

function client(sim: LlmSimulator, options: { maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: "sk-test", baseURL: sim.openaiBaseUrl, maxRetries: options.maxRetries ?? 0, timeout: options.timeout ?? 10_000 });
}

describe("OpenAI Chat Completions simulator", () => {
  it("answers a scripted tool call that the SDK parses as tool_calls", async () => {
    const sim = await startSim({ replies: [{ match: { tool: "read_file", provider: "openai" }, reply: { toolCalls: [{ name: "read_file", input: { path: "README.md" } }] } }] });

    const completion = await client(sim).chat.completions.create({ model: MODEL, tools: [READ_FILE], messages: [{ role: "user", content: "Read the README" }] });

    const choice = completion.choices[0];
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.id).toMatch(/^call_/);
    if (call?.type !== "function") throw new Error("expected a function tool call");
    expect(call.function.name).toBe("read_file");
    expect(JSON.parse(call.function.arguments)).toEqual({ path: "README.md" });
    expect(sim.stats()).toMatchObject({ requests: 1, completed: 1, byProvider: { openai: 1 } });
  });

  it("carries a multi-turn exchange with tool messages, matching on the tool result", async () => {
    const sim = await startSim({
      replies: [
        { id: "ask", match: { tool: "read_file" }, reply: { text: "Reading.", toolCalls: [{ name: "read_file", input: { path: "README.md" } }] } },
        { id: "answer", match: { text: "# Orchestrator", system: "summariser" }, reply: { text: "It is the Orchestrator README." } },
      ],
    });
    const openai = client(sim);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "system", content: "You are a summariser." },
      { role: "user", content: "Summarise the README" },
    ];

    const first = await openai.chat.completions.create({ model: MODEL, tools: [READ_FILE], messages });
    const reply = first.choices[0]?.message;
    const call = reply?.tool_calls?.[0];
    if (reply === undefined || call === undefined) throw new Error("expected a tool call");
    messages.push(reply, { role: "tool", tool_call_id: call.id, content: "# Orchestrator\nA GitHub App." });
    const second = await openai.chat.completions.create({ model: MODEL, tools: [READ_FILE], messages });

    expect(reply.content).toBe("Reading.");
    expect(second.choices[0]?.message.content).toBe("It is the Orchestrator README.");
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(sim.records().map((r) => (r.outcome === "replied" ? r.replyId : r.outcome))).toEqual(["ask", "answer"]);
  });

  const callTurn = { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: "{}" } }] };
  const refusals: readonly { rule: string; body: Record<string, unknown>; message: string; param?: string; code?: string }[] = [
    { rule: "model is required", body: { messages: [{ role: "user", content: "hi" }] }, message: "you must provide a model parameter" },
    {
      rule: "messages must not be empty",
      body: { model: MODEL, messages: [] },
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: "messages",
      code: "empty_array",
    },
    {
      rule: "roles are system, developer, user, assistant or tool",
      body: { model: MODEL, messages: [{ role: "robot", content: "hi" }] },
      message: "Invalid value: 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', and 'tool'.",
      param: "messages[0].role",
      code: "invalid_value",
    },
    {
      rule: "a tool message must answer a preceding tool_calls",
      body: { model: MODEL, messages: [{ role: "user", content: "hi" }, { role: "tool", tool_call_id: "call_1", content: "x" }] },
      message: "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'",
      param: "messages.[1].role",
    },
    {
      rule: "a tool message must name one of the preceding tool_call ids",
      body: { model: MODEL, messages: [{ role: "user", content: "hi" }, callTurn, { role: "tool", tool_call_id: "call_2", content: "x" }] },
      message: "'tool_call_id' of 'call_2' not found in 'tool_calls' of previous message",
    },
    {
      rule: "every tool_call must be answered by a tool message",
      body: { model: MODEL, messages: [{ role: "user", content: "hi" }, callTurn, { role: "user", content: "well?" }] },
      message:
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_1",
      param: "messages.[1].role",
    },
    {
      rule: "tools are functions",
      body: { model: MODEL, tools: [{ type: "function", name: "read_file" }], messages: [{ role: "user", content: "hi" }] },
      message: "Missing required parameter: 'tools[0].function'.",
      code: "missing_required_parameter",
    },
    {
      rule: "function parameters must be an object schema",
      body: { model: MODEL, tools: [{ type: "function", function: { name: "f", parameters: { type: "string" } } }], messages: [{ role: "user", content: "hi" }] },
      message: "Invalid schema for function 'f'",
      code: "invalid_function_parameters",
    },
    { rule: "unknown arguments", body: { model: MODEL, messages: [{ role: "user", content: "hi" }], max_token: 5 }, message: "Unrecognized request argument supplied: max_token" },
    { rule: "streaming", body: { model: MODEL, stream: true, messages: [{ role: "user", content: "hi" }] }, message: "llm simulator: streaming is not supported" },
    {
      rule: "cache breakpoints need GPT-5.6 or later",
      body: { model: MODEL, messages: [{ role: "user", content: [{ type: "text", text: "hi", prompt_cache_breakpoint: { mode: "explicit" } }] }] },
      message: "is not supported with this model",
      param: "messages.[0].content.[0].prompt_cache_breakpoint",
      code: "unsupported_parameter",
    },
    {
      rule: "prompt_cache_options needs GPT-5.6 or later",
      body: { model: MODEL, prompt_cache_options: { mode: "explicit" }, messages: [{ role: "user", content: "hi" }] },
      message: "'prompt_cache_options' is not supported with this model",
      param: "prompt_cache_options",
    },
    {
      rule: "no cache breakpoint on the model's own messages",
      body: {
        model: MODEL_56,
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: [{ type: "text", text: "hello", prompt_cache_breakpoint: { mode: "explicit" } }] },
          { role: "user", content: "and?" },
        ],
      },
      message: "'prompt_cache_breakpoint' is not supported on assistant messages",
      param: "messages.[1].content.[0].prompt_cache_breakpoint",
    },
    {
      rule: "a cache mode is implicit or explicit",
      body: { model: MODEL_56, prompt_cache_options: { mode: "always" }, messages: [{ role: "user", content: "hi" }] },
      message: "Invalid value",
    },
  ];

  it.each(refusals)("refuses a request that breaks the rule: $rule", async ({ body, message, param, code }) => {
    const sim = await startSim(ALWAYS_OK);

    const error = await rejection(client(sim).post("/chat/completions", { body }));

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    if (!(error instanceof OpenAI.BadRequestError)) return;
    expect(error.type).toBe("invalid_request_error");
    expect(error.error).toMatchObject({ message: expect.stringContaining(message) as unknown });
    if (param !== undefined) expect(error.param).toBe(param);
    if (code !== undefined) expect(error.code).toBe(code);
    expect(error.requestID).toMatch(/^req_/);
    expect(sim.stats()).toMatchObject({ requests: 1, invalidRequests: 1, completed: 0 });
  });

  it("accepts tool messages that answer every call, so the refusals above are about the rule", async () => {
    const sim = await startSim(ALWAYS_OK);
    const twoCalls = { ...callTurn, tool_calls: [...callTurn.tool_calls, { id: "call_2", type: "function", function: { name: "read_file", arguments: "{}" } }] };

    await client(sim).post("/chat/completions", {
      body: {
        model: MODEL,
        tools: [READ_FILE],
        messages: [{ role: "developer", content: "be brief" }, { role: "user", content: "hi" }, twoCalls, { role: "tool", tool_call_id: "call_2", content: "b" }, { role: "tool", tool_call_id: "call_1", content: "a" }],
      },
    });

    expect(sim.stats()).toMatchObject({ completed: 1, invalidRequests: 0 });
  });

  it("refuses a request without a bearer token", async () => {
    const sim = await startSim(ALWAYS_OK);

    const error = await rejection(client(sim).chat.completions.create(hello, { headers: { Authorization: null } }));

    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: "invalid_request_error" });
    expect(sim.stats().invalidRequests).toBe(1);
  });

  it("reports the longest earlier prefix of at least 1,024 tokens as cached, in 128-token steps", async () => {
    const sim = await startSim(ALWAYS_OK);
    const openai = client(sim);
    const system: OpenAI.Chat.ChatCompletionMessageParam = { role: "system", content: "S".repeat(6000) }; // 1,500 tokens
    const short: OpenAI.Chat.ChatCompletionMessageParam = { role: "system", content: "S".repeat(2000) }; // 500 tokens

    const first = await openai.chat.completions.create({ model: MODEL, messages: [system, { role: "user", content: "hello" }] });
    const second = await openai.chat.completions.create({ model: MODEL, messages: [system, { role: "user", content: "hello again!" }] });
    await openai.chat.completions.create({ model: MODEL, messages: [short, { role: "user", content: "hello" }] });
    const shortAgain = await openai.chat.completions.create({ model: MODEL, messages: [short, { role: "user", content: "hello" }] });

    expect(first.usage).toMatchObject({ prompt_tokens: 1502, completion_tokens: 1, total_tokens: 1503, prompt_tokens_details: { cached_tokens: 0 } });
    expect(second.usage).toMatchObject({ prompt_tokens: 1503, prompt_tokens_details: { cached_tokens: 1408 } });
    expect(shortAgain.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(sim.stats()).toMatchObject({ cacheReadTokens: 1408, cacheWriteTokens: 0 });
  });

  describe("GPT-5.6 and later: caching at breakpoints", () => {
    const stable = (text: string): OpenAI.Chat.ChatCompletionContentPartText => ({ type: "text", text, prompt_cache_breakpoint: { mode: "explicit" } });
    const system: OpenAI.Chat.ChatCompletionMessageParam = { role: "system", content: [stable("S".repeat(6000))] }; // 1,500 tokens
    const explicit = { mode: "explicit" } as const;

    it("writes up to an explicit breakpoint and reads exactly that prefix, not rounded to a token block", async () => {
      const sim = await startSim(ALWAYS_OK);
      const openai = client(sim);

      const first = await openai.chat.completions.create({ model: MODEL_56, prompt_cache_options: explicit, messages: [system, { role: "user", content: "hello" }] });
      const second = await openai.chat.completions.create({ model: MODEL_56, prompt_cache_options: explicit, messages: [system, { role: "user", content: "hello again!" }] });

      expect(first.usage).toMatchObject({ prompt_tokens: 1502, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 1500 } });
      expect(second.usage).toMatchObject({ prompt_tokens: 1503, prompt_tokens_details: { cached_tokens: 1500, cache_write_tokens: 0 } });
      expect(sim.stats()).toMatchObject({ inputTokens: 5, cacheReadTokens: 1500, cacheWriteTokens: 1500 });
    });

    it("without mode explicit, also writes at an implicit breakpoint at the end of the newest message", async () => {
      const sim = await startSim(ALWAYS_OK);
      const openai = client(sim);
      const question = { role: "user", content: "Q".repeat(400) } as const; // 100 tokens

      const first = await openai.chat.completions.create({ model: MODEL_56, messages: [system, question] });
      const followUp = await openai.chat.completions.create({
        model: MODEL_56,
        messages: [system, question, { role: "assistant", content: "ok" }, { role: "user", content: "more?" }],
      });

      expect(first.usage?.prompt_tokens_details).toMatchObject({ cached_tokens: 0, cache_write_tokens: 1600 });
      // The whole first request is read back: the implicit breakpoint ended it; the new turn is written.
      expect(followUp.usage).toMatchObject({ prompt_tokens: 1603, prompt_tokens_details: { cached_tokens: 1600, cache_write_tokens: 3 } });
    });

    it("reads a prefix that changed after its breakpoint, which earlier models could not tell from a block that changed", async () => {
      const sim = await startSim(ALWAYS_OK);
      const openai = client(sim);
      const review = (diff: string): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming => ({
        model: MODEL_56,
        prompt_cache_options: explicit,
        messages: [system, { role: "user", content: [stable(`issue and plan ${"P".repeat(400)}`), { type: "text", text: diff }] }],
      });

      await openai.chat.completions.create(review("diff one"));
      const second = await openai.chat.completions.create(review("diff two, longer"));

      expect(second.usage?.prompt_tokens_details).toMatchObject({ cached_tokens: 1500 + 104, cache_write_tokens: 0 });
    });

    it("writes nothing under mode explicit without a breakpoint, and nothing below 1,024 tokens", async () => {
      const sim = await startSim(ALWAYS_OK);
      const openai = client(sim);

      const unmarked = await openai.chat.completions.create({ model: MODEL_56, prompt_cache_options: explicit, messages: [{ role: "system", content: "S".repeat(6000) }, { role: "user", content: "hello" }] });
      const short = await openai.chat.completions.create({ model: MODEL_56, prompt_cache_options: explicit, messages: [{ role: "system", content: [stable("S".repeat(400))] }, { role: "user", content: "hi" }] });

      expect(unmarked.usage?.prompt_tokens_details).toMatchObject({ cached_tokens: 0, cache_write_tokens: 0 });
      expect(short.usage?.prompt_tokens_details).toMatchObject({ cached_tokens: 0, cache_write_tokens: 0 });
    });

    it("reports no cache_write_tokens field for earlier models, as the API does not", async () => {
      const sim = await startSim(ALWAYS_OK);

      const completion = await client(sim).chat.completions.create(hello);

      expect(completion.usage?.prompt_tokens_details).not.toHaveProperty("cache_write_tokens");
    });
  });

  describe("faults", () => {
    it("answers a rate_limit fault with 429, rate_limit_exceeded and retry-after", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "rate_limit", retryAfterSeconds: 3 }] });

      const error = await rejection(client(sim).chat.completions.create(hello));

      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      if (!(error instanceof OpenAI.RateLimitError)) return;
      expect(error.code).toBe("rate_limit_exceeded");
      expect(error.headers.get("retry-after")).toBe("3");
    });

    it("lets the SDK succeed on its retry", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "rate_limit", retryAfterSeconds: 1 }] });

      const completion = await client(sim, { maxRetries: 1 }).chat.completions.create(hello);

      expect(completion.choices[0]?.message.content).toBe("ok");
      expect(sim.records().map((r) => [r.outcome, r.status])).toEqual([
        ["fault", 429],
        ["replied", 200],
      ]);
    });

    it("answers overloaded with 503 and server_error with 500 for matching requests", async () => {
      const sim = await startSim({
        ...ALWAYS_OK,
        faults: [
          { kind: "overloaded", match: { text: "first" } },
          { kind: "server_error", match: { text: "second" } },
        ],
      });
      const openai = client(sim);

      const overloaded = await rejection(openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "first" }] }));
      const failed = await rejection(openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "second" }] }));
      await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "first" }] });

      expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
      expect(overloaded).toMatchObject({ status: 503 });
      expect(failed).toMatchObject({ status: 500, type: "server_error" });
      expect(sim.stats()).toMatchObject({ faultsInjected: 2, completed: 1 });
    });

    it("hangs until the SDK times out, and stop() still returns promptly", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "hang" }] });

      const error = await rejection(client(sim, { timeout: 300 }).chat.completions.create(hello));
      const stopping = Date.now();
      await sim.stop();

      expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect(Date.now() - stopping).toBeLessThan(1000);
    });
  });

  it("counts requests that carry a forbidden string as leaks", async () => {
    const sim = await startSim({ ...ALWAYS_OK, forbidden: ["sk-live-SECRET"] });
    const openai = client(sim);

    await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "key: sk-live-SECRET" }] });
    await openai.chat.completions.create(hello);

    expect(sim.stats().leaks).toBe(1);
    expect(sim.records().map((r) => r.leaked)).toEqual([["sk-live-SECRET"], []]);
  });

  it("says plainly when no scripted reply matches", async () => {
    const sim = await startSim({ replies: [{ match: { provider: "anthropic" }, reply: { text: "never" } }] });

    const error = await rejection(client(sim, { maxRetries: 2 }).chat.completions.create({ model: MODEL, tools: [READ_FILE], messages: [{ role: "user", content: "Plan the work" }] }));

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    if (!(error instanceof OpenAI.InternalServerError)) return;
    expect(error.error).toMatchObject({
      message: expect.stringContaining("llm simulator: no scripted reply matches this request (provider: openai; model: gpt-5-mini; offered tools: read_file") as unknown,
    });
    expect(sim.stats()).toMatchObject({ requests: 1, unmatched: 1 });
  });

  it("finishes with length when the reply exceeds max_completion_tokens", async () => {
    const sim = await startSim({ replies: [{ reply: { text: "y".repeat(100) } }] });

    const completion = await client(sim).chat.completions.create({ ...hello, max_completion_tokens: 5 });

    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.choices[0]?.message.content).toBe("y".repeat(20));
    expect(completion.usage?.completion_tokens).toBe(5);
  });

  it("refuses a script with a misspelt key, a zero count or a tool_use stop without tool calls", () => {
    const accepted = llmScriptSchema.safeParse({ replies: [{ reply: { text: "x" }, times: 2 }], faults: [{ nth: 1, kind: "hang" }] });
    const misspelt = llmScriptSchema.safeParse({ replies: [{ reply: { text: "x" }, tiems: 2 }] });
    const zero = llmScriptSchema.safeParse({ replies: [{ reply: { text: "x" }, times: 0 }] });
    const toolUseWithoutCalls = llmScriptSchema.safeParse({ replies: [{ reply: { text: "x", stopReason: "tool_use" } }] });

    expect(accepted.success).toBe(true);
    expect(misspelt.success).toBe(false);
    expect(zero.success).toBe(false);
    expect(toolUseWithoutCalls.success).toBe(false);
    expect(() => new LlmSimulator({ script: { replies: [{ reply: { text: "x" }, times: 0 }] } })).toThrow();
  });
});

