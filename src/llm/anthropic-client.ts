import Anthropic from "@anthropic-ai/sdk";
import type { LlmClient, LlmMessage, LlmRequest, LlmResponse, LlmStopReason, LlmTextBlock, LlmToolUseBlock } from "./llm-client.js";
import { isRetryableStatus, LlmError, parseRetryAfter } from "./llm-errors.js";

export interface AnthropicClientOptions {
  readonly apiKey: string;
  readonly baseURL?: string | undefined;
  readonly timeoutMs?: number;
  /** Retries inside the SDK (with its own backoff and retry-after); the job queue retries beyond these. */
  readonly maxRetries?: number;
}

const ephemeral = { type: "ephemeral" } as const;

/** The API refuses a request with more than four `cache_control` blocks. */
const MAX_BREAKPOINTS = 4;

function toSystem(blocks: readonly LlmTextBlock[]): Anthropic.TextBlockParam[] {
  return blocks.map((b) => ({ type: "text", text: b.text, ...(b.cache ? { cache_control: ephemeral } : {}) }));
}

/**
 * The request with no more breakpoints than the API takes: the tools' and the system prompt's
 * (the most stable) first, then the latest ones in the conversation, which cover the earlier.
 */
function withinBreakpointLimit(request: LlmRequest): LlmRequest {
  const room = MAX_BREAKPOINTS - (request.tools.length > 0 ? 1 : 0) - request.system.filter((b) => b.cache === true).length;
  const flagged = request.messages.flatMap((m, i) => m.content.flatMap((b, j) => ("cache" in b && b.cache === true ? [`${i}:${j}`] : [])));
  if (flagged.length <= room) return request;
  const kept = new Set(flagged.slice(flagged.length - Math.max(0, room)));
  const messages = request.messages.map((m, i): LlmMessage => {
    if (m.role === "assistant") return { role: "assistant", content: m.content.map((b, j) => (b.type === "text" && !kept.has(`${i}:${j}`) ? { ...b, cache: false } : b)) };
    return { role: "user", content: m.content.map((b, j) => (kept.has(`${i}:${j}`) ? b : { ...b, cache: false })) };
  });
  return { ...request, messages };
}

function toMessages(messages: readonly LlmMessage[]): Anthropic.MessageParam[] {
  return messages.map((message): Anthropic.MessageParam => {
    if (message.role === "assistant") {
      return {
        role: "assistant",
        content: message.content.map((b): Anthropic.ContentBlockParam =>
          b.type === "text"
            ? { type: "text", text: b.text, ...(b.cache ? { cache_control: ephemeral } : {}) }
            : { type: "tool_use", id: b.id, name: b.name, input: b.input },
        ),
      };
    }
    return {
      role: "user",
      content: message.content.map((b): Anthropic.ContentBlockParam =>
        b.type === "text"
          ? { type: "text", text: b.text, ...(b.cache ? { cache_control: ephemeral } : {}) }
          : {
              type: "tool_result",
              tool_use_id: b.toolUseId,
              content: b.content,
              ...(b.isError ? { is_error: true } : {}),
              ...(b.cache ? { cache_control: ephemeral } : {}),
            },
      ),
    };
  });
}

function toStopReason(reason: Anthropic.StopReason | null): LlmStopReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "end_turn";
    case "tool_use":
      return "tool_use";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_tokens";
    case "refusal":
      return "refusal";
    case null:
      return "other";
  }
}

export class AnthropicClient implements LlmClient {
  readonly provider = "anthropic";
  readonly #sdk: Anthropic;

  constructor(options: AnthropicClientOptions) {
    this.#sdk = new Anthropic({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      timeout: options.timeoutMs ?? 10 * 60_000,
      maxRetries: options.maxRetries ?? 2,
    });
  }

  async complete(original: LlmRequest, options: { readonly signal?: AbortSignal } = {}): Promise<LlmResponse> {
    const request = withinBreakpointLimit(original);
    const lastTool = request.tools.length - 1;
    let message: Anthropic.Message;
    try {
      message = await this.#sdk.messages.create(
        {
          model: request.model,
          max_tokens: request.maxTokens,
          system: toSystem(request.system),
          messages: toMessages(request.messages),
          ...(request.tools.length > 0
            ? {
                // The tool list is part of the stable prefix: a breakpoint on the last tool caches all of them.
                tools: request.tools.map((t, i) => ({
                  name: t.name,
                  description: t.description,
                  input_schema: { ...t.inputSchema, type: "object" as const },
                  ...(i === lastTool ? { cache_control: ephemeral } : {}),
                })),
              }
            : {}),
          ...(request.toolChoice ? { tool_choice: request.toolChoice } : {}),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        },
        options.signal ? { signal: options.signal } : {},
      );
    } catch (error) {
      throw classifyAnthropicError(error);
    }
    return {
      id: message.id,
      model: message.model,
      stopReason: toStopReason(message.stop_reason),
      content: message.content.flatMap((block): (LlmTextBlock | LlmToolUseBlock)[] => {
        if (block.type === "text") return [{ type: "text", text: block.text }];
        if (block.type === "tool_use") return [{ type: "tool_use", id: block.id, name: block.name, input: block.input }];
        return [];
      }),
      usage: {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
      },
    };
  }
}

function headerOf(error: { readonly headers?: unknown }, name: string): string | null {
  return error.headers instanceof Headers ? error.headers.get(name) : null;
}

export function classifyAnthropicError(error: unknown): LlmError {
  if (error instanceof Anthropic.APIConnectionError) {
    const what = error instanceof Anthropic.APIConnectionTimeoutError ? "timed out" : "could not connect";
    return new LlmError(`Anthropic API ${what}: ${error.message}`, "anthropic", undefined, { retryable: true, cause: error });
  }
  if (error instanceof Anthropic.APIError && typeof error.status === "number") {
    const retryAfterMs = parseRetryAfter(headerOf(error, "retry-after"), Date.now());
    // Providers say outright when a retry cannot help; believe them over the status code.
    const shouldRetry = headerOf(error, "x-should-retry");
    return new LlmError(`Anthropic API answered ${error.status}: ${error.message}`, "anthropic", error.status, {
      retryable: shouldRetry === "false" ? false : shouldRetry === "true" || isRetryableStatus(error.status),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    });
  }
  return new LlmError(`Anthropic call failed: ${error instanceof Error ? error.message : String(error)}`, "anthropic", undefined, {
    retryable: false,
    cause: error,
  });
}
