import type { LlmFaultKind, LlmProvider, LlmStopReason } from "./script.js";
import type { LlmSimEvent, LlmSimRecord, LlmSimStats, LlmUsage } from "./sim-events.js";

/** What is known of a request before its outcome. */
export interface RequestFacts {
  readonly seq: number;
  readonly provider: LlmProvider;
  readonly model: string | undefined;
  readonly leaked: readonly string[];
  readonly digest: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Counts, records and narrates every request; one outcome method per request. */
export class SimLedger {
  readonly #onEvent: (event: LlmSimEvent) => void;
  readonly #records: LlmSimRecord[] = [];
  readonly #stats: Mutable<Omit<LlmSimStats, "byProvider">> = {
    requests: 0,
    completed: 0,
    invalidRequests: 0,
    unmatched: 0,
    faultsInjected: 0,
    leaks: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
  readonly #byProvider: Record<string, number> = {};

  constructor(onEvent: (event: LlmSimEvent) => void) {
    this.#onEvent = onEvent;
  }

  received(facts: RequestFacts): void {
    this.#stats.requests += 1;
    this.#byProvider[facts.provider] = (this.#byProvider[facts.provider] ?? 0) + 1;
    this.#onEvent({ type: "request_received", seq: facts.seq, provider: facts.provider, model: facts.model });
    if (facts.leaked.length > 0) {
      this.#stats.leaks += 1;
      this.#onEvent({ type: "leak_detected", seq: facts.seq, provider: facts.provider, strings: facts.leaked });
    }
  }

  rejected(facts: RequestFacts, status: number, reason: string): void {
    this.#stats.invalidRequests += 1;
    this.#records.push({ ...facts, outcome: "rejected", status, reason });
    this.#onEvent({ type: "rejected", seq: facts.seq, provider: facts.provider, status, reason });
  }

  faulted(facts: RequestFacts, fault: LlmFaultKind, status: number | undefined): void {
    this.#stats.faultsInjected += 1;
    this.#records.push({ ...facts, outcome: "fault", status, fault });
    this.#onEvent({ type: "fault_injected", seq: facts.seq, provider: facts.provider, fault, status });
  }

  unmatched(facts: RequestFacts, status: number, message: string): void {
    this.#stats.unmatched += 1;
    this.#records.push({ ...facts, outcome: "unmatched", status, reason: message });
    this.#onEvent({ type: "unmatched", seq: facts.seq, provider: facts.provider, message });
  }

  replied(facts: RequestFacts & { readonly model: string }, reply: { replyId: string; messageId: string; stopReason: LlmStopReason; usage: LlmUsage }): void {
    this.#stats.completed += 1;
    this.#stats.inputTokens += reply.usage.inputTokens;
    this.#stats.outputTokens += reply.usage.outputTokens;
    this.#stats.cacheReadTokens += reply.usage.cacheReadTokens;
    this.#stats.cacheWriteTokens += reply.usage.cacheWriteTokens;
    this.#records.push({ ...facts, outcome: "replied", status: 200, ...reply });
    this.#onEvent({ type: "replied", seq: facts.seq, provider: facts.provider, model: facts.model, ...reply });
  }

  stats(): LlmSimStats {
    return { ...this.#stats, byProvider: { ...this.#byProvider } };
  }

  records(): readonly LlmSimRecord[] {
    return [...this.#records];
  }
}
