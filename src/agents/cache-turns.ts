import type { LlmMessage } from "../llm/llm-client.js";

/**
 * Every user turn of a conversation ends a prefix worth caching: the next call of the same
 * conversation (a repair, the implementer's next turn, the next review round) starts with it, so
 * it reads the whole earlier conversation from the cache instead of paying for it again. This is
 * the placement both providers recommend for multi-turn work; the adapters keep as many of the
 * latest marks as a provider takes.
 */
export function cacheUserTurns(messages: readonly LlmMessage[]): LlmMessage[] {
  return messages.map((message): LlmMessage => {
    if (message.role !== "user" || message.content.length === 0) return message;
    const last = message.content.length - 1;
    return { role: "user", content: message.content.map((block, i) => (i === last ? { ...block, cache: true } : block)) };
  });
}
