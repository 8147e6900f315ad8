import { createHash } from "node:crypto";
import type { PromptSegment } from "./chat-request.js";
import { totalTokens } from "./token-estimate.js";

/*
 * Prompt caching, modelled so the app's cache accounting can be tested.
 *
 * A prompt is a list of blocks in provider order (tools, system, messages), each with an estimated
 * token count (see token-estimate.ts). A prefix is identified by a hash of the model and the exact
 * content of its blocks. Entries never expire (the real TTL is 5 minutes or 1 hour; scenarios are
 * shorter).
 *
 * Anthropic (explicit breakpoints, `cache_control`):
 *   - read  = the longest prefix written earlier that ends at a breakpoint or up to 20 blocks
 *             before one (the real API's lookback), if it is at least `minTokens` long;
 *   - write = tokens from the end of the read prefix to the last breakpoint, if the prefix up to
 *             the last breakpoint is at least `minTokens` long (shorter prefixes are not cached);
 *   - input = everything else, i.e. the part after the last breakpoint when caching happened.
 *   After a successful reply, every breakpoint prefix of at least `minTokens` is written.
 *
 * OpenAI, GPT-5.6 and later (breakpoints, explicit on content parts and one implicit at the newest
 * message unless turned off; see openai-prompt.ts): as Anthropic, but with no lookback limit, the
 * latest four breakpoints written, and `cached_tokens` and `cache_write_tokens` both inside
 * `prompt_tokens`, not rounded to a token block.
 *
 * OpenAI, earlier models (automatic): the longest prefix of this prompt seen in any earlier successful request,
 * if at least `minTokens` long, counts in 128-token increments as `cached_tokens`, which stay
 * included in `prompt_tokens`. After a successful reply every prefix of the prompt is stored.
 *
 * Nothing is stored for refused, faulted or unmatched requests.
 */

const ANTHROPIC_LOOKBACK_BLOCKS = 20;
const OPENAI_CACHE_INCREMENT = 128;
/** GPT-5.6 writes up to four breakpoints a request (the implicit one included). */
const OPENAI_WRITTEN_BREAKPOINTS = 4;

export interface AnthropicCacheUsage {
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export interface OpenAiCacheUsage {
  /** All prompt tokens, cached and written ones included. */
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
}

interface Prefixes {
  readonly hashes: readonly string[];
  /** cumulative[i] = tokens of blocks 0..i */
  readonly cumulative: readonly number[];
}

export class PromptCache {
  readonly #minTokens: number;
  readonly #written = new Set<string>();

  constructor(minTokens: number) {
    this.#minTokens = minTokens;
  }

  /** Usage for an Anthropic request; `commit` stores its prefixes once the reply is sent. */
  anthropic(model: string, segments: readonly PromptSegment[]): { usage: AnthropicCacheUsage; commit: () => void } {
    return this.#atBreakpoints(`anthropic/${model}`, segments, ANTHROPIC_LOOKBACK_BLOCKS, segments.length);
  }

  /** Usage for a request to an OpenAI model that caches at breakpoints (GPT-5.6 and later). */
  openaiAtBreakpoints(model: string, segments: readonly PromptSegment[]): { usage: OpenAiCacheUsage; commit: () => void } {
    const { usage, commit } = this.#atBreakpoints(`openai/${model}`, segments, segments.length, OPENAI_WRITTEN_BREAKPOINTS);
    return { usage: { promptTokens: totalTokens(segments), cachedTokens: usage.cacheReadTokens, cacheWriteTokens: usage.cacheWriteTokens }, commit };
  }

  /**
   * Reads the longest written prefix ending at a breakpoint or up to `lookback` blocks before one;
   * writes from there to the last breakpoint; stores the latest `written` breakpoints on commit.
   */
  #atBreakpoints(
    namespace: string,
    segments: readonly PromptSegment[],
    lookback: number,
    written: number,
  ): { usage: AnthropicCacheUsage; commit: () => void } {
    const total = totalTokens(segments);
    const { hashes, cumulative } = prefixes(namespace, segments);
    const breakpoints = segments.flatMap((s, i) => (s.breakpoint ? [i] : []));
    const cacheable = (i: number): boolean => (cumulative[i] ?? 0) >= this.#minTokens;

    let readEnd = -1;
    for (const bp of breakpoints) {
      for (let j = bp; j >= Math.max(0, bp - lookback + 1); j--) {
        if (this.#written.has(hashes[j] ?? "") && cacheable(j)) {
          readEnd = Math.max(readEnd, j);
          break;
        }
      }
    }
    const read = readEnd >= 0 ? (cumulative[readEnd] ?? 0) : 0;
    const lastBreakpoint = breakpoints.at(-1);
    const write =
      lastBreakpoint !== undefined && lastBreakpoint > readEnd && cacheable(lastBreakpoint) ? (cumulative[lastBreakpoint] ?? 0) - read : 0;

    const commit = (): void => {
      for (const bp of breakpoints.slice(-written)) if (cacheable(bp)) this.#written.add(hashes[bp] ?? "");
    };
    return { usage: { inputTokens: total - read - write, cacheReadTokens: read, cacheWriteTokens: write }, commit };
  }

  /** Usage for an OpenAI request; `commit` stores its prefixes once the reply is sent. */
  openai(model: string, segments: readonly PromptSegment[]): { usage: OpenAiCacheUsage; commit: () => void } {
    const total = totalTokens(segments);
    const { hashes, cumulative } = prefixes(`openai/${model}`, segments);
    let seen = 0;
    hashes.forEach((hash, i) => {
      if (this.#written.has(hash)) seen = cumulative[i] ?? 0;
    });
    const cached = seen >= this.#minTokens ? Math.floor(seen / OPENAI_CACHE_INCREMENT) * OPENAI_CACHE_INCREMENT : 0;
    const commit = (): void => {
      for (const hash of hashes) this.#written.add(hash);
    };
    return { usage: { promptTokens: total, cachedTokens: cached, cacheWriteTokens: 0 }, commit };
  }
}

function prefixes(namespace: string, segments: readonly PromptSegment[]): Prefixes {
  const hash = createHash("sha256").update(namespace).update("\u0000");
  const hashes: string[] = [];
  const cumulative: number[] = [];
  let sum = 0;
  for (const s of segments) {
    hash.update(s.key).update("\u0000");
    hashes.push(hash.copy().digest("hex"));
    sum += s.tokens;
    cumulative.push(sum);
  }
  return { hashes, cumulative };
}
