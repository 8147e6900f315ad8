import { parseArgs } from "node:util";
import { repoConfigPath } from "../config/repo-config.js";
import { gateCommand } from "./gate-command.js";

/*
 * The gate on its own, as bundled into dist/cli/gate.js (the `orchestrator-gate` program):
 * `orchestrator-gate [--cwd DIR] [--base REF] [--json] [--config FILE]`, the same as
 * `orchestrator gate`.
 */
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { cwd: { type: "string", default: "." }, base: { type: "string" }, json: { type: "boolean", default: false }, config: { type: "string", default: repoConfigPath } },
  strict: true,
});
gateCommand({ cwd: values.cwd, base: values.base, json: values.json, config: values.config }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exitCode = 2;
  },
);
