import { z } from "zod";
import { PermanentError } from "../engine/errors.js";
import type { LlmToolSpec } from "../llm/llm-client.js";

/** A tool whose input schema is generated from the zod schema that later checks the model's input. */
export interface AgentTool<T> {
  readonly spec: LlmToolSpec;
  readonly schema: z.ZodType<T>;
}

export function defineTool<T>(name: string, description: string, schema: z.ZodType<T>): AgentTool<T> {
  const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(schema, { target: "draft-7", io: "input" });
  return { spec: { name, description, inputSchema }, schema };
}

/** The model's output did not fit the schema even after it was shown what was wrong. */
export class MalformedOutputError extends PermanentError {}

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(input)"}: ${issue.message}`).join("; ");
}
