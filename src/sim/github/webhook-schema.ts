import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { z } from "zod";
import { createAjv } from "./openapi/create-ajv.js";
import { formatAjvErrors } from "./openapi/format-issues.js";
import type { ValidationIssue } from "./openapi/validation-issue.js";

/** Ajv id for @octokit/webhooks-schemas' schema.json, whose `definitions` are keyed `issues$labeled`. */
const SCHEMA_ID = "https://orchestrator.invalid/octokit-webhooks-schema.json";

const WebhookSchemaFileSchema = z.object({ definitions: z.record(z.string(), z.unknown()) }).loose();

/** Checks simulated webhook deliveries against the community payload schemas Octokit publishes. */
export class WebhookSchemaValidator {
  readonly #ajv: Ajv;
  readonly #definitions: ReadonlySet<string>;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(schemaFile: unknown) {
    const parsed = WebhookSchemaFileSchema.parse(schemaFile);
    this.#definitions = new Set(Object.keys(parsed.definitions));
    this.#ajv = createAjv();
    // The file's own `$schema` and top-level `oneOf` are dropped: only its definitions are entry points.
    this.#ajv.addSchema({ $id: SCHEMA_ID, definitions: parsed.definitions });
  }

  static load(): WebhookSchemaValidator {
    const path = createRequire(import.meta.url).resolve("@octokit/webhooks-schemas");
    return new WebhookSchemaValidator(JSON.parse(readFileSync(path, "utf8")));
  }

  /** `issues$labeled` for actions, `push$event` for events that have none. */
  definitionFor(eventName: string, payload: unknown): string | undefined {
    const action = typeof payload === "object" && payload !== null && "action" in payload ? payload.action : undefined;
    const candidates = typeof action === "string" ? [`${eventName}$${action}`, `${eventName}$event`] : [`${eventName}$event`, eventName];
    return candidates.find((key) => this.#definitions.has(key));
  }

  validate(eventName: string, payload: unknown): ValidationIssue[] {
    const definition = this.definitionFor(eventName, payload);
    if (definition === undefined) return [{ where: "body", message: `no webhook schema for ${describeDelivery(eventName, payload)}${this.#knownActions(eventName)}` }];
    let validate = this.#compiled.get(definition);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${definition}` });
      this.#compiled.set(definition, validate);
    }
    return validate(payload) ? [] : formatAjvErrors(validate.errors, "body", `${describeDelivery(eventName, payload)} payload`);
  }

  #knownActions(eventName: string): string {
    const prefix = `${eventName}$`;
    const actions = [...this.#definitions].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
    return actions.length === 0 ? ` (unknown event "${eventName}")` : ` (known: ${actions.join(", ")})`;
  }
}

function describeDelivery(eventName: string, payload: unknown): string {
  const action = typeof payload === "object" && payload !== null && "action" in payload ? payload.action : undefined;
  return typeof action === "string" ? `${eventName}.${action}` : eventName;
}

/**
 * Compiling the schemas is the slow part, so the convenience function shares one validator. It is
 * created on first use and never changes afterwards, which keeps it free of test-order effects.
 */
let shared: WebhookSchemaValidator | undefined;

export function validateWebhookPayload(eventName: string, payload: unknown): ValidationIssue[] {
  shared ??= WebhookSchemaValidator.load();
  return shared.validate(eventName, payload);
}
