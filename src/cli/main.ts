import { parseArgs } from "node:util";
import { dashboardCommand } from "./dashboard-command.js";
import { demoCommand } from "./demo-command.js";
import { gateCommand } from "./gate-command.js";
import { repoConfigPath } from "../config/repo-config.js";

const usage = `Usage: orchestrator <command> [options]

Commands:
  demo [--scenario NAME|PATH] [--json] [--db FILE] [--html FILE] [--real-llm]
      Play a scenario end to end on the built-in GitHub, model and CI simulators, then show the
      task's dashboard (its check run) and write the HTML dashboard to FILE (default:
      .orchestrator/demo-dashboard.html). NAME is a file in fixtures/scenarios/ (default: happy).
      --json prints the result as the last line of stdout, with the check run's markdown
      (dashboard), the page's path (html) and every metric series (metrics). --db keeps the SQLite
      database at FILE. --real-llm uses the real Anthropic API (ANTHROPIC_API_KEY) against the
      simulated GitHub.
  gate [--cwd DIR] [--base REF] [--json] [--config FILE]
      Run the repository's quality gates (gates: in .github/orchestrator.yml) in DIR (default: the
      current folder). --base REF makes \`git diff REF\` the change: findings on lines it did not
      touch are reported without failing, and the no-cheating check reads it. --json prints the
      result as JSON on the last line of stdout. Exit code 0 passed, 1 failed, 2 could not run.
  dashboard --html FILE [--db PATH] [--task ID] [--days N] [--json]
      Write the all-tasks dashboard (one HTML page, no JavaScript) from the database at PATH
      (default: DATABASE_PATH, .orchestrator/orchestrator.db), offline: tasks by day and outcome,
      cost per merged PR, first-pass CI rate, spend by model and role, slowest phases, recent
      tasks, alerts. --task ID adds that task's timeline; --days N is the window (default 14).
      --json prints the data as JSON on the last line of stdout. Exit code 2 when it could not.
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
      options: { scenario: { type: "string", default: "happy" }, json: { type: "boolean", default: false }, db: { type: "string" }, html: { type: "string" }, "real-llm": { type: "boolean", default: false } },
      strict: true,
    });
    return demoCommand({ scenario: values.scenario, json: values.json, realLlm: values["real-llm"], databasePath: values.db, html: values.html });
  }
  if (command === "gate") {
    const { values } = parseArgs({
      args: [...rest],
      options: { cwd: { type: "string", default: "." }, base: { type: "string" }, json: { type: "boolean", default: false }, config: { type: "string", default: repoConfigPath } },
      strict: true,
    });
    return gateCommand({ cwd: values.cwd, base: values.base, json: values.json, config: values.config });
  }
  if (command === "dashboard") {
    const { values } = parseArgs({
      args: [...rest],
      options: { html: { type: "string" }, db: { type: "string" }, task: { type: "string" }, days: { type: "string" }, json: { type: "boolean", default: false } },
      strict: true,
    });
    return dashboardCommand({ html: values.html, databasePath: values.db, task: values.task, days: values.days, json: values.json });
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
