import { z } from "zod";

/*
 * The Chat Completions request body as of the installed SDK (openai 6.x). Unknown top-level fields are refused as the real API does
 * ("Unrecognized request argument supplied: foo"); rarely used fields are accepted loosely.
 */

/** Marks the exact end of a reusable prompt prefix (GPT-5.6 and later); the only mode is `explicit`. */
const breakpointSchema = z.strictObject({ mode: z.literal("explicit") }).optional();
const textPartSchema = z.strictObject({ type: z.literal("text"), text: z.string(), prompt_cache_breakpoint: breakpointSchema });
const textContentSchema = z.union([z.string(), z.array(textPartSchema)]);

const userPartSchema = z.discriminatedUnion("type", [
  textPartSchema,
  z.strictObject({
    type: z.literal("image_url"),
    image_url: z.strictObject({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }),
    prompt_cache_breakpoint: breakpointSchema,
  }),
  z.looseObject({ type: z.literal("input_audio"), input_audio: z.looseObject({}) }),
  z.looseObject({ type: z.literal("file"), file: z.looseObject({}) }),
]);

const toolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});

export const openAiMessageSchema = z.discriminatedUnion("role", [
  z.strictObject({ role: z.literal("system"), content: textContentSchema, name: z.string().optional() }),
  z.strictObject({ role: z.literal("developer"), content: textContentSchema, name: z.string().optional() }),
  z.strictObject({ role: z.literal("user"), content: z.union([z.string(), z.array(userPartSchema)]), name: z.string().optional() }),
  // Loose: clients push the SDK's response message back as is, `annotations` and all.
  z.looseObject({
    role: z.literal("assistant"),
    content: z
      .union([z.string(), z.array(z.discriminatedUnion("type", [textPartSchema, z.strictObject({ type: z.literal("refusal"), refusal: z.string() })]))])
      .nullish(),
    tool_calls: z.array(toolCallSchema).optional(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
    audio: z.looseObject({ id: z.string() }).nullish(),
    function_call: z.unknown().optional(),
  }),
  z.strictObject({ role: z.literal("tool"), content: textContentSchema, tool_call_id: z.string() }),
]);
export type OpenAiMessage = z.infer<typeof openAiMessageSchema>;

const toolSchema = z.strictObject({
  type: z.literal("function"),
  function: z.strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
export type OpenAiTool = z.infer<typeof toolSchema>;

const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.strictObject({ type: z.literal("function"), function: z.strictObject({ name: z.string() }) }),
  z.looseObject({ type: z.literal("allowed_tools") }),
]);

const optionalNumber = z.number().nullish();
const optionalInt = z.number().int().nullish();

export const openAiRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(openAiMessageSchema).min(1),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  max_tokens: optionalInt,
  max_completion_tokens: optionalInt,
  n: optionalInt,
  stream: z.boolean().nullish(),
  stream_options: z.unknown().optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  presence_penalty: optionalNumber,
  frequency_penalty: optionalNumber,
  logit_bias: z.record(z.string(), z.number()).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: optionalInt,
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: optionalInt,
  user: z.string().optional(),
  response_format: z.looseObject({ type: z.enum(["text", "json_object", "json_schema"]) }).optional(),
  reasoning_effort: z.string().nullish(),
  verbosity: z.enum(["low", "medium", "high"]).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
  prediction: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_options: z.strictObject({ mode: z.enum(["implicit", "explicit"]).optional(), ttl: z.literal("30m").optional() }).optional(),
  prompt_cache_retention: z.unknown().optional(),
  safety_identifier: z.string().nullish(),
  moderation: z.unknown().optional(),
  functions: z.array(z.unknown()).optional(),
  function_call: z.unknown().optional(),
});
export type OpenAiRequest = z.infer<typeof openAiRequestSchema>;
