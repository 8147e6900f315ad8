import type { AnthropicBlock, AnthropicMessage, AnthropicRequest } from "./anthropic-schema.js";

/*
 * The Messages API rules a schema cannot express. Each returns the real API's message where we
 * know it, or undefined when the request passes.
 */

const MAX_CACHE_BREAKPOINTS = 4;

export const STREAMING_UNSUPPORTED =
  "llm simulator: streaming is not supported; send the request without `stream: true` (the simulator only answers non-streaming requests)";

/** Run before the schema, because the schema's role error would hide the more helpful message. */
export function checkSystemRole(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("messages" in body) || !Array.isArray(body.messages)) return undefined;
  const hasSystem = (body.messages as unknown[]).some((m) => typeof m === "object" && m !== null && "role" in m && m.role === "system");
  return hasSystem
    ? 'Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.'
    : undefined;
}

export function checkAnthropicRules(request: AnthropicRequest): string | undefined {
  if (request.stream === true) return STREAMING_UNSUPPORTED;
  return checkCacheControl(request) ?? checkTools(request) ?? checkContents(request.messages) ?? checkToolPairs(request.messages);
}

export function hasCacheControl(block: object): boolean {
  return "cache_control" in block && block.cache_control !== undefined && block.cache_control !== null;
}

/** Inner blocks of a tool result may carry `cache_control` too, and count toward the limit. */
export function innerBlocks(block: AnthropicBlock): readonly object[] {
  return block.type === "tool_result" && Array.isArray(block.content) ? block.content : [];
}

function checkCacheControl(request: AnthropicRequest): string | undefined {
  const systemBlocks = typeof request.system === "string" || request.system === undefined ? [] : request.system;
  const messageBlocks = request.messages.flatMap((m) => (typeof m.content === "string" ? [] : m.content.flatMap((b) => [b, ...innerBlocks(b)])));
  const explicit = [...(request.tools ?? []), ...systemBlocks, ...messageBlocks].filter(hasCacheControl).length;
  const lastMessage = request.messages.at(-1)?.content;
  const lastBlock = typeof lastMessage === "string" ? undefined : lastMessage?.at(-1);
  // Top-level `cache_control` adds a breakpoint unless the last block already has one.
  const automatic = hasCacheControl(request) && (lastBlock === undefined || !hasCacheControl(lastBlock)) ? 1 : 0;
  const found = explicit + automatic;
  return found > MAX_CACHE_BREAKPOINTS ? `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${found}.` : undefined;
}

function checkTools(request: AnthropicRequest): string | undefined {
  const names = (request.tools ?? []).map((t) => t.name);
  if (new Set(names).size !== names.length) return "tools: Tool names must be unique.";
  const choice = request.tool_choice;
  if (choice?.type === "tool" && !names.includes(choice.name)) return `tool_choice: Tool '${choice.name}' not found in tools. Offered tools: ${names.join(", ") || "none"}.`;
  if ((choice?.type === "tool" || choice?.type === "any") && names.length === 0) return `tool_choice: tool_choice '${choice.type}' requires tools to be provided.`;
  return undefined;
}

function checkContents(messages: readonly AnthropicMessage[]): string | undefined {
  if (messages[0]?.role !== "user") return 'messages: first message must use the "user" role';
  for (const [i, message] of messages.entries()) {
    const isFinalAssistant = i === messages.length - 1 && message.role === "assistant";
    if (message.content.length === 0 && !isFinalAssistant) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    if (typeof message.content === "string") continue;
    for (const [j, block] of message.content.entries()) {
      if (block.type === "text" && block.text === "") return "messages: text content blocks must be non-empty";
      if (block.type === "tool_use" && message.role !== "assistant") return `messages.${i}.content.${j}: \`tool_use\` blocks can only be in \`assistant\` messages`;
      if (block.type === "tool_result" && message.role !== "user") return `messages.${i}.content.${j}: \`tool_result\` blocks can only be in \`user\` messages`;
    }
  }
  return undefined;
}

function toolUseIds(message: AnthropicMessage | undefined): string[] {
  if (message === undefined || typeof message.content === "string") return [];
  return message.content.flatMap((b) => (b.type === "tool_use" ? [b.id] : []));
}

/** The tool results that open a message; only those answer the previous message's tool calls. */
function leadingResultIds(message: AnthropicMessage | undefined): string[] {
  if (message?.role !== "user" || typeof message.content === "string") return [];
  const ids: string[] = [];
  for (const block of message.content) {
    if (block.type !== "tool_result") break;
    ids.push(block.tool_use_id);
  }
  return ids;
}

function checkToolPairs(messages: readonly AnthropicMessage[]): string | undefined {
  for (const [i, message] of messages.entries()) {
    if (typeof message.content !== "string" && message.role === "user") {
      const offered = messages[i - 1]?.role === "assistant" ? toolUseIds(messages[i - 1]) : [];
      for (const [j, block] of message.content.entries()) {
        if (block.type === "tool_result" && !offered.includes(block.tool_use_id)) {
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
    }
    const asked = message.role === "assistant" ? toolUseIds(message) : [];
    const answered = leadingResultIds(messages[i + 1]);
    const unanswered = asked.filter((id) => !answered.includes(id));
    if (unanswered.length > 0) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}
