#!/usr/bin/env node
// `orchestrator gate …` runs the bundled gate (dist/cli/gate.js, no build step, no dev dependencies);
// every other command runs the TypeScript sources through tsx, as `npm run orchestrator` does.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [command, ...rest] = process.argv.slice(2);
if (command === "gate") {
  process.argv.splice(2, 1);
  await import(pathToFileURL(join(root, "dist/cli/gate.js")).href);
} else {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...(command === undefined ? [] : [command]), ...rest], { stdio: "inherit", cwd: process.cwd() });
  process.exitCode = result.status ?? 1;
}
