import { z } from "zod";

/*
 * The part of a scenario that scripts the model providers. Scenarios are YAML, so every list and
 * counter is optional and objects are strict: a misspelt key (`tiems: 2`) is an error, not a
 * silently ignored line.
 */

export const llmProviderSchema = z.enum(["anthropic", "openai"]);
export type LlmProvider = z.infer<typeof llmProviderSchema>;

/** All given criteria must hold. `model` is a substring of the requested model. */
export const llmMatchSchema = z.strictObject({
  tool: z.string().min(1).optional(),
  system: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  provider: llmProviderSchema.optional(),
});
export type LlmMatch = z.infer<typeof llmMatchSchema>;

export const llmStopReasonSchema = z.enum(["end_turn", "tool_use", "max_tokens"]);
export type LlmStopReason = z.infer<typeof llmStopReasonSchema>;

export const llmToolCallSchema = z.strictObject({
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
export type LlmToolCall = z.infer<typeof llmToolCallSchema>;

export const llmReplyBodySchema = z
  .strictObject({
    text: z.string().optional(),
    toolCalls: z.array(llmToolCallSchema).optional(),
    stopReason: llmStopReasonSchema.optional(),
    outputTokens: z.number().int().nonnegative().optional(),
  })
  .refine((reply) => reply.stopReason !== "tool_use" || (reply.toolCalls ?? []).length > 0, {
    message: "stopReason tool_use needs at least one entry in toolCalls",
    path: ["stopReason"],
  });
export type LlmReplyBody = z.infer<typeof llmReplyBodySchema>;

const timesSchema = z.union([z.number().int().positive(), z.literal("always")]);
export type LlmTimes = z.infer<typeof timesSchema>;

export const llmReplyEntrySchema = z.strictObject({
  id: z.string().min(1).optional(),
  match: llmMatchSchema.optional(),
  reply: llmReplyBodySchema,
  times: timesSchema.optional(),
});
export type LlmReplyEntry = z.infer<typeof llmReplyEntrySchema>;

export const llmFaultKindSchema = z.enum(["rate_limit", "server_error", "overloaded", "hang"]);
export type LlmFaultKind = z.infer<typeof llmFaultKindSchema>;

/** Fires on requests numbered `nth` or later (1-based, all requests) that satisfy `match`, `times` times. */
export const llmFaultSchema = z.strictObject({
  nth: z.number().int().positive().optional(),
  match: llmMatchSchema.optional(),
  kind: llmFaultKindSchema,
  retryAfterSeconds: z.number().nonnegative().optional(),
  times: timesSchema.optional(),
});
export type LlmFault = z.infer<typeof llmFaultSchema>;

export const llmScriptSchema = z.strictObject({
  /** Strings that must never reach a model; every request carrying one counts as a leak. */
  forbidden: z.array(z.string().min(1)).optional(),
  replies: z.array(llmReplyEntrySchema).optional(),
  faults: z.array(llmFaultSchema).optional(),
  cache: z.strictObject({ minTokens: z.number().int().positive().optional() }).optional(),
});
export type LlmScript = z.infer<typeof llmScriptSchema>;

export const DEFAULT_CACHE_MIN_TOKENS = 1024;
