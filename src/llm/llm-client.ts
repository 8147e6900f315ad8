/**
 * The one interface every model provider sits behind. Requests and replies are provider-neutral;
 * adapters translate them to a wire format and classify the provider's errors.
 */
import type { TokenUsage } from "../store/model-calls.js";

export type { TokenUsage };

/** `cache` marks the end of a stable prefix; providers that take explicit breakpoints cache up to here. */
export interface LlmTextBlock {
  readonly type: "text";
  readonly text: string;
  readonly cache?: boolean;
}

export interface LlmToolUseBlock {
  readonly type: "tool_use";
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

export interface LlmToolResultBlock {
  readonly type: "tool_result";
  readonly toolUseId: string;
  readonly content: string;
  readonly isError?: boolean;
  /** As on a text block: the prompt up to and including this result is a stable prefix. */
  readonly cache?: boolean;
}

export type LlmMessage =
  | { readonly role: "user"; readonly content: readonly (LlmTextBlock | LlmToolResultBlock)[] }
  | { readonly role: "assistant"; readonly content: readonly (LlmTextBlock | LlmToolUseBlock)[] };

export interface LlmToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

export type LlmToolChoice = { readonly type: "auto" } | { readonly type: "any" } | { readonly type: "tool"; readonly name: string };

export interface LlmRequest {
  readonly model: string;
  readonly system: readonly LlmTextBlock[];
  readonly messages: readonly LlmMessage[];
  readonly tools: readonly LlmToolSpec[];
  readonly toolChoice?: LlmToolChoice;
  readonly maxTokens: number;
  readonly temperature?: number;
}

/** A request as an agent makes it: the engine's router picks the model. */
export type AgentRequest = Omit<LlmRequest, "model">;

export type LlmStopReason = "end_turn" | "tool_use" | "max_tokens" | "refusal" | "other";

export interface LlmResponse {
  readonly id: string;
  readonly model: string;
  readonly content: readonly (LlmTextBlock | LlmToolUseBlock)[];
  readonly stopReason: LlmStopReason;
  /** `inputTokens` counts only input that was neither read from nor written to a cache. */
  readonly usage: TokenUsage;
}

export interface LlmClient {
  readonly provider: string;
  complete(request: LlmRequest, options?: { readonly signal?: AbortSignal }): Promise<LlmResponse>;
}
