import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderConfigSchema, schemaPath } from "../../scripts/write-config-schema.js";

describe("schema/orchestrator.schema.json", () => {
  it("is what `npm run schema` writes from the config's zod schema today", () => {
    expect(readFileSync(schemaPath, "utf8")).toBe(renderConfigSchema());
  });

  it("describes every top-level section of .github/orchestrator.yml", () => {
    const schema = JSON.parse(renderConfigSchema()) as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties).sort()).toEqual(["alerts", "areas", "budget", "ci", "gate", "gates", "limits", "models", "paths", "plan_approval", "redaction", "review", "risk", "trust"]);
    expect(schema.additionalProperties).toBe(false);
  });
});
