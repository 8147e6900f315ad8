import { z } from "zod";

/*
 * The Messages API request body as of the installed SDK (API version 2026-10-21). Top-level
 * fields are strict, as the real API refuses unknown ones ("foo: Extra inputs are not
 * permitted"). Blocks and tools check the fields the simulator reads and let the rest through:
 * the SDK's response blocks carry fields (`citations`, `caller`) a client echoes back, and a
 * simulator stricter than the API would fail correct code.
 */

const cacheControlSchema = z.strictObject({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });
const cacheable = { cache_control: cacheControlSchema.nullish() };

const textBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string(), ...cacheable });
const sourceSchema = z.looseObject({ type: z.string() });
const imageBlockSchema = z.looseObject({ type: z.literal("image"), source: sourceSchema, ...cacheable });
const documentBlockSchema = z.looseObject({ type: z.literal("document"), source: sourceSchema, ...cacheable });
const looseBlock = <T extends string>(type: T) => z.looseObject({ type: z.literal(type), ...cacheable });

const toolResultContentSchema = z.union([
  z.string(),
  z.array(
    z.discriminatedUnion("type", [
      textBlockSchema,
      imageBlockSchema,
      documentBlockSchema,
      looseBlock("search_result"),
      looseBlock("tool_reference"),
      looseBlock("browser_state"),
    ]),
  ),
]);

export const anthropicBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  z.looseObject({ type: z.literal("tool_use"), id: z.string().min(1), name: z.string().min(1), input: z.record(z.string(), z.unknown()), ...cacheable }),
  z.looseObject({ type: z.literal("tool_result"), tool_use_id: z.string().min(1), content: toolResultContentSchema.optional(), is_error: z.boolean().optional(), ...cacheable }),
  z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() }),
  z.looseObject({ type: z.literal("redacted_thinking"), data: z.string() }),
  looseBlock("search_result"),
  looseBlock("server_tool_use"),
  looseBlock("web_search_tool_result"),
  looseBlock("web_fetch_tool_result"),
  looseBlock("code_execution_tool_result"),
  looseBlock("bash_code_execution_tool_result"),
  looseBlock("text_editor_code_execution_tool_result"),
  looseBlock("tool_search_tool_result"),
  looseBlock("container_upload"),
]);
export type AnthropicBlock = z.infer<typeof anthropicBlockSchema>;

const messageSchema = z.strictObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(anthropicBlockSchema)]),
});
export type AnthropicMessage = z.infer<typeof messageSchema>;

const customToolSchema = z.looseObject({
  type: z.literal("custom").nullish(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal("object") }),
  ...cacheable,
});
// Anthropic-run tools are versioned by date: `web_search_20250305`, `bash_20250124`.
const serverToolSchema = z.looseObject({ type: z.string().regex(/_\d{8}$/), name: z.string().min(1), ...cacheable });
export type AnthropicTool = z.infer<typeof customToolSchema> | z.infer<typeof serverToolSchema>;

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal("none") }),
]);

export const anthropicRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  max_tokens: z.number().int().min(1),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  tools: z.array(z.union([customToolSchema, serverToolSchema])).optional(),
  tool_choice: toolChoiceSchema.optional(),
  /** Automatic caching: a breakpoint on the last block of the request. */
  cache_control: cacheControlSchema.nullish(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
  service_tier: z.enum(["auto", "standard_only"]).optional(),
  speed: z.enum(["standard", "fast"]).nullish(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  container: z.unknown().optional(),
  diagnostics: z.unknown().optional(),
  inference_geo: z.string().nullish(),
  output_config: z.unknown().optional(),
  user_profile_id: z.string().optional(),
  workspace_id: z.string().optional(),
  mcp_servers: z.array(z.unknown()).optional(),
  context_management: z.unknown().optional(),
});
export type AnthropicRequest = z.infer<typeof anthropicRequestSchema>;
