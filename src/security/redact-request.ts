import type { LlmMessage, LlmRequest, LlmTextBlock } from "../llm/llm-client.js";
import type { RedactOptions } from "./redact-secrets.js";
import { redactDeep, redactSecrets } from "./redact-secrets.js";

/**
 * Masks secrets in everything a request carries to a model: system text, messages, tool results
 * and the inputs of earlier tool calls. The repository context is the same large string on every
 * call of a task, so results for long texts are remembered (a few, most recent first).
 */
export class RequestRedactor {
  readonly #options: RedactOptions;
  readonly #memo = new Map<string, { text: string; count: number }>();
  readonly #memoLimit: number;
  #count = 0;

  constructor(options: RedactOptions = {}, memoLimit = 32) {
    this.#options = options;
    this.#memoLimit = memoLimit;
  }

  /** Secrets masked so far by this redactor. */
  get count(): number {
    return this.#count;
  }

  redactText(text: string): string {
    if (text.length < 2048) return this.#tally(redactSecrets(text, this.#options));
    const known = this.#memo.get(text);
    if (known) return this.#tally(known);
    const result = redactSecrets(text, this.#options);
    this.#memo.set(text, result);
    if (this.#memo.size > this.#memoLimit) {
      const oldest = this.#memo.keys().next().value;
      if (oldest !== undefined) this.#memo.delete(oldest);
    }
    return this.#tally(result);
  }

  redactRequest(request: LlmRequest): LlmRequest {
    const text = (block: LlmTextBlock): LlmTextBlock => ({ ...block, text: this.redactText(block.text) });
    const messages = request.messages.map((message): LlmMessage => {
      if (message.role === "user") {
        return {
          role: "user",
          content: message.content.map((b) => (b.type === "text" ? text(b) : { ...b, content: this.redactText(b.content) })),
        };
      }
      return {
        role: "assistant",
        content: message.content.map((b) => {
          if (b.type === "text") return text(b);
          const input = redactDeep(b.input, this.#options);
          this.#count += input.count;
          return { ...b, input: input.value };
        }),
      };
    });
    return { ...request, system: request.system.map(text), messages };
  }

  #tally(result: { text: string; count: number }): string {
    this.#count += result.count;
    return result.text;
  }
}
