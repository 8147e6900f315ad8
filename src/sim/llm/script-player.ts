import type { RequestView } from "./chat-request.js";
import { matchesRequest } from "./match-request.js";
import type { LlmFault, LlmReplyEntry, LlmScript, LlmTimes } from "./script.js";

export interface ChosenReply {
  readonly entry: LlmReplyEntry;
  /** The entry's `id`, or `#<index>` when it has none, for diagnostics. */
  readonly replyId: string;
}

/** Hands out scripted faults and replies in order, consuming each entry `times` times. */
export class ScriptPlayer {
  readonly #replies: readonly LlmReplyEntry[];
  readonly #faults: readonly LlmFault[];
  readonly #replyUses: number[];
  readonly #faultUses: number[];

  constructor(script: LlmScript) {
    this.#replies = script.replies ?? [];
    this.#faults = script.faults ?? [];
    this.#replyUses = this.#replies.map(() => 0);
    this.#faultUses = this.#faults.map(() => 0);
  }

  /** The first fault with uses left that applies to request number `seq`, consumed. */
  takeFault(view: RequestView, seq: number): LlmFault | undefined {
    const index = this.#faults.findIndex(
      (fault, i) => hasUsesLeft(fault.times, this.#faultUses[i] ?? 0) && (fault.nth === undefined || seq >= fault.nth) && matchesRequest(fault.match, view),
    );
    if (index < 0) return undefined;
    this.#faultUses[index] = (this.#faultUses[index] ?? 0) + 1;
    return this.#faults[index];
  }

  /** The first reply entry with uses left whose match holds, consumed. */
  takeReply(view: RequestView): ChosenReply | undefined {
    const index = this.#replies.findIndex((entry, i) => hasUsesLeft(entry.times, this.#replyUses[i] ?? 0) && matchesRequest(entry.match, view));
    const entry = this.#replies[index];
    if (entry === undefined) return undefined;
    this.#replyUses[index] = (this.#replyUses[index] ?? 0) + 1;
    return { entry, replyId: entry.id ?? `#${index}` };
  }

  /** Reply entries with a finite `times` not yet used up, so a scenario can tell the agent stopped early. */
  unusedReplies(): string[] {
    return this.#replies.flatMap((entry, i) => (entry.times !== "always" && hasUsesLeft(entry.times, this.#replyUses[i] ?? 0) ? [entry.id ?? `#${i}`] : []));
  }
}

function hasUsesLeft(times: LlmTimes | undefined, used: number): boolean {
  return times === "always" || used < (times ?? 1);
}
