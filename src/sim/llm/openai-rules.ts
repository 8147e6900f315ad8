import { cachesAtBreakpoints } from "./openai-prompt.js";
import type { OpenAiMessage, OpenAiRequest } from "./openai-schema.js";

/*
 * The Chat Completions rules a schema cannot express, with the real API's messages (its typo
 * "preceeding" included) where we know them.
 */

export interface OpenAiRuleError {
  readonly message: string;
  readonly param: string | undefined;
  readonly code: string | undefined;
}

export const OPENAI_STREAMING_UNSUPPORTED =
  "llm simulator: streaming is not supported; send the request without `stream: true` (the simulator only answers non-streaming requests)";

export function checkOpenAiRules(request: OpenAiRequest): OpenAiRuleError | undefined {
  if (request.stream === true) return { message: OPENAI_STREAMING_UNSUPPORTED, param: "stream", code: "unsupported_value" };
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    return { message: "llm simulator: only n = 1 is supported", param: "n", code: "unsupported_value" };
  }
  return checkPromptCache(request) ?? checkTools(request) ?? checkToolMessages(request.messages);
}

/** Cache breakpoints and `prompt_cache_options` exist from GPT-5.6 on, and never on the model's own messages. */
function checkPromptCache(request: OpenAiRequest): OpenAiRuleError | undefined {
  const marked = request.messages.flatMap((m, i) =>
    Array.isArray(m.content) ? m.content.flatMap((part, j) => ("prompt_cache_breakpoint" in part && part.prompt_cache_breakpoint !== undefined ? [{ i, j, role: m.role }] : [])) : [],
  );
  const onAssistant = marked.find((m) => m.role === "assistant");
  if (onAssistant) {
    return {
      message: "Invalid value: 'prompt_cache_breakpoint' is not supported on assistant messages.",
      param: `messages.[${onAssistant.i}].content.[${onAssistant.j}].prompt_cache_breakpoint`,
      code: "invalid_value",
    };
  }
  const options = request.prompt_cache_options;
  if ((marked.length > 0 || options !== undefined) && !cachesAtBreakpoints(request.model)) {
    const param = options !== undefined ? "prompt_cache_options" : `messages.[${marked[0]?.i ?? 0}].content.[${marked[0]?.j ?? 0}].prompt_cache_breakpoint`;
    return { message: `Unsupported parameter: '${param}' is not supported with this model.`, param, code: "unsupported_parameter" };
  }
  if (options?.ttl !== undefined && request.prompt_cache_retention !== undefined) {
    return { message: "Invalid request: set either 'prompt_cache_options.ttl' or 'prompt_cache_retention', not both.", param: "prompt_cache_options.ttl", code: "invalid_value" };
  }
  return undefined;
}

function checkTools(request: OpenAiRequest): OpenAiRuleError | undefined {
  const tools = request.tools ?? [];
  for (const [i, tool] of tools.entries()) {
    const type = tool.function.parameters?.type;
    if (tool.function.parameters !== undefined && type !== "object") {
      return {
        message: `Invalid schema for function '${tool.function.name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${typeof type === "string" ? type : "None"}"'.`,
        param: `tools[${i}].function.parameters`,
        code: "invalid_function_parameters",
      };
    }
  }
  const choice = request.tool_choice;
  if (choice !== undefined && choice !== "none" && choice !== "auto" && tools.length === 0) {
    return { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", param: "tool_choice", code: undefined };
  }
  if (typeof choice === "object" && choice.type === "function" && !tools.some((t) => t.function.name === choice.function.name)) {
    return { message: `Invalid value for 'tool_choice': no function named '${choice.function.name}' was specified in the 'tools' parameter.`, param: "tool_choice", code: undefined };
  }
  return undefined;
}

function checkToolMessages(messages: readonly OpenAiMessage[]): OpenAiRuleError | undefined {
  // The ids the latest assistant message asked for, while the tool messages answering it run.
  let pending: { readonly index: number; readonly ids: readonly string[]; readonly answered: Set<string> } | undefined;
  const unanswered = (): OpenAiRuleError | undefined => {
    const missing = pending?.ids.filter((id) => !pending?.answered.has(id)) ?? [];
    if (pending === undefined || missing.length === 0) return undefined;
    return {
      message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(", ")}`,
      param: `messages.[${pending.index}].role`,
      code: undefined,
    };
  };
  for (const [i, message] of messages.entries()) {
    if (message.role === "tool") {
      if (pending === undefined) {
        return {
          message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${i}].role`,
          code: undefined,
        };
      }
      if (!pending.ids.includes(message.tool_call_id)) {
        return {
          message: `Invalid parameter: 'tool_call_id' of '${message.tool_call_id}' not found in 'tool_calls' of previous message.`,
          param: `messages.[${i}].tool_call_id`,
          code: undefined,
        };
      }
      pending.answered.add(message.tool_call_id);
      continue;
    }
    const broken = unanswered();
    if (broken !== undefined) return broken;
    const ids = message.role === "assistant" ? (message.tool_calls ?? []).map((c) => c.id) : [];
    pending = ids.length > 0 ? { index: i, ids, answered: new Set() } : undefined;
  }
  return unanswered();
}
