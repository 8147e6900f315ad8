import type { AskModel } from "../../src/agents/ask-model.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import type { LlmMessage, LlmRequest } from "../../src/llm/llm-client.js";
import type { LlmSimulator } from "../../src/sim/llm/llm-simulator.js";

/** Asks the simulator through the real Anthropic adapter, as `model`, keeping every request the agent made. */
export function recordingAsk(sim: LlmSimulator, model = "claude-sonnet-5-5"): { readonly ask: AskModel; readonly sent: LlmRequest[] } {
  const client = new AnthropicClient({ apiKey: "sk-ant-test", baseURL: sim.anthropicBaseUrl, maxRetries: 0, timeoutMs: 5_000 });
  const sent: LlmRequest[] = [];
  return {
    sent,
    ask: (agentRequest) => {
      const request: LlmRequest = { ...agentRequest, model };
      sent.push(structuredClone(request));
      return client.complete(request);
    },
  };
}

export function lastMessage(request: LlmRequest | undefined): LlmMessage {
  const message = request?.messages.at(-1);
  if (!message) throw new Error("the request has no messages");
  return message;
}
