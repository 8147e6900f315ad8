import type { PromptSegment } from "./chat-request.js";

/*
 * Deterministic token estimate: one token per four characters, rounded up, per prompt block.
 * Real tokenizers differ; what matters is that a test can compute the same number by hand.
 */

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A prompt block counted by `countedText` and identified by `identity` (its exact content). */
export function segment(countedText: string, identity: unknown, breakpoint = false): PromptSegment {
  return { key: JSON.stringify(identity), tokens: estimateTokens(countedText), breakpoint };
}

export function totalTokens(segments: readonly PromptSegment[]): number {
  return segments.reduce((sum, s) => sum + s.tokens, 0);
}
