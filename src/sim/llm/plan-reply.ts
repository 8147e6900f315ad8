import type { LlmReplyBody, LlmStopReason, LlmToolCall } from "./script.js";
import { estimateTokens } from "./token-estimate.js";

/** A scripted reply resolved against the request: what to send and what it costs. */
export interface PlannedReply {
  readonly text: string | undefined;
  readonly toolCalls: readonly LlmToolCall[];
  readonly stopReason: LlmStopReason;
  readonly outputTokens: number;
}

/**
 * Stop reason: the scripted one if given, else `tool_use` when the reply calls tools, else
 * `end_turn`. Without a scripted stop reason, a reply longer than the request's token cap is cut
 * as the real API would: text truncated to the cap (4 characters a token), tool calls dropped,
 * stop reason `max_tokens`.
 */
export function planReply(reply: LlmReplyBody, maxTokens: number | undefined): PlannedReply {
  const toolCalls = reply.toolCalls ?? [];
  const outputTokens = reply.outputTokens ?? estimateTokens((reply.text ?? "") + toolCalls.map((c) => c.name + JSON.stringify(c.input)).join(""));
  if (reply.stopReason !== undefined) return { text: reply.text, toolCalls, stopReason: reply.stopReason, outputTokens };
  if (maxTokens !== undefined && outputTokens > maxTokens) {
    return { text: reply.text?.slice(0, maxTokens * 4), toolCalls: [], stopReason: "max_tokens", outputTokens: maxTokens };
  }
  return { text: reply.text, toolCalls, stopReason: toolCalls.length > 0 ? "tool_use" : "end_turn", outputTokens };
}
