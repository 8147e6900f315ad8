/**
 * Rewrites an OpenAPI 3.0 Schema Object into plain JSON Schema that Ajv checks as GitHub means it.
 *
 * Ajv's own `nullable` support is not enough for GitHub's description: it throws on `nullable`
 * without a sibling `type` (GitHub writes `{ nullable: true, oneOf: [...] }` and `allOf` forms),
 * and `{ type: "string", enum: [...], nullable: true }` still refuses null through the enum.
 */

/** Keys whose value maps names to schemas; the names themselves are data, never keywords. */
const NAME_MAP_KEYS = new Set(["properties", "patternProperties", "definitions"]);
/** Keys whose value is data to copy verbatim. */
const DATA_KEYS = new Set(["enum", "const", "default", "required"]);
/** OpenAPI-only annotations Ajv does not need. */
const DROPPED_KEYS = new Set(["discriminator", "xml", "externalDocs", "deprecated", "example", "nullable"]);
const COMPOSITION_KEYS = ["$ref", "allOf", "anyOf", "oneOf", "not"] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * @param refBase the Ajv schema id that holds `components`, so `#/components/schemas/x` still
 *   resolves once this schema is compiled on its own.
 */
export function toJsonSchema(schema: unknown, refBase: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, refBase));
  if (!isObject(schema)) return schema;

  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYS.has(key) || key.startsWith("x-")) continue;
    if (DATA_KEYS.has(key)) out[key] = value;
    else if (key === "$ref" && typeof value === "string") out.$ref = value.startsWith("#") ? `${refBase}${value}` : value;
    // GitHub marks alternatives that overlap (e.g. an issue title as string or integer, labels as
    // names or objects) with oneOf; anyOf keeps the intent without failing on the overlap.
    else if (key === "oneOf") out.anyOf = toJsonSchema(value, refBase);
    else if (NAME_MAP_KEYS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub, refBase)]));
    } else out[key] = toJsonSchema(value, refBase);
  }
  return schema.nullable === true ? allowNull(out) : out;
}

function allowNull(schema: JsonObject): JsonObject {
  const composed = COMPOSITION_KEYS.some((key) => key in schema);
  if (typeof schema.type === "string" && !composed) {
    const enumValues: readonly unknown[] | undefined = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
    return {
      ...schema,
      type: [schema.type, "null"],
      ...(enumValues !== undefined && !enumValues.includes(null) ? { enum: [...enumValues, null] } : {}),
    };
  }
  return { anyOf: [{ type: "null" }, schema] };
}
