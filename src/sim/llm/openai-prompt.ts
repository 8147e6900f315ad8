import type { PromptSegment, RequestView } from "./chat-request.js";
import type { OpenAiMessage, OpenAiRequest } from "./openai-schema.js";
import { segment } from "./token-estimate.js";

/*
 * A Chat Completions request as prompt blocks (tools, then messages) and as the view the script
 * matches. Counted text: a tool is the JSON of its `function`; a message its text content plus,
 * for tool calls, each call's name and arguments. A message whose content is a list of parts is
 * one block per part, so a `prompt_cache_breakpoint` on a part ends a prefix there.
 *
 * GPT-5.6 and later cache at breakpoints: the explicit ones on content parts and, unless
 * `prompt_cache_options.mode` is `explicit`, one implicit breakpoint at the end of the newest
 * message that can carry one (not an assistant message).
 */

export function openAiSegments(request: OpenAiRequest): PromptSegment[] {
  const tools = (request.tools ?? []).map((tool) => segment(JSON.stringify(tool.function), { tool }));
  const messages = request.messages.map((message) => {
    const calls = message.role === "assistant" ? (message.tool_calls ?? []).map((c) => c.function.name + c.function.arguments).join("") : "";
    const content = message.content;
    if (!Array.isArray(content) || message.role === "assistant") return [segment(messageText(message) + calls, { message })];
    return content.map((part, i) => {
      // The breakpoint is not part of the content: the same part with or without one is the same prefix.
      const breakpoint = "prompt_cache_breakpoint" in part && part.prompt_cache_breakpoint !== undefined;
      const bare = "prompt_cache_breakpoint" in part ? { ...part, prompt_cache_breakpoint: undefined } : part;
      return segment(partText(part), { role: message.role, part: i, bare }, breakpoint);
    });
  });
  const implicit = cachesAtBreakpoints(request.model) && request.prompt_cache_options?.mode !== "explicit";
  const newest = request.messages.findLastIndex((m) => m.role !== "assistant");
  const last = messages[newest]?.at(-1);
  if (implicit && last !== undefined) messages[newest]?.splice(-1, 1, { ...last, breakpoint: true });
  return [...tools, ...messages.flat()];
}

/** GPT-5.6 and later models take explicit cache breakpoints and report cache writes. */
export function cachesAtBreakpoints(model: string): boolean {
  const version = /^gpt-(\d+)\.(\d+)/.exec(model);
  if (!version) return false;
  const major = Number(version[1]);
  return major > 5 || (major === 5 && Number(version[2]) >= 6);
}

export function openAiView(request: OpenAiRequest): RequestView {
  const system = request.messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map(messageText)
    .join("\n");
  const lastAssistant = request.messages.findLastIndex((m) => m.role === "assistant");
  const lastUserText = request.messages
    .slice(lastAssistant + 1)
    .filter((m) => m.role === "user" || m.role === "tool")
    .map(messageText)
    .filter((text) => text !== "")
    .join("\n");
  return { provider: "openai", model: request.model, tools: (request.tools ?? []).map((t) => t.function.name), system, lastUserText };
}

function messageText(message: OpenAiMessage): string {
  const content = message.content;
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content.map(partText).join("\n");
}

type ContentPart = Exclude<NonNullable<OpenAiMessage["content"]>, string>[number];

function partText(part: ContentPart): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "refusal":
      return part.refusal;
    case "image_url":
    case "input_audio":
    case "file":
      return JSON.stringify(part);
  }
}
