import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import type { LlmRequest, LlmToolChoice } from "../../src/llm/llm-client.js";
import { LlmError } from "../../src/llm/llm-errors.js";
import { classifyOpenAiError, OpenAiClient, type OpenAiClientOptions } from "../../src/llm/openai-client.js";
import type { LlmSimulator } from "../../src/sim/llm/llm-simulator.js";
import type { LlmScript } from "../../src/sim/llm/script.js";
import { rejection, useLlmSimulator } from "../sim/llm-test-helpers.js";

const startSim = useLlmSimulator();

const request: LlmRequest = {
  model: "gpt-5-mini",
  system: [{ type: "text", text: "You edit files." }],
  messages: [{ role: "user", content: [{ type: "text", text: "Create NOTES.md" }] }],
  tools: [{ name: "write_file", description: "Write a file", inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } }],
  maxTokens: 512,
};
const ALWAYS_OK: LlmScript = { replies: [{ reply: { text: "ok" }, times: "always" }] };

function clientFor(sim: LlmSimulator, options: Partial<OpenAiClientOptions> = {}): OpenAiClient {
  return new OpenAiClient({ apiKey: "sk-test", baseURL: sim.openaiBaseUrl, maxRetries: 0, ...options });
}

describe("OpenAiClient", () => {
  it("turns a plain text reply into a text block that ends the turn", async () => {
    const sim = await startSim({ replies: [{ match: { text: "Create NOTES.md", system: "You edit files." }, reply: { text: "Nothing to do.", outputTokens: 7 } }] });

    const response = await clientFor(sim).complete({ ...request, tools: [] });

    expect(response).toMatchObject({ model: "gpt-5-mini", stopReason: "end_turn", content: [{ type: "text", text: "Nothing to do." }] });
    expect(response.id).toMatch(/^chatcmpl-/);
    expect(response.usage).toMatchObject({ outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it("turns a tool-calling reply into tool_use blocks with parsed input", async () => {
    const sim = await startSim({ replies: [{ match: { tool: "write_file" }, reply: { text: "Writing it.", toolCalls: [{ name: "write_file", input: { path: "NOTES.md" } }] } }] });

    const response = await clientFor(sim).complete(request);

    expect(response.stopReason).toBe("tool_use");
    expect(response.content).toEqual([
      { type: "text", text: "Writing it." },
      { type: "tool_use", id: expect.stringMatching(/^call_/) as unknown, name: "write_file", input: { path: "NOTES.md" } },
    ]);
  });

  it("sends the tool call and its result back in a form the API accepts, results before new user text", async () => {
    const sim = await startSim({
      replies: [
        { id: "call", match: { text: "Create NOTES.md" }, reply: { toolCalls: [{ name: "write_file", input: { path: "NOTES.md" } }] } },
        { id: "done", match: { text: "created NOTES.md\nanything else?", system: "You edit files.\n\nBe brief." }, reply: { text: "Done." } },
      ],
    });
    const client = clientFor(sim);
    const system = [...request.system, { type: "text" as const, text: "Be brief.", cache: true }];
    const first = await client.complete({ ...request, system });
    const call = first.content.find((b) => b.type === "tool_use");
    if (call?.type !== "tool_use") throw new Error("expected a tool call");

    const second = await client.complete({
      ...request,
      system,
      messages: [
        ...request.messages,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "text", text: "anything else?" }, { type: "tool_result", toolUseId: call.id, content: "created NOTES.md" }] },
      ],
    });

    expect(second).toMatchObject({ stopReason: "end_turn", content: [{ type: "text", text: "Done." }] });
    expect(sim.unusedReplies()).toEqual([]);
  });

  it("counts prompt tokens read from the cache as cache reads, not as input", async () => {
    const sim = await startSim(ALWAYS_OK);
    const client = clientFor(sim);
    const cached: LlmRequest = { ...request, tools: [], system: [{ type: "text", text: "S".repeat(6000), cache: true }] }; // 1,500 tokens

    const first = await client.complete({ ...cached, messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }] });
    const second = await client.complete({ ...cached, messages: [{ role: "user", content: [{ type: "text", text: "hello again!" }] }] });

    // The simulator reports prompt_tokens 1503 with cached_tokens 1408 for the second request.
    expect(first.usage).toEqual({ inputTokens: 1502, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(second.usage).toEqual({ inputTokens: 1503 - 1408, outputTokens: 1, cacheReadTokens: 1408, cacheWriteTokens: 0 });
  });

  it.each<{ choice: LlmToolChoice }>([{ choice: { type: "auto" } }, { choice: { type: "any" } }, { choice: { type: "tool", name: "write_file" } }])(
    "sends tool choice $choice.type in a shape the API accepts",
    async ({ choice }) => {
      const sim = await startSim(ALWAYS_OK);

      await clientFor(sim).complete({ ...request, toolChoice: choice });

      expect(sim.stats()).toMatchObject({ completed: 1, invalidRequests: 0 });
    },
  );

  it.each(["max_completion_tokens", "max_tokens"] as const)("caps the reply through %s", async (maxTokensField) => {
    const sim = await startSim({ replies: [{ reply: { text: "y".repeat(100) } }] });

    const response = await clientFor(sim, { maxTokensField }).complete({ ...request, maxTokens: 5 });

    expect(response).toMatchObject({ stopReason: "max_tokens", content: [{ type: "text", text: "y".repeat(20) }], usage: { outputTokens: 5 } });
  });

  describe("errors", () => {
    it("classifies a rate limit as retryable after the delay the provider asks for", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "rate_limit", retryAfterSeconds: 7 }] });

      const error = await rejection(clientFor(sim).complete(request));

      expect(error).toBeInstanceOf(LlmError);
      expect(error).toMatchObject({ provider: "openai", status: 429, retryable: true, retryAfterMs: 7_000 });
    });

    it.each([
      { kind: "server_error", status: 500 },
      { kind: "overloaded", status: 503 },
    ] as const)("classifies $kind ($status) as retryable", async ({ kind, status }) => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind }] });

      expect(await rejection(clientFor(sim).complete(request))).toMatchObject({ status, retryable: true });
    });

    it("classifies a request the API refuses (400) as not retryable", async () => {
      const sim = await startSim(ALWAYS_OK);

      const error = await rejection(clientFor(sim).complete({ ...request, toolChoice: { type: "tool", name: "delete_repo" } }));

      expect(error).toMatchObject({ status: 400, retryable: false });
      expect((error as Error).message).toContain("no function named 'delete_repo'");
    });

    it("classifies a missing API key (401) as not retryable", async () => {
      const sim = await startSim(ALWAYS_OK);

      // The SDK insists on a key; a blank one reaches the wire as a bare "Bearer".
      expect(await rejection(clientFor(sim, { apiKey: " " }).complete(request))).toMatchObject({ status: 401, retryable: false });
    });

    it("believes x-should-retry: false over a 5xx status", async () => {
      // An unscripted request is answered 500 with x-should-retry: false.
      const sim = await startSim({ replies: [{ match: { text: "something else" }, reply: { text: "never" } }] });

      expect(await rejection(clientFor(sim).complete(request))).toMatchObject({ status: 500, retryable: false });
    });

    it("classifies a provider it cannot reach as retryable", async () => {
      const sim = await startSim({ replies: [] });
      const baseURL = sim.openaiBaseUrl;
      await sim.stop();

      const error = await rejection(new OpenAiClient({ apiKey: "sk-test", baseURL, maxRetries: 0 }).complete(request));

      expect(error).toMatchObject({ status: undefined, retryable: true });
      expect((error as Error).message).toContain("could not connect");
    });

    it("classifies a request that times out as retryable", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "hang" }] });

      const error = await rejection(clientFor(sim, { timeoutMs: 200 }).complete(request));

      expect(error).toMatchObject({ retryable: true });
      expect((error as Error).message).toContain("timed out");
    });

    it("names a compatible endpoint by its own provider name", async () => {
      const sim = await startSim({ ...ALWAYS_OK, faults: [{ kind: "rate_limit" }] });
      const client = clientFor(sim, { provider: "ollama" });

      const error = await rejection(client.complete(request));

      expect(client.provider).toBe("ollama");
      expect(error).toMatchObject({ provider: "ollama", status: 429 });
      expect((error as Error).message).toMatch(/^ollama API answered 429/);
    });
  });
});

