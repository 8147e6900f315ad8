import {
  HTTP_METHODS,
  isReference,
  type Content,
  type OpenApiDocument,
  type Parameter,
  type Reference,
  type RequestBody,
  type Response,
} from "./openapi-document.js";

/** One operation with every component `$ref` above the schema level resolved. */
export interface OperationModel {
  operationId: string;
  /** Upper case, as on the wire. */
  method: string;
  pathTemplate: string;
  documentationUrl: string;
  pathParams: readonly Parameter[];
  queryParams: readonly Parameter[];
  requestBody: { required: boolean; jsonSchema: unknown } | undefined;
  /** Keyed by status code, `4XX`-style range or `default`, as declared. */
  responses: ReadonlyMap<string, { content: Content | undefined }>;
}

export const DEFAULT_DOCUMENTATION_URL = "https://docs.github.com/rest";

function componentName(ref: Reference, kind: string): string {
  const prefix = `#/components/${kind}/`;
  if (!ref.$ref.startsWith(prefix)) throw new Error(`expected a ${kind} $ref, got ${ref.$ref}`);
  return ref.$ref.slice(prefix.length);
}

function lookup<T>(table: Record<string, T>, ref: Reference, kind: string): T {
  const found = table[componentName(ref, kind)];
  if (found === undefined) throw new Error(`dangling $ref ${ref.$ref}`);
  return found;
}

export function buildOperationModels(document: OpenApiDocument): OperationModel[] {
  const { components } = document;
  const resolveParameter = (p: Reference | Parameter): Parameter =>
    isReference(p) ? lookup(components.parameters, p, "parameters") : p;
  const resolveBody = (b: Reference | RequestBody): RequestBody =>
    isReference(b) ? lookup(components.requestBodies, b, "requestBodies") : b;
  const resolveResponse = (r: Reference | Response): Response =>
    isReference(r) ? lookup(components.responses, r, "responses") : r;

  const models: OperationModel[] = [];
  for (const [pathTemplate, item] of Object.entries(document.paths)) {
    const shared = (item.parameters ?? []).map(resolveParameter);
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      // Operation-level parameters override path-level ones of the same name and location.
      const own = (operation.parameters ?? []).map(resolveParameter);
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
      const body = operation.requestBody === undefined ? undefined : resolveBody(operation.requestBody);
      models.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        documentationUrl: operation.externalDocs?.url ?? DEFAULT_DOCUMENTATION_URL,
        pathParams: parameters.filter((p) => p.in === "path"),
        queryParams: parameters.filter((p) => p.in === "query"),
        requestBody:
          body === undefined ? undefined : { required: body.required ?? false, jsonSchema: body.content["application/json"]?.schema },
        responses: new Map(
          Object.entries(operation.responses).map(([status, response]) => [status, { content: resolveResponse(response).content }]),
        ),
      });
    }
  }
  return models;
}
