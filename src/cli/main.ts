import { parseArgs } from "node:util";
import { demoCommand } from "./demo-command.js";

const usage = `Usage: orchestrator <command> [options]

Commands:
  demo [--scenario NAME|PATH] [--json] [--db FILE] [--real-llm]
      Play a scenario end to end on the built-in GitHub, model and CI simulators.
      NAME is a file in fixtures/scenarios/ (default: happy). --json prints the result as the
      last line of stdout. --db keeps the SQLite database at FILE. --real-llm uses the real
      Anthropic API (ANTHROPIC_API_KEY) against the simulated GitHub.
`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === "demo") {
    const { values } = parseArgs({
      args: [...rest],
      options: { scenario: { type: "string", default: "happy" }, json: { type: "boolean", default: false }, db: { type: "string" }, "real-llm": { type: "boolean", default: false } },
      strict: true,
    });
    return demoCommand({ scenario: values.scenario, json: values.json, realLlm: values["real-llm"], databasePath: values.db });
  }
  console.error(`Unknown command '${command}'.\n\n${usage}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exitCode = 1;
  },
);
