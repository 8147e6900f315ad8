import { readFileSync } from "node:fs";
import type { Ajv, AnySchema, ValidateFunction } from "ajv";
import { createAjv } from "./create-ajv.js";
import { formatAjvErrors } from "./format-issues.js";
import { OpenApiDocumentSchema, type Parameter } from "./openapi-document.js";
import { buildOperationModels, type OperationModel } from "./operation-model.js";
import { PathMatcher, type MatchedOperation } from "./path-matcher.js";
import { toJsonSchema } from "./to-json-schema.js";
import type { ValidationIssue } from "./validation-issue.js";

const FIXTURE_URL = new URL("../../../../fixtures/github/openapi.json", import.meta.url);
/** Ajv id under which the document's components live, so every `$ref` resolves from any compiled schema. */
const DOCUMENT_ID = "https://orchestrator.invalid/github-openapi.json";

export interface OpenApiValidatorOptions {
  /**
   * Accept a 4xx/5xx an operation does not declare when its body is a GitHub error body. The
   * description omits many statuses GitHub really sends (e.g. 404 from `checks/get`).
   */
  allowUndeclaredErrorStatuses?: boolean;
}

export class OpenApiValidator {
  readonly #operations: ReadonlyMap<string, OperationModel>;
  readonly #matcher: PathMatcher;
  /** Bodies are JSON already: types are checked as sent. */
  readonly #bodyAjv: Ajv;
  /** Path and query values arrive as strings and are coerced, as a server would. */
  readonly #paramAjv: Ajv;
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #options: OpenApiValidatorOptions;

