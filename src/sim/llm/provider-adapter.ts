import type { IncomingMessage } from "node:http";
import type { ChatRequest, ParseResult, SimError } from "./chat-request.js";
import type { PlannedReply } from "./plan-reply.js";
import type { LlmProvider } from "./script.js";
import type { LlmUsage } from "./sim-events.js";

export interface RenderedError {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RenderedReply {
  readonly body: unknown;
  readonly messageId: string;
  readonly usage: LlmUsage;
  readonly headers: Readonly<Record<string, string>>;
}

/** One provider's wire format: who may call, what a valid request is, and how answers look. */
export interface ProviderAdapter {
  readonly provider: LlmProvider;
  authenticate(req: IncomingMessage): SimError | undefined;
  parse(body: unknown, req: IncomingMessage): ParseResult;
  /** Renders a successful reply and stores the prompt's cache prefixes. */
  reply(request: ChatRequest, planned: PlannedReply): RenderedReply;
  error(error: SimError): RenderedError;
}
