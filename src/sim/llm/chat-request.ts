import type { LlmProvider } from "./script.js";

/** What the script matches against, the same for both providers. */
export interface RequestView {
  readonly provider: LlmProvider;
  readonly model: string;
  readonly tools: readonly string[];
  readonly system: string;
  /** Every message after the last assistant message: user text and tool results. */
  readonly lastUserText: string;
}

/**
 * One block of the prompt in provider order (tools, system, messages). `key` is the block's exact
 * content, so prefixes can be hashed; `breakpoint` marks an Anthropic `cache_control`.
 */
export interface PromptSegment {
  readonly key: string;
  readonly tokens: number;
  readonly breakpoint: boolean;
}

/** A request that passed validation. */
export interface ChatRequest {
  readonly view: RequestView;
  readonly segments: readonly PromptSegment[];
  /** The completion cap the request asked for, if any. */
  readonly maxTokens: number | undefined;
}

export const simErrorKinds = [
  "invalid_request",
  "authentication",
  "not_found",
  "request_too_large",
  "rate_limit",
  "server_error",
  "overloaded",
  "unmatched",
] as const;
export type SimErrorKind = (typeof simErrorKinds)[number];

/** A refusal before the provider renders it in its own error shape. */
export interface SimError {
  readonly kind: SimErrorKind;
  readonly message: string;
  /** OpenAI's `param` and `code`; Anthropic has neither. */
  readonly param?: string;
  readonly code?: string;
  readonly retryAfterSeconds?: number;
}

export type ParseResult = { readonly ok: true; readonly request: ChatRequest } | { readonly ok: false; readonly error: SimError };

export function invalid(message: string, param?: string, code?: string): ParseResult {
  return { ok: false, error: { kind: "invalid_request", message, ...(param === undefined ? {} : { param }), ...(code === undefined ? {} : { code }) } };
}
