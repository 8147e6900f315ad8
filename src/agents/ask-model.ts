import type { AgentRequest, LlmResponse } from "../llm/llm-client.js";

/** How an agent asks its model: the engine binds this to a task, a role, a routed chain of models and a recorded, priced call. */
export type AskModel = (request: AgentRequest) => Promise<LlmResponse>;
