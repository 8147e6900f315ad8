import { z } from "zod";

/**
 * The part of an OpenAPI 3.0 document the validator reads. Schemas stay `unknown` here:
 * Ajv checks them when it compiles, and they are only ever handed to Ajv.
 */
const ReferenceSchema = z.object({ $ref: z.string() });

const ParameterSchema = z.object({
  name: z.string(),
  in: z.enum(["path", "query", "header", "cookie"]),
  required: z.boolean().optional(),
  schema: z.unknown().optional(),
  "x-multi-segment": z.boolean().optional(),
});

const MediaTypeSchema = z.object({ schema: z.unknown().optional() });
const ContentSchema = z.record(z.string(), MediaTypeSchema);

const RequestBodySchema = z.object({ required: z.boolean().optional(), content: ContentSchema });

const ResponseSchema = z.object({ description: z.string().optional(), content: ContentSchema.optional() });

const ParameterOrRefSchema = z.union([ReferenceSchema, ParameterSchema]);

const OperationSchema = z.object({
  operationId: z.string(),
  parameters: z.array(ParameterOrRefSchema).optional(),
  requestBody: z.union([ReferenceSchema, RequestBodySchema]).optional(),
  responses: z.record(z.string(), z.union([ReferenceSchema, ResponseSchema])),
  externalDocs: z.object({ url: z.string() }).optional(),
});

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const PathItemSchema = z.object({
  parameters: z.array(ParameterOrRefSchema).optional(),
  get: OperationSchema.optional(),
  put: OperationSchema.optional(),
  post: OperationSchema.optional(),
  delete: OperationSchema.optional(),
  options: OperationSchema.optional(),
  head: OperationSchema.optional(),
  patch: OperationSchema.optional(),
  trace: OperationSchema.optional(),
});

export const OpenApiDocumentSchema = z.object({
  openapi: z.string().startsWith("3.0", "the validator reads OpenAPI 3.0 (nullable) descriptions"),
  info: z.object({ version: z.string() }).loose(),
  paths: z.record(z.string(), PathItemSchema),
  components: z.object({
    schemas: z.record(z.string(), z.unknown()).default({}),
    parameters: z.record(z.string(), ParameterSchema).default({}),
    responses: z.record(z.string(), ResponseSchema).default({}),
    requestBodies: z.record(z.string(), RequestBodySchema).default({}),
  }),
});

export type OpenApiDocument = z.infer<typeof OpenApiDocumentSchema>;
export type Reference = z.infer<typeof ReferenceSchema>;
export type Parameter = z.infer<typeof ParameterSchema>;
export type RequestBody = z.infer<typeof RequestBodySchema>;
export type Response = z.infer<typeof ResponseSchema>;
export type Operation = z.infer<typeof OperationSchema>;
export type Content = z.infer<typeof ContentSchema>;

export function isReference(value: object): value is Reference {
  return "$ref" in value;
}
