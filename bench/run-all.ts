// npm run bench: every benchmark in turn, each in its own process; fails if one of them did.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const benchmarks = ["webhook-ack.ts", "engine.ts", "observability.ts"];
let exitCode = 0;
for (const file of benchmarks) {
  const run = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL(file, import.meta.url))], { stdio: "inherit" });
  if (run.status !== 0) console.error(`bench/${file} exited with ${run.status ?? run.signal ?? "an error"}`);
  exitCode = Math.max(exitCode, run.status ?? 1);
}
process.exitCode = exitCode;
