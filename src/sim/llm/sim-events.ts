import type { LlmFaultKind, LlmProvider, LlmStopReason } from "./script.js";

/**
 * Token usage, the same for both providers: `inputTokens` is uncached input (Anthropic
 * `input_tokens`; OpenAI `prompt_tokens - cached_tokens`), cache reads and writes apart.
 */
export interface LlmUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

interface EventBase {
  /** 1-based number of the request, across providers. */
  readonly seq: number;
  readonly provider: LlmProvider;
}

/** What the simulator saw and did, in order, for the demo to narrate. */
export type LlmSimEvent =
  | (EventBase & { readonly type: "request_received"; readonly model: string | undefined })
  | (EventBase & { readonly type: "leak_detected"; readonly strings: readonly string[] })
  | (EventBase & { readonly type: "rejected"; readonly status: number; readonly reason: string })
  | (EventBase & { readonly type: "fault_injected"; readonly fault: LlmFaultKind; readonly status: number | undefined })
  | (EventBase & { readonly type: "unmatched"; readonly message: string })
  | (EventBase & {
      readonly type: "replied";
      readonly model: string;
      readonly replyId: string;
      readonly messageId: string;
      readonly stopReason: LlmStopReason;
      readonly usage: LlmUsage;
    });

export type LlmSimEventType = LlmSimEvent["type"];

interface RecordBase {
  readonly seq: number;
  readonly provider: LlmProvider;
  /** The requested model, when the body named one. */
  readonly model: string | undefined;
  /** Forbidden strings found in the body; empty when none. */
  readonly leaked: readonly string[];
  /** SHA-256 of the request body: the same question asked twice has the same digest. */
  readonly digest: string;
}

/** One per request. `status` is undefined for a hung request, which never gets one. */
export type LlmSimRecord =
  | (RecordBase & {
      readonly outcome: "replied";
      readonly status: 200;
      readonly replyId: string;
      readonly messageId: string;
      readonly stopReason: LlmStopReason;
      readonly usage: LlmUsage;
    })
  | (RecordBase & { readonly outcome: "fault"; readonly status: number | undefined; readonly fault: LlmFaultKind })
  | (RecordBase & { readonly outcome: "rejected"; readonly status: number; readonly reason: string })
  | (RecordBase & { readonly outcome: "unmatched"; readonly status: number; readonly reason: string });

export interface LlmSimStats {
  readonly requests: number;
  readonly completed: number;
  readonly invalidRequests: number;
  readonly unmatched: number;
  readonly faultsInjected: number;
  readonly leaks: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  /** Requests per provider name. */
  readonly byProvider: Readonly<Record<string, number>>;
}
