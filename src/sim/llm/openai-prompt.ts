import type { PromptSegment, RequestView } from "./chat-request.js";
import type { OpenAiMessage, OpenAiRequest } from "./openai-schema.js";
import { segment } from "./token-estimate.js";

/*
 * A Chat Completions request as prompt blocks (tools, then messages) and as the view the script
 * matches. Counted text: a tool is the JSON of its `function`; a message its text content plus,
 * for tool calls, each call's name and arguments.
 */

export function openAiSegments(request: OpenAiRequest): PromptSegment[] {
  const tools = (request.tools ?? []).map((tool) => segment(JSON.stringify(tool.function), { tool }));
  const messages = request.messages.map((message) => {
    const calls = message.role === "assistant" ? (message.tool_calls ?? []).map((c) => c.function.name + c.function.arguments).join("") : "";
    return segment(messageText(message) + calls, { message });
  });
  return [...tools, ...messages];
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
  return content
    .map((part) => {
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
    })
    .join("\n");
}
