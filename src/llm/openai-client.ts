import { createHash } from "node:crypto";
import OpenAI from "openai";
import type { LlmClient, LlmMessage, LlmRequest, LlmResponse, LlmStopReason, LlmTextBlock, LlmToolChoice, LlmToolUseBlock } from "./llm-client.js";
import { isRetryableStatus, LlmError, parseRetryAfter } from "./llm-errors.js";

type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;
type ChatParams = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
type FinishReason = OpenAI.Chat.ChatCompletion.Choice["finish_reason"];

export interface OpenAiClientOptions {
  readonly apiKey: string;
  /** An OpenAI-compatible endpoint (Ollama, vLLM, Gemini's OpenAI endpoint, OpenRouter) is served by this class too. */
  readonly baseURL?: string | undefined;
  readonly timeoutMs?: number;
  /** Retries inside the SDK (with its own backoff, retry-after and retry-after-ms); the job queue retries beyond these. */
  readonly maxRetries?: number;
  /** The name in `LlmClient.provider`, in errors and in cost records; "openai" unless an OpenAI-compatible endpoint is meant. */
  readonly provider?: string;
  /**
   * Current OpenAI models refuse `max_tokens` and require `max_completion_tokens`; older compatible
   * servers know only `max_tokens`. The LLM simulator accepts either.
   */
  readonly maxTokensField?: "max_completion_tokens" | "max_tokens";
  /**
   * Whether a model takes explicit cache breakpoints (GPT-5.6 and later: the catalog's
   * `prompt-cache-breakpoints` capability). For those, the `cache` flags become
   * `prompt_cache_breakpoint`s; for other models they have nothing to map to and are dropped.
   */
  readonly cacheBreakpoints?: (model: string) => boolean;
}

/*
 * Earlier OpenAI models cache the longest stable prefix of a prompt on their own, so the `cache`
 * flags are dropped and text blocks are joined into one string per message. GPT-5.6 and later
 * match a cached prefix exactly at a breakpoint (a stable prefix followed by a changing suffix
 * misses unless the boundary is marked), so for them every text block is a content part and a
 * flagged one carries `prompt_cache_breakpoint`; `prompt_cache_options.mode: "explicit"` then
 * writes only the prefixes we marked, not one more at the end of every request.
 */

const breakpoint = { mode: "explicit" } as const;

type TextPart = OpenAI.Chat.ChatCompletionContentPartText;

function joinTexts(blocks: readonly LlmTextBlock[]): string {
  return blocks.map((b) => b.text).join("\n\n");
}

function toParts(blocks: readonly { readonly text: string; readonly cache?: boolean | undefined }[]): TextPart[] {
  return blocks.map((b) => ({ type: "text", text: b.text, ...(b.cache ? { prompt_cache_breakpoint: breakpoint } : {}) }));
}

function toMessages(system: readonly LlmTextBlock[], messages: readonly LlmMessage[], parts: boolean): ChatMessage[] {
  const out: ChatMessage[] = system.length > 0 ? [{ role: "system", content: parts ? toParts(system) : joinTexts(system) }] : [];
  for (const message of messages) {
    if (message.role === "assistant") {
      const texts = message.content.filter((b) => b.type === "text");
      const calls = message.content.filter((b) => b.type === "tool_use");
      out.push({
        role: "assistant",
        // Tool calls without text are sent with `content: null`, as the API itself returns them.
        content: texts.length > 0 ? joinTexts(texts) : calls.length > 0 ? null : "",
        ...(calls.length > 0
          ? { tool_calls: calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: JSON.stringify(c.input) } })) }
          : {}),
      });
      continue;
    }
    // Tool messages must directly follow the assistant turn that asked for them, so they go first.
    for (const block of message.content) {
      if (block.type !== "tool_result") continue;
      // Chat Completions has no error flag on a tool message; the text has to say it.
      const text = block.isError ? `Error: ${block.content}` : block.content;
      out.push({ role: "tool", tool_call_id: block.toolUseId, content: parts ? toParts([{ text, cache: block.cache }]) : text });
    }
    const texts = message.content.filter((b) => b.type === "text");
    if (texts.length > 0) out.push({ role: "user", content: parts ? toParts(texts) : joinTexts(texts) });
  }
  return out;
}

/** Flagged blocks anywhere in the request: what decides whether to ask for explicit caching. */
function hasCacheFlags(request: LlmRequest): boolean {
  return request.system.some((b) => b.cache === true) || request.messages.some((m) => m.content.some((b) => "cache" in b && b.cache === true));
}

/**
 * Requests with the same key and prefix are routed to the same cache: the key names what is
 * shared, the instructions and the repository context of the system prompt.
 */
function promptCacheKey(request: LlmRequest): string {
  return `orchestrator-${createHash("sha256").update(request.model).update("\0").update(joinTexts(request.system)).digest("hex").slice(0, 32)}`;
}

function toToolChoice(choice: LlmToolChoice): OpenAI.Chat.ChatCompletionToolChoiceOption {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "tool":
      return { type: "function", function: { name: choice.name } };
  }
}

function toStopReason(reason: FinishReason): LlmStopReason {
  switch (reason) {
    case "stop":
      return "end_turn";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    default:
      // Compatible servers send reasons of their own, or none.
      return "other";
  }
}

