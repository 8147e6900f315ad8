// npm run schema: writes the JSON Schema of .github/orchestrator.yml, for editors (yaml-language-server).
import { writeFileSync } from "node:fs";
import { repoConfigJsonSchema } from "../src/config/repo-config.js";

export const schemaPath = new URL("../schema/orchestrator.schema.json", import.meta.url);

export function renderConfigSchema(): string {
  return `${JSON.stringify({ title: "Orchestrator repository configuration", ...repoConfigJsonSchema() }, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").at(-1) ?? "")) {
  writeFileSync(schemaPath, renderConfigSchema());
  process.stdout.write(`wrote ${schemaPath.pathname}\n`);
}
