import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseRepoConfig, RepoConfigError, repoConfigPath } from "../config/repo-config.js";
import { toGateReport, renderGateSummary } from "../gates/render-report.js";
import { runGates } from "../gates/run-gates.js";

export interface GateCommandOptions {
  readonly cwd: string;
  /** A git ref: `git diff BASE` is the change, which makes the gate diff-aware and runs the no-cheating check. */
  readonly base: string | undefined;
  readonly json: boolean;
  /** The config file, relative to cwd. */
  readonly config: string;
}

const plain = ["-c", "core.quotepath=false", "diff", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/"];

/**
 * `git diff BASE` in `cwd`, plain: no colour, no external diff tool, renames found. With
 * `untracked`, files git does not track yet (a new test written but not added: a local change) are
 * added as new files, as `git add` would show them; in CI they would only be build output.
 */
export function gitDiff(cwd: string, base: string, options: { untracked: boolean } = { untracked: false }): string {
  if (base.startsWith("-")) throw new Error(`${base} is not a git ref`);
  const run = { cwd, encoding: "utf8" as const, maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"] };
  const tracked = execFileSync("git", [...plain, "-M", base, "--"], run);
  const untracked = options.untracked ? execFileSync("git", ["ls-files", "--others", "--exclude-standard", "-z"], run).split("\0").filter((p) => p !== "") : [];
  // `git diff --no-index` exits 1 when the files differ, which is always here: read its output either way.
  const added = untracked.map((path) => spawnSync("git", [...plain, "--no-index", "--", "/dev/null", path], run).stdout);
  return [tracked, ...added].filter((d) => d !== "").join(tracked.endsWith("\n") || tracked === "" ? "" : "\n");
}

/**
 * `orchestrator gate`: runs the repository's quality gates in `cwd` and prints the report; with
 * `--json` the last line of stdout is the machine-readable result. Exit code 0 when the gate passes
 * (or is neutral), 1 when it fails, 2 when it could not run (bad config, bad ref).
 */
export async function gateCommand(options: GateCommandOptions): Promise<number> {
  const cwd = resolve(options.cwd);
  const configFile = resolve(cwd, options.config);
  let config;
  try {
    config = parseRepoConfig(existsSync(configFile) ? readFileSync(configFile, "utf8") : null);
  } catch (error) {
    if (!(error instanceof RepoConfigError)) throw error;
    console.error(options.config === repoConfigPath ? error.message : error.message.replace(repoConfigPath, options.config));
    return 2;
  }
  let diff: string | null = null;
  if (options.base !== undefined) {
    try {
      diff = gitDiff(cwd, options.base, { untracked: true });
    } catch (error) {
      const stderr = error instanceof Error && "stderr" in error ? String(error.stderr).trim() : "";
      console.error(`Could not read the change: git diff ${options.base} failed in ${cwd}${stderr ? `: ${stderr}` : ""}`);
      return 2;
    }
  }
  if (config.gates.length === 0) console.error(`No gates in ${options.config}: only the checks on the change itself run. See "Quality gate" in Orchestrator's README.`);
  const result = await runGates({ cwd, gates: config.gates, policy: config.gate, diff });
  console.log(renderGateSummary(result));
  if (options.json) {
    const report = toGateReport(result);
    console.log(JSON.stringify({ ...report, gates: result.gates.map((g) => ({ name: g.name, format: g.format, conclusion: g.conclusion, exitCode: g.exitCode, durationMs: g.durationMs, problem: g.problem })) }));
  }
  return result.conclusion === "failure" ? 1 : 0;
}