  constructor(document: unknown, options: OpenApiValidatorOptions = {}) {
    const parsed = OpenApiDocumentSchema.parse(document);
    const models = buildOperationModels(parsed);
    this.#operations = new Map(models.map((m) => [m.operationId, m]));
    this.#matcher = new PathMatcher(
      models.map((m) => ({
        operationId: m.operationId,
        method: m.method,
        pathTemplate: m.pathTemplate,
        multiSegmentParams: new Set(m.pathParams.filter((p) => p["x-multi-segment"] === true).map((p) => p.name)),
      })),
    );
    const schemas = Object.fromEntries(Object.entries(parsed.components.schemas).map(([name, s]) => [name, toJsonSchema(s, DOCUMENT_ID)]));
    const root = { $id: DOCUMENT_ID, components: { schemas } };
    this.#bodyAjv = createAjv();
    this.#bodyAjv.addSchema(root);
    this.#paramAjv = createAjv({ coerceTypes: true });
    this.#paramAjv.addSchema(root);
    this.#options = options;
  }

  /** Reads fixtures/github/openapi.json (written by scripts/extract-github-openapi.ts). */
  static load(options: OpenApiValidatorOptions = {}): OpenApiValidator {
    return new OpenApiValidator(JSON.parse(readFileSync(FIXTURE_URL, "utf8")), options);
  }

  operationIds(): readonly string[] {
    return [...this.#operations.keys()];
  }

  match(method: string, rawPathname: string): MatchedOperation | undefined {
    return this.#matcher.match(method, rawPathname);
  }

  /** The GitHub docs page for the operation, as GitHub puts it in error bodies. */
  documentationUrl(op: MatchedOperation): string {
    return this.#model(op).documentationUrl;
  }

  validateRequest(op: MatchedOperation, request: { query: URLSearchParams; body: unknown }): ValidationIssue[] {
    const model = this.#model(op);
    return [
      ...this.#checkParams(model, "path", model.pathParams, op.pathParams),
      ...this.#checkParams(model, "query", model.queryParams, queryValues(model.queryParams, request.query)),
      ...this.#checkBody(model, request.body),
    ];
  }

  validateResponse(op: MatchedOperation, status: number, body: unknown): ValidationIssue[] {
    const model = this.#model(op);
    const statusKey = [String(status), `${Math.floor(status / 100)}XX`, "default"].find((k) => model.responses.has(k));
    const label = `response ${status}`;
    const declared = statusKey === undefined ? undefined : model.responses.get(statusKey);
    if (statusKey === undefined || declared === undefined) return this.#checkUndeclared(model, status, body);

    const media = declared.content === undefined ? [] : Object.keys(declared.content);
    if (media.length === 0) {
      return hasBody(body) ? [{ where: "response", message: `${label}: must have no body (${model.operationId} declares none)` }] : [];
    }
    const schema = declared.content?.["application/json"]?.schema;
    if (schema === undefined) return []; // Only JSON bodies are described well enough to check.
    if (body === undefined) return [{ where: "response", message: `${label} body: missing, expected JSON` }];
    const validate = this.#compile(`${model.operationId} response ${statusKey}`, this.#bodyAjv, () => toJsonSchema(schema, DOCUMENT_ID));
    return validate(body) ? [] : formatAjvErrors(validate.errors, "response", `${label} body`);
  }

  #checkUndeclared(model: OperationModel, status: number, body: unknown): ValidationIssue[] {
    const declared = [...model.responses.keys()].join(", ");
    if (this.#options.allowUndeclaredErrorStatuses !== true || status < 400) {
      return [{ where: "response", message: `response ${status}: status not declared for ${model.operationId} (declares ${declared})` }];
    }
    const validate = this.#compile("undeclared error", this.#bodyAjv, () => ({ $ref: `${DOCUMENT_ID}#/components/schemas/basic-error` }));
    return validate(body) ? [] : formatAjvErrors(validate.errors, "response", `response ${status} body`);
  }

  #checkParams(model: OperationModel, where: "path" | "query", declared: readonly Parameter[], values: Record<string, unknown>): ValidationIssue[] {
    if (declared.length === 0) return [];
    const validate = this.#compile(`${model.operationId} ${where}`, this.#paramAjv, () => ({
      type: "object",
      properties: Object.fromEntries(declared.map((p) => [p.name, toJsonSchema(p.schema ?? {}, DOCUMENT_ID)])),
      required: declared.filter((p) => p.required === true).map((p) => p.name),
    }));
    // Coercion rewrites values in place; the caller's object stays untouched.
    const data = { ...values };
    return validate(data) ? [] : formatAjvErrors(validate.errors, where, where);
  }

  #checkBody(model: OperationModel, body: unknown): ValidationIssue[] {
    const declared = model.requestBody;
    if (declared === undefined) return [];
    if (body === undefined) {
      return declared.required ? [{ where: "body", message: `body: ${model.operationId} requires a JSON request body` }] : [];
    }
    const schema = declared.jsonSchema;
    if (schema === undefined) return [];
    const validate = this.#compile(`${model.operationId} body`, this.#bodyAjv, () => toJsonSchema(schema, DOCUMENT_ID));
    return validate(body) ? [] : formatAjvErrors(validate.errors, "body", "body");
  }

  /** Compiles on first use: most tests touch a handful of the operations. */
  #compile(key: string, ajv: Ajv, schema: () => unknown): ValidateFunction {
    const cached = this.#compiled.get(key);
    if (cached !== undefined) return cached;
    const validate = ajv.compile(asSchema(schema()));
    this.#compiled.set(key, validate);
    return validate;
  }

  #model(op: MatchedOperation): OperationModel {
    const model = this.#operations.get(op.operationId);
    if (model === undefined) throw new Error(`operation ${op.operationId} is not in the extracted description; add it to scripts/extract-github-openapi.ts`);
    return model;
  }
}

function queryValues(declared: readonly Parameter[], query: URLSearchParams): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const parameter of declared) {
    const all = query.getAll(parameter.name);
    if (all.length === 0) continue;
    const isArray = typeof parameter.schema === "object" && parameter.schema !== null && "type" in parameter.schema && parameter.schema.type === "array";
    // Repeated scalar parameters: the last one wins, as in Rails.
    values[parameter.name] = isArray ? all : all.at(-1);
  }
  return values;
}

function hasBody(body: unknown): boolean {
  return body !== undefined && body !== null && body !== "";
}

function asSchema(value: unknown): AnySchema {
  if (typeof value === "boolean" || (typeof value === "object" && value !== null)) return value;
  throw new Error(`not a JSON schema: ${JSON.stringify(value)}`);
}
