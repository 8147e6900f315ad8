import type { PromptSegment, RequestView } from "./chat-request.js";
import { hasCacheControl, innerBlocks } from "./anthropic-rules.js";
import type { AnthropicBlock, AnthropicRequest } from "./anthropic-schema.js";
import { segment } from "./token-estimate.js";

/*
 * An Anthropic request as prompt blocks (tools, system, messages: the order the API caches in)
 * and as the view the script matches. Counted text: a tool is its JSON without `cache_control`;
 * a text block its text; a tool call its name and JSON input; a tool result its text; anything
 * else its JSON. A string `system` or message `content` is one block. A top-level `cache_control`
 * marks the last block.
 */

export function anthropicSegments(request: AnthropicRequest): PromptSegment[] {
  const tools = (request.tools ?? []).map((tool) => {
    const bare = withoutCacheControl(tool);
    return segment(JSON.stringify(bare), { tool: bare }, hasCacheControl(tool));
  });
  const system =
    typeof request.system === "string"
      ? [segment(request.system, { system: request.system })]
      : (request.system ?? []).map((block) => segment(block.text, { system: block.text }, hasCacheControl(block)));
  const messages = request.messages.flatMap(({ role, content }) =>
    typeof content === "string"
      ? [segment(content, { role, text: content })]
      : content.map((block) =>
          segment(countedText(block), { role, block: identity(block) }, hasCacheControl(block) || innerBlocks(block).some(hasCacheControl)),
        ),
  );
  const segments = [...tools, ...system, ...messages];
  const last = segments.at(-1);
  // Top-level `cache_control` puts a breakpoint on the last block of the request.
  if (hasCacheControl(request) && last !== undefined) segments[segments.length - 1] = { ...last, breakpoint: true };
  return segments;
}

export function anthropicView(request: AnthropicRequest): RequestView {
  const system = typeof request.system === "string" ? request.system : (request.system ?? []).map((b) => b.text).join("\n");
  const lastAssistant = request.messages.findLastIndex((m) => m.role === "assistant");
  const lastUserText = request.messages
    .slice(lastAssistant + 1)
    .flatMap(({ content }) => (typeof content === "string" ? [content] : content.map(visibleText)))
    .filter((text) => text !== "")
    .join("\n");
  return { provider: "anthropic", model: request.model, tools: (request.tools ?? []).map((t) => t.name), system, lastUserText };
}

function countedText(block: AnthropicBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "tool_use":
      return block.name + JSON.stringify(block.input);
    case "tool_result":
      return toolResultText(block.content);
    case "thinking":
      return block.thinking;
    case "image":
    case "document":
    case "search_result":
    case "redacted_thinking":
    case "server_tool_use":
    case "web_search_tool_result":
    case "web_fetch_tool_result":
    case "code_execution_tool_result":
    case "bash_code_execution_tool_result":
    case "text_editor_code_execution_tool_result":
    case "tool_search_tool_result":
    case "container_upload":
      return JSON.stringify(withoutCacheControl(block));
  }
}

/** What makes a block the same block for caching: not `cache_control`, nor echoed nulls. */
function identity(block: AnthropicBlock): unknown {
  if (block.type === "text") return { type: block.type, text: block.text };
  if (block.type === "tool_use") return { type: block.type, id: block.id, name: block.name, input: block.input };
  if (block.type === "tool_result") {
    return { type: block.type, tool_use_id: block.tool_use_id, content: toolResultText(block.content), is_error: block.is_error ?? false };
  }
  return withoutCacheControl(block);
}

function visibleText(block: AnthropicBlock): string {
  if (block.type === "text") return block.text;
  if (block.type === "tool_result") return toolResultText(block.content);
  return "";
}

function toolResultText(content: Extract<AnthropicBlock, { type: "tool_result" }>["content"]): string {
  if (content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((inner) => (inner.type === "text" ? inner.text : JSON.stringify(withoutCacheControl(inner)))).join("\n");
}

function withoutCacheControl<T extends object>(value: T): Omit<T, "cache_control"> {
  const { cache_control: _ignored, ...rest } = value as T & { cache_control?: unknown };
  return rest;
}
