import type { LlmRequest, LlmResponse } from "../llm/llm-client.js";

/** How an agent asks its model: the engine binds this to a task, a role and a recorded, priced call. */
export type AskModel = (request: LlmRequest) => Promise<LlmResponse>;