/** Unparseable arguments are handed on as the raw string: the schema check reports them and the repair round fixes them. */
function parseArguments(raw: string): unknown {
  // Some compatible servers send "" for a call without arguments.
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function toToolUse(call: OpenAI.Chat.ChatCompletionMessageToolCall): LlmToolUseBlock {
  return call.type === "function"
    ? { type: "tool_use", id: call.id, name: call.function.name, input: parseArguments(call.function.arguments) }
    : { type: "tool_use", id: call.id, name: call.custom.name, input: call.custom.input };
}

function toResponse(completion: OpenAI.Chat.ChatCompletion, provider: string): LlmResponse {
  const choice = completion.choices[0];
  if (choice === undefined) {
    throw new LlmError(`${provider} API returned a completion with no choices (id ${completion.id}); there is no reply to use`, provider, undefined, {
      retryable: false,
    });
  }
  const { message } = choice;
  const refusal = typeof message.refusal === "string" && message.refusal !== "" ? message.refusal : undefined;
  const texts = [message.content, refusal].filter((t): t is string => typeof t === "string" && t !== "");
  // prompt_tokens includes the cached tokens; LlmResponse counts them apart.
  const promptTokens = completion.usage?.prompt_tokens ?? 0;
  const cacheReadTokens = completion.usage?.prompt_tokens_details?.cached_tokens ?? 0;
  // Reported by models that cache at breakpoints (GPT-5.6 and later), also inside prompt_tokens.
  const cacheWriteTokens = completion.usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    id: completion.id,
    model: completion.model,
    stopReason: refusal === undefined ? toStopReason(choice.finish_reason) : "refusal",
    content: [...texts.map((text) => ({ type: "text" as const, text })), ...(message.tool_calls ?? []).map(toToolUse)],
    usage: {
      inputTokens: Math.max(0, promptTokens - cacheReadTokens - cacheWriteTokens),
      outputTokens: completion.usage?.completion_tokens ?? 0,
      cacheReadTokens,
      cacheWriteTokens,
    },
  };
}

export class OpenAiClient implements LlmClient {
  readonly provider: string;
  readonly #sdk: OpenAI;
  readonly #maxTokensField: "max_completion_tokens" | "max_tokens";
  readonly #cacheBreakpoints: (model: string) => boolean;

  constructor(options: OpenAiClientOptions) {
    this.provider = options.provider ?? "openai";
    this.#cacheBreakpoints = options.cacheBreakpoints ?? (() => false);
    this.#maxTokensField = options.maxTokensField ?? "max_completion_tokens";
    // Our `provider` is a label and never goes to the SDK, whose own `provider` option means something else.
    this.#sdk = new OpenAI({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      timeout: options.timeoutMs ?? 10 * 60_000,
      maxRetries: options.maxRetries ?? 2,
    });
  }

  async complete(request: LlmRequest, options: { readonly signal?: AbortSignal } = {}): Promise<LlmResponse> {
    const breakpoints = this.#cacheBreakpoints(request.model);
    const params: ChatParams = {
      model: request.model,
      messages: toMessages(request.system, request.messages, breakpoints),
      ...(breakpoints && hasCacheFlags(request) ? { prompt_cache_options: { mode: "explicit" as const }, prompt_cache_key: promptCacheKey(request) } : {}),
      // The option names the wire field; `max_tokens` is deprecated by OpenAI but still what older servers read.
      [this.#maxTokensField]: request.maxTokens,
      ...(request.tools.length > 0
        ? {
            tools: request.tools.map((t) => ({
              type: "function" as const,
              function: { name: t.name, description: t.description, parameters: { ...t.inputSchema, type: "object" } },
            })),
          }
        : {}),
      ...(request.toolChoice ? { tool_choice: toToolChoice(request.toolChoice) } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await this.#sdk.chat.completions.create(params, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      throw classifyOpenAiError(error, this.provider);
    }
    return toResponse(completion, this.provider);
  }
}

function headerOf(error: { readonly headers?: unknown }, name: string): string | null {
  return error.headers instanceof Headers ? error.headers.get(name) : null;
}

/** `retry-after-ms` (OpenAI's, sent with some 429s) wins over `retry-after`, as in the SDK's own retries. */
function retryAfterOf(error: { readonly headers?: unknown }): number | undefined {
  const msHeader = headerOf(error, "retry-after-ms");
  const ms = msHeader === null ? Number.NaN : Number.parseFloat(msHeader);
  if (Number.isFinite(ms)) return Math.max(0, ms);
  return parseRetryAfter(headerOf(error, "retry-after"), Date.now());
}

/** `provider` names the endpoint in the message and in the error: "openai", or the compatible server's name. */
export function classifyOpenAiError(error: unknown, provider = "openai"): LlmError {
  if (error instanceof OpenAI.APIConnectionError) {
    const what = error instanceof OpenAI.APIConnectionTimeoutError ? "timed out" : "could not connect";
    return new LlmError(`${provider} API ${what}: ${error.message}`, provider, undefined, { retryable: true, cause: error });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const retryAfterMs = retryAfterOf(error);
    // Providers say outright when a retry cannot help; believe them over the status code.
    const shouldRetry = headerOf(error, "x-should-retry");
    return new LlmError(`${provider} API answered ${error.status}: ${error.message}`, provider, error.status, {
      retryable: shouldRetry === "false" ? false : shouldRetry === "true" || isRetryableStatus(error.status),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    });
  }
  return new LlmError(`${provider} call failed: ${error instanceof Error ? error.message : String(error)}`, provider, undefined, {
    retryable: false,
    cause: error,
  });
}
