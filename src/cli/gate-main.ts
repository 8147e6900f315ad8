import { parseArgs } from "node:util";
import { repoConfigPath } from "../config/repo-config.js";
import { gateCommand } from "./gate-command.js";

/*
 * The gate on its own, as bundled into dist/cli/gate.js (the `orchestrator-gate` program):
 * `orchestrator-gate [--cwd DIR] [--base REF] [--json] [--config FILE]`, the same as
 * `orchestrator gate`.
 */
const usage = `Usage: orchestrator gate [--cwd DIR] [--base REF] [--json] [--config FILE]

Runs the quality gates of DIR's ${repoConfigPath} (gates: and gate:). --base REF makes
\`git diff REF\` (and untracked files) the change: findings on lines it did not touch are reported
without failing, and the no-cheating check reads it. --json prints the result as JSON on the last
line of stdout. Exit code 0 passed or neutral, 1 failed, 2 could not run.`;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    cwd: { type: "string", default: "." },
    base: { type: "string" },
    json: { type: "boolean", default: false },
    config: { type: "string", default: repoConfigPath },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
gateCommand({ cwd: values.cwd, base: values.base, json: values.json, config: values.config }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exitCode = 2;
  },
);
