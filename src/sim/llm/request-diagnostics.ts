import type { RequestView } from "./chat-request.js";
import type { LlmFaultKind } from "./script.js";

const EXCERPT_CHARS = 200;

/** Says plainly what came in, so a scenario author can see which `match` would have caught it. */
export function unmatchedMessage(view: RequestView): string {
  const tools = view.tools.length > 0 ? view.tools.join(", ") : "none";
  return (
    `llm simulator: no scripted reply matches this request ` +
    `(provider: ${view.provider}; model: ${view.model}; offered tools: ${tools}; ` +
    `system prompt starts: ${JSON.stringify(excerpt(view.system))}; last user text starts: ${JSON.stringify(excerpt(view.lastUserText))})`
  );
}

export function faultMessage(kind: Exclude<LlmFaultKind, "hang">): string {
  switch (kind) {
    case "rate_limit":
      return "Rate limit exceeded; please retry after the time in the retry-after header. (llm simulator: scripted rate_limit fault)";
    case "server_error":
      return "Internal server error. (llm simulator: scripted server_error fault)";
    case "overloaded":
      return "Overloaded. (llm simulator: scripted overloaded fault)";
  }
}

function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
