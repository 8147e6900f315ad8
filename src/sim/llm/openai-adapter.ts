import type { IncomingMessage } from "node:http";
import { invalid, type ChatRequest, type ParseResult, type SimError, type SimErrorKind } from "./chat-request.js";
import { headerValue } from "./http-io.js";
import type { IdFactory } from "./ids.js";
import { openAiIssue } from "./openai-issue-message.js";
import { cachesAtBreakpoints, openAiSegments, openAiView } from "./openai-prompt.js";
import { checkOpenAiRules } from "./openai-rules.js";
import { openAiRequestSchema } from "./openai-schema.js";
import type { PlannedReply } from "./plan-reply.js";
import type { PromptCache } from "./prompt-cache.js";
import type { ProviderAdapter, RenderedError, RenderedReply } from "./provider-adapter.js";
import type { LlmStopReason } from "./script.js";
import { firstIssue } from "./zod-issues.js";

const ERRORS: Readonly<Record<SimErrorKind, { status: number; type: string; code: string | null }>> = {
  invalid_request: { status: 400, type: "invalid_request_error", code: null },
  authentication: { status: 401, type: "invalid_request_error", code: null },
  not_found: { status: 404, type: "invalid_request_error", code: "unknown_url" },
  request_too_large: { status: 413, type: "invalid_request_error", code: null },
  rate_limit: { status: 429, type: "requests", code: "rate_limit_exceeded" },
  server_error: { status: 500, type: "server_error", code: null },
  overloaded: { status: 503, type: "server_error", code: null },
  unmatched: { status: 500, type: "server_error", code: null },
};

const FINISH_REASONS: Readonly<Record<LlmStopReason, string>> = { end_turn: "stop", tool_use: "tool_calls", max_tokens: "length" };

const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";

/** OpenAI Chat Completions, `POST /v1/chat/completions`, non-streaming. */
export class OpenAiAdapter implements ProviderAdapter {
  readonly provider = "openai";
  readonly #ids: IdFactory;
  readonly #cache: PromptCache;

  constructor(ids: IdFactory, cache: PromptCache) {
    this.#ids = ids;
    this.#cache = cache;
  }

  authenticate(req: IncomingMessage): SimError | undefined {
    const authorization = headerValue(req, "authorization") ?? "";
    return /^Bearer \S+/.test(authorization) ? undefined : { kind: "authentication", message: NO_KEY };
  }

  parse(body: unknown): ParseResult {
    const parsed = openAiRequestSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      const located = firstIssue(parsed.error.issues);
      if (located === undefined) return invalid("We could not parse the JSON body of your request.");
      const { message, param, code } = openAiIssue(located);
      return invalid(message, param, code);
    }
    const broken = checkOpenAiRules(parsed.data);
    if (broken !== undefined) return invalid(broken.message, broken.param, broken.code);
    const cap = parsed.data.max_completion_tokens ?? parsed.data.max_tokens ?? undefined;
    return { ok: true, request: { view: openAiView(parsed.data), segments: openAiSegments(parsed.data), maxTokens: cap } };
  }

  reply(request: ChatRequest, planned: PlannedReply): RenderedReply {
    const model = request.view.model;
    const { usage, commit } = cachesAtBreakpoints(model) ? this.#cache.openaiAtBreakpoints(model, request.segments) : this.#cache.openai(model, request.segments);
    commit();
    const id = this.#ids.next("chatcmpl-", 29);
    const toolCalls = planned.toolCalls.map((call) => ({
      id: this.#ids.next("call_", 24),
      type: "function",
      function: { name: call.name, arguments: JSON.stringify(call.input) },
    }));
    const content = planned.text ?? (toolCalls.length > 0 ? null : "");
    const body = {
      id,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: request.view.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, refusal: null, annotations: [], ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
          finish_reason: FINISH_REASONS[planned.stopReason],
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: planned.outputTokens,
        total_tokens: usage.promptTokens + planned.outputTokens,
        // Models that cache at breakpoints report writes too; earlier ones have no such field.
        prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0, ...(cachesAtBreakpoints(model) ? { cache_write_tokens: usage.cacheWriteTokens } : {}) },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: "default",
      system_fingerprint: "fp_llm_simulator",
    };
    return {
      body,
      messageId: id,
      usage: {
        inputTokens: usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens,
        outputTokens: planned.outputTokens,
        cacheReadTokens: usage.cachedTokens,
        cacheWriteTokens: usage.cacheWriteTokens,
      },
      headers: { "x-request-id": this.#ids.next("req_", 32) },
    };
  }

  error(error: SimError): RenderedError {
    const { status, type, code } = ERRORS[error.kind];
    const headers: Record<string, string> = { "x-request-id": this.#ids.next("req_", 32) };
    if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
    // A script gap is a test bug, not an outage: tell the SDK not to retry it.
    if (error.kind === "unmatched") headers["x-should-retry"] = "false";
    return { status, body: { error: { message: error.message, type, param: error.param ?? null, code: error.code ?? code } }, headers };
  }
}