/** A loopback endpoint answering every request with one fixed completion, for replies the simulator cannot script. */
const fixedServers: Server[] = [];
afterEach(async () => {
  await Promise.all(fixedServers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function fixedEndpoint(completion: object): Promise<{ readonly baseURL: string; readonly bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fixedServers.push(server);
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies };
}

function completion(message: object, finishReason: string): object {
  return {
    id: "chatcmpl-fixed",
    object: "chat.completion",
    created: 0,
    model: "gpt-5-mini",
    choices: [{ index: 0, message: { role: "assistant", content: null, refusal: null, ...message }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
  };
}

describe("OpenAiClient on replies the simulator cannot script", () => {
  it("hands on tool arguments that are not JSON as the raw string, for the schema check to report", async () => {
    const call = { id: "call_1", type: "function", function: { name: "write_file", arguments: '{"path": "NOTES.md"' } };
    const { baseURL } = await fixedEndpoint(completion({ tool_calls: [call] }, "tool_calls"));

    const response = await new OpenAiClient({ apiKey: "sk-test", baseURL, maxRetries: 0 }).complete(request);

    expect(response).toMatchObject({ stopReason: "tool_use", content: [{ type: "tool_use", id: "call_1", name: "write_file", input: '{"path": "NOTES.md"' }] });
    expect(response.usage).toEqual({ inputTokens: 10, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it.each([
    { what: "a content filter stop", message: { content: "Partial" }, finishReason: "content_filter", text: "Partial" },
    { what: "an explicit refusal", message: { refusal: "I can't help with that." }, finishReason: "stop", text: "I can't help with that." },
  ])("reports $what as a refusal", async ({ message, finishReason, text }) => {
    const { baseURL } = await fixedEndpoint(completion(message, finishReason));

    const response = await new OpenAiClient({ apiKey: "sk-test", baseURL, maxRetries: 0 }).complete(request);

    expect(response).toMatchObject({ stopReason: "refusal", content: [{ type: "text", text }] });
  });

  it("refuses a completion without choices with a permanent error", async () => {
    const { baseURL } = await fixedEndpoint({ ...completion({}, "stop"), choices: [] });

    const error = await rejection(new OpenAiClient({ apiKey: "sk-test", baseURL, maxRetries: 0, provider: "vllm" }).complete(request));

    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ provider: "vllm", retryable: false });
    expect((error as Error).message).toContain("no choices");
  });

  it("puts system, tool results, tool calls, tool choice and temperature on the wire as Chat Completions expects", async () => {
    const { baseURL, bodies } = await fixedEndpoint(completion({ content: "ok" }, "stop"));
    const client = new OpenAiClient({ apiKey: "sk-test", baseURL, maxRetries: 0, maxTokensField: "max_tokens" });

    await client.complete({
      ...request,
      system: [{ type: "text", text: "You edit files.", cache: true }, { type: "text", text: "Be brief." }],
      messages: [
        ...request.messages,
        { role: "assistant", content: [{ type: "tool_use", id: "call_a", name: "write_file", input: { path: "NOTES.md" } }] },
        { role: "user", content: [{ type: "text", text: "Next?" }, { type: "tool_result", toolUseId: "call_a", content: "disk full", isError: true }] },
      ],
      toolChoice: { type: "any" },
      temperature: 0.2,
    });

    expect(bodies).toEqual([
      {
        model: "gpt-5-mini",
        max_tokens: 512,
        temperature: 0.2,
        tool_choice: "required",
        tools: [{ type: "function", function: { name: "write_file", description: "Write a file", parameters: request.tools[0]?.inputSchema } }],
        messages: [
          { role: "system", content: "You edit files.\n\nBe brief." },
          { role: "user", content: "Create NOTES.md" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "write_file", arguments: '{"path":"NOTES.md"}' } }] },
          { role: "tool", tool_call_id: "call_a", content: "Error: disk full" },
          { role: "user", content: "Next?" },
        ],
      },
    ]);
  });
});

describe("OpenAiClient with a model that caches at breakpoints (GPT-5.6 and later)", () => {
  const breakpoints = { cacheBreakpoints: (model: string): boolean => model.startsWith("gpt-5.6") };
  const marked: LlmRequest = {
    ...request,
    model: "gpt-5.6-terra",
    system: [{ type: "text", text: "You edit files.", cache: true }, { type: "text", text: "Be brief." }],
    messages: [
      { role: "user", content: [{ type: "text", text: "Create NOTES.md", cache: true }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call_a", name: "write_file", input: { path: "NOTES.md" } }] },
      { role: "user", content: [{ type: "tool_result", toolUseId: "call_a", content: "created", cache: true }] },
    ],
  };

  it("sends each text block as a content part, a flagged one with a breakpoint, in explicit mode with a cache key", async () => {
    const { baseURL, bodies } = await fixedEndpoint(completion({ content: "ok" }, "stop"));

    await new OpenAiClient({ apiKey: "sk-test", baseURL, maxRetries: 0, ...breakpoints }).complete(marked);

    const body = bodies[0] as Record<string, unknown>;
    expect(body).toMatchObject({ model: "gpt-5.6-terra", prompt_cache_options: { mode: "explicit" }, prompt_cache_key: expect.stringMatching(/^orchestrator-[0-9a-f]{32}$/) as unknown });
    expect(body.messages).toEqual([
      {
        role: "system",
        content: [
          { type: "text", text: "You edit files.", prompt_cache_breakpoint: { mode: "explicit" } },
          { type: "text", text: "Be brief." },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Create NOTES.md", prompt_cache_breakpoint: { mode: "explicit" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "write_file", arguments: '{"path":"NOTES.md"}' } }] },
      { role: "tool", tool_call_id: "call_a", content: [{ type: "text", text: "created", prompt_cache_breakpoint: { mode: "explicit" } }] },
    ]);
  });

  it("sends the same request as before to a model without the capability, and leaves caching implicit when nothing is flagged", async () => {
    const { baseURL, bodies } = await fixedEndpoint(completion({ content: "ok" }, "stop"));
    const client = new OpenAiClient({ apiKey: "sk-test", baseURL, maxRetries: 0, ...breakpoints });

    await client.complete({ ...marked, model: "gpt-5.4" });
    await client.complete({ ...request, model: "gpt-5.6-terra" });

    expect(bodies[0]).not.toHaveProperty("prompt_cache_options");
    expect((bodies[0] as { messages: unknown[] }).messages[0]).toEqual({ role: "system", content: "You edit files.\n\nBe brief." });
    expect(bodies[1]).not.toHaveProperty("prompt_cache_options");
    expect(bodies[1]).not.toHaveProperty("prompt_cache_key");
  });

  it("counts the writes the API reports apart from input, and reads the whole earlier conversation on the next turn", async () => {
    const sim = await startSim(ALWAYS_OK);
    const client = clientFor(sim, breakpoints);
    const long: LlmRequest = { ...marked, tools: [], system: [{ type: "text", text: "S".repeat(6000), cache: true }], messages: [{ role: "user", content: [{ type: "text", text: "Q".repeat(400), cache: true }] }] };

    const first = await client.complete(long);
    const next = await client.complete({
      ...long,
      messages: [...long.messages, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "text", text: "And then?", cache: true }] }],
    });

    // 1,500 system + 100 question tokens written; then read, and the reply and the new turn (1 + 3 tokens) written.
    expect(first.usage).toEqual({ inputTokens: 0, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 1600 });
    expect(next.usage).toEqual({ inputTokens: 0, outputTokens: 1, cacheReadTokens: 1600, cacheWriteTokens: 4 });
    expect(sim.stats()).toMatchObject({ invalidRequests: 0, completed: 2 });
  });
});

describe("classifyOpenAiError", () => {
  const apiError = (status: number, headers: Record<string, string>) =>
    OpenAI.APIError.generate(status, { error: { message: "nope" } }, undefined, new Headers(headers));

  it("prefers retry-after-ms to retry-after, as the SDK does", () => {
    expect(classifyOpenAiError(apiError(429, { "retry-after-ms": "250", "retry-after": "9" }))).toMatchObject({ retryable: true, retryAfterMs: 250 });
    expect(classifyOpenAiError(apiError(429, { "retry-after": "9" }))).toMatchObject({ retryAfterMs: 9_000 });
  });

  it("believes x-should-retry: true over a 4xx status", () => {
    expect(classifyOpenAiError(apiError(400, {}))).toMatchObject({ status: 400, retryable: false });
    expect(classifyOpenAiError(apiError(400, { "x-should-retry": "true" }))).toMatchObject({ status: 400, retryable: true });
  });

  it("treats an abort and anything that is not an API error as permanent, keeping the cause", () => {
    const bug = new TypeError("x is undefined");

    expect(classifyOpenAiError(new OpenAI.APIUserAbortError(), "openrouter")).toMatchObject({ provider: "openrouter", retryable: false });
    expect(classifyOpenAiError(bug)).toMatchObject({ provider: "openai", status: undefined, retryable: false, cause: bug });
  });
});
