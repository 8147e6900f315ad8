import { createHash } from "node:crypto";
import { z } from "zod";
import type { LlmClient, LlmRequest, LlmResponse } from "../llm/llm-client.js";
import type { ModelCatalog } from "../llm/model-catalog.js";
import { costOf, pricesFor } from "../llm/model-catalog.js";
import type { Db } from "../store/open-database.js";
import { failModelCall, findSucceededCall, finishModelCall, startModelCall } from "../store/model-calls.js";
import { appendTaskEvent } from "../store/task-events.js";
import type { Tracing } from "../telemetry/tracing.js";
import { SpanAttr } from "../telemetry/tracing.js";
import type { Clock } from "./clock.js";
import { describeError, PermanentError } from "./errors.js";

export interface ModelCallContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly catalog: ModelCatalog;
  /** Each call becomes a span with OpenTelemetry's GenAI attributes; without it, none is made. */
  readonly tracing?: Tracing;
}

export interface ModelCallResult {
  readonly response: LlmResponse;
  readonly costUsd: number;
  readonly durationMs: number;
  /** True when the response was replayed from an earlier, already paid call with the same request. */
  readonly replayed: boolean;
}

/** The stored response, checked when read back: a row written by another version must not slip through. */
const storedResponseSchema: z.ZodType<LlmResponse> = z.object({
  id: z.string(),
  model: z.string(),
  content: z.array(
    z.union([
      z.object({ type: z.literal("text"), text: z.string() }),
      z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
    ]),
  ),
  stopReason: z.enum(["end_turn", "tool_use", "max_tokens", "refusal", "other"]),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadTokens: z.number(), cacheWriteTokens: z.number() }),
});

export function hashRequest(provider: string, request: LlmRequest): string {
  return createHash("sha256").update(provider).update("\0").update(JSON.stringify(request)).digest("hex");
}

/**
 * Calls the model once for a task and records it: usage, cost, duration and the response. A task
 * that resumes after a crash and asks the same question gets the recorded answer back for free.
 */
export interface CallModelInput {
  readonly taskId: number | null;
  readonly role: string;
  readonly client: LlmClient;
  readonly request: LlmRequest;
  /** `hashRequest(client.provider, request)` when the caller has it already: hashing a request with a repository context in it is not free. */
  readonly requestHash?: string;
}

export async function callModel(context: ModelCallContext, call: CallModelInput): Promise<ModelCallResult> {
  if (!context.tracing) return callModelUntraced(context, call);
  const attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.system": call.client.provider,
    "gen_ai.request.model": call.request.model,
    "gen_ai.request.max_tokens": call.request.maxTokens,
    [SpanAttr.role]: call.role,
    ...(call.taskId === null ? {} : { [SpanAttr.taskId]: call.taskId }),
  };
  return context.tracing.instrument(`chat ${call.request.model}`, "model", attributes, async (span) => {
    const result = await callModelUntraced(context, call);
    // A replayed answer was paid for (and counted) by the call that first made it.
    const usage = result.replayed ? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } : result.response.usage;
    span.setAttributes({
      "gen_ai.response.model": result.response.model,
      "gen_ai.response.id": result.response.id,
      "gen_ai.response.finish_reasons": [result.response.stopReason],
      // All input the model read, as the convention counts it; the cached parts beside it.
      "gen_ai.usage.input_tokens": usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
      "gen_ai.usage.output_tokens": usage.outputTokens,
      "gen_ai.usage.cache_read.input_tokens": usage.cacheReadTokens,
      "gen_ai.usage.cache_creation.input_tokens": usage.cacheWriteTokens,
      [SpanAttr.costUsd]: result.costUsd,
      "orchestrator.replayed": result.replayed,
    });
    return result;
  });
}

async function callModelUntraced(context: ModelCallContext, call: CallModelInput): Promise<ModelCallResult> {
  const { db, clock, catalog } = context;
  const { client, request, taskId, role } = call;
  const entry = catalog.find(client.provider, request.model);
  if (!entry) {
    throw new PermanentError(
      `Model '${request.model}' of provider '${client.provider}' is not in the model catalog, so its cost cannot be counted. Use one of: ${catalog
        .list()
        .map((m) => `${m.provider}/${m.id}`)
        .join(", ")}.`,
    );
  }
  const requestHash = call.requestHash ?? hashRequest(client.provider, request);
  const earlier = findSucceededCall(db, taskId, requestHash);
  if (earlier) {
    return { response: storedResponseSchema.parse(earlier.response), costUsd: 0, durationMs: 0, replayed: true };
  }

  const startedAt = clock.now();
  const callId = startModelCall(db, { taskId, role, provider: client.provider, model: request.model, requestHash, startedAt });
  let response: LlmResponse;
  try {
    response = await client.complete(request);
  } catch (error) {
    failModelCall(db, callId, clock.now() - startedAt, describeError(error));
    throw error;
  }
  const durationMs = clock.now() - startedAt;
  const costUsd = costOf(response.usage, pricesFor(entry, response.usage));
  db.transaction(() => {
    finishModelCall(db, callId, { usage: response.usage, costUsd, durationMs, response });
    if (taskId !== null) {
      appendTaskEvent(db, {
        taskId,
        at: clock.now(),
        kind: "model_call",
        detail: { role, provider: client.provider, model: request.model, ...response.usage, costUsd, durationMs },
      });
    }
  })();
  return { response, costUsd, durationMs, replayed: false };
}
