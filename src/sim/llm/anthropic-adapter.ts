import type { IncomingMessage } from "node:http";
import { anthropicIssueMessage } from "./anthropic-issue-message.js";
import { anthropicSegments, anthropicView } from "./anthropic-prompt.js";
import { checkAnthropicRules, checkSystemRole } from "./anthropic-rules.js";
import { anthropicRequestSchema } from "./anthropic-schema.js";
import { invalid, type ChatRequest, type ParseResult, type SimError, type SimErrorKind } from "./chat-request.js";
import { headerValue } from "./http-io.js";
import type { IdFactory } from "./ids.js";
import type { PlannedReply } from "./plan-reply.js";
import type { PromptCache } from "./prompt-cache.js";
import type { ProviderAdapter, RenderedError, RenderedReply } from "./provider-adapter.js";
import { firstIssue } from "./zod-issues.js";

const ERRORS: Readonly<Record<SimErrorKind, { status: number; type: string }>> = {
  invalid_request: { status: 400, type: "invalid_request_error" },
  authentication: { status: 401, type: "authentication_error" },
  not_found: { status: 404, type: "not_found_error" },
  request_too_large: { status: 413, type: "request_too_large" },
  rate_limit: { status: 429, type: "rate_limit_error" },
  server_error: { status: 500, type: "api_error" },
  overloaded: { status: 529, type: "overloaded_error" },
  unmatched: { status: 500, type: "api_error" },
};

/** The Anthropic Messages API, `POST /v1/messages`, non-streaming. */
export class AnthropicAdapter implements ProviderAdapter {
  readonly provider = "anthropic";
  readonly #ids: IdFactory;
  readonly #cache: PromptCache;

  constructor(ids: IdFactory, cache: PromptCache) {
    this.#ids = ids;
    this.#cache = cache;
  }

  /** The SDK (1.x) sends its API key as `Authorization: Bearer`; older clients send `x-api-key`. Either will do. */
  authenticate(req: IncomingMessage): SimError | undefined {
    const bearer = /^Bearer \S+/.test(headerValue(req, "authorization") ?? "");
    return headerValue(req, "x-api-key") === undefined && !bearer ? { kind: "authentication", message: "x-api-key header is required" } : undefined;
  }

  parse(body: unknown, req: IncomingMessage): ParseResult {
    if (headerValue(req, "anthropic-version") === undefined) return invalid("anthropic-version: header is required");
    const systemRole = checkSystemRole(body);
    if (systemRole !== undefined) return invalid(systemRole);
    const parsed = anthropicRequestSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      const located = firstIssue(parsed.error.issues);
      return invalid(located === undefined ? "Invalid request body" : anthropicIssueMessage(located));
    }
    const broken = checkAnthropicRules(parsed.data);
    if (broken !== undefined) return invalid(broken);
    const request: ChatRequest = { view: anthropicView(parsed.data), segments: anthropicSegments(parsed.data), maxTokens: parsed.data.max_tokens };
    return { ok: true, request };
  }

  reply(request: ChatRequest, planned: PlannedReply): RenderedReply {
    const { usage, commit } = this.#cache.anthropic(request.view.model, request.segments);
    commit();
    const id = this.#ids.next("msg_01", 24);
    const text = planned.text === undefined || planned.text === "" ? [] : [{ type: "text", text: planned.text, citations: null }];
    const toolUses = planned.toolCalls.map((call) => ({
      type: "tool_use",
      id: this.#ids.next("toolu_01", 22),
      name: call.name,
      input: call.input,
      caller: { type: "direct" },
    }));
    const body = {
      id,
      type: "message",
      role: "assistant",
      model: request.view.model,
      content: [...text, ...toolUses],
      stop_reason: planned.stopReason,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: usage.inputTokens,
        cache_creation_input_tokens: usage.cacheWriteTokens,
        cache_read_input_tokens: usage.cacheReadTokens,
        cache_creation: { ephemeral_5m_input_tokens: usage.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
        output_tokens: planned.outputTokens,
        output_tokens_details: null,
        server_tool_use: null,
        inference_geo: null,
        service_tier: "standard",
        speed: "standard",
      },
    };
    return {
      body,
      messageId: id,
      usage: { ...usage, outputTokens: planned.outputTokens },
      headers: { "request-id": this.#ids.next("req_01", 24) },
    };
  }

  error(error: SimError): RenderedError {
    const { status, type } = ERRORS[error.kind];
    const headers: Record<string, string> = { "request-id": this.#ids.next("req_01", 24) };
    if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
    // A script gap is a test bug, not an outage: tell the SDK not to retry it.
    if (error.kind === "unmatched") headers["x-should-retry"] = "false";
    return { status, body: { type: "error", error: { type, message: error.message } }, headers };
  }
}
