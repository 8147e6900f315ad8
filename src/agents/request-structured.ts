import type { AgentRequest, LlmMessage, LlmToolUseBlock } from "../llm/llm-client.js";
import type { AskModel } from "./ask-model.js";
import { cacheUserTurns } from "./cache-turns.js";
import type { AgentTool } from "./tool-schema.js";
import { describeZodError, MalformedOutputError } from "./tool-schema.js";

/**
 * Asks for exactly one call of `tool` and returns its input, checked against the tool's schema.
 * Malformed input gets `repairs` more chances, each told precisely what was wrong; then it is a
 * classified failure, never a guess.
 */
export async function requestStructured<T>(ask: AskModel, request: AgentRequest, tool: AgentTool<T>, repairs = 1): Promise<T> {
  let messages: readonly LlmMessage[] = request.messages;
  let lastProblem = "";
  for (let attempt = 0; attempt <= repairs; attempt += 1) {
    const response = await ask({ ...request, messages: cacheUserTurns(messages), tools: [tool.spec], toolChoice: { type: "tool", name: tool.spec.name } });
    const call = response.content.find((b): b is LlmToolUseBlock => b.type === "tool_use" && b.name === tool.spec.name);
    if (!call) {
      lastProblem = `the reply did not call ${tool.spec.name} (stop reason: ${response.stopReason})`;
      messages = [...messages, { role: "assistant", content: response.content.length > 0 ? response.content : [{ type: "text", text: "(no reply)" }] }, {
        role: "user",
        content: [{ type: "text", text: `Call the ${tool.spec.name} tool with your answer.` }],
      }];
      continue;
    }
    const parsed = tool.schema.safeParse(call.input);
    if (parsed.success) return parsed.data;
    lastProblem = describeZodError(parsed.error);
    messages = [
      ...messages,
      { role: "assistant", content: response.content },
      {
        role: "user",
        content: [{ type: "tool_result", toolUseId: call.id, isError: true, content: `The input did not match the schema: ${lastProblem}. Call ${tool.spec.name} again with corrected input.` }],
      },
    ];
  }
  throw new MalformedOutputError(`The model's ${tool.spec.name} output was malformed after ${repairs + 1} attempts: ${lastProblem}`);
}
