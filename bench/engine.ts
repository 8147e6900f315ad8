// npm run bench:engine: tokens and prompt caching per task, engine overhead per task, and fairness under 50 concurrent tasks.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { concurrencySummary, measureConcurrency, renderConcurrency } from "./engine-concurrency.js";
import { measureOverhead, overheadSummary, renderOverhead } from "./engine-overhead.js";
import { measureTokens, renderTokens, tokensSummary } from "./engine-tokens.js";

const runs = Number(process.env.BENCH_ENGINE_RUNS ?? 50);
const log = (line: string): void => {
  console.error(line);
};

const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), "orchestrator-bench-engine-"));
try {
  const tokens = await measureTokens(dir, log);
  const overhead = await measureOverhead(dir, runs, log);
  const concurrency = await measureConcurrency(dir, { installations: 10, issuesPerInstallation: 5, timeoutMs: 300_000 }, log);
  const wallSeconds = (performance.now() - started) / 1000;
  console.log(
    [
      "## Engine",
      "",
      `Offline: the GitHub, model-provider and CI simulators on loopback in the benchmark's process, scripted model replies, real SQLite files. Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}. Whole benchmark ${wallSeconds.toFixed(0)} s.`,
      "",
      "### Tokens per task and prompt caching",
      "",
      renderTokens(tokens),
      "",
      "### Engine overhead per task",
      "",
      renderOverhead(overhead),
      "",
      "### Concurrent tasks across installations",
      "",
      renderConcurrency(concurrency),
    ].join("\n"),
  );
  const summary = { tokens: tokensSummary(tokens), overhead: overheadSummary(overhead), concurrency: concurrencySummary(concurrency), wallSeconds: Math.round(wallSeconds) };
  console.log(JSON.stringify(summary));
  // Missed goals are reported, not failed on; a run that broke is a failure.
  const broken = tokens.scenarios.length === 0 || overhead.failures.length > 0 || overhead.runs.length === 0 || concurrency.timedOut || concurrency.untasked.length > 0 || concurrency.tasks.some((t) => t.state !== "awaiting_review");
  process.exitCode = broken ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
