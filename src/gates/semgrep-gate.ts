import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import type { Finding } from "./finding.js";
import { ReportFormatError } from "./finding.js";
import type { GatePolicy } from "./gate-config.js";
import { parseSemgrep } from "./parsers/semgrep.js";
import { runCommand } from "./run-command.js";
import type { GateFinding, GateOutcome } from "./run-gates.js";

/*
 * The built-in Semgrep gate (`gate: { semgrep, semgrep_config }`): scans the changed files with
 * `semgrep scan --json` when Semgrep is installed. Under "auto" a missing Semgrep is reported as
 * neutral; under "required" it fails. Once Semgrep ran, a failing finding fails the check either way.
 */

export interface SemgrepGateOptions {
  readonly cwd: string;
  readonly policy: GatePolicy;
  /** Repository-relative paths the change touched; null scans the whole repository. */
  readonly changedFiles: readonly string[] | null;
  /** Decides which findings are new and which fail (the same judgement as the other gates). */
  readonly judge: (findings: Finding[]) => GateFinding[];
  readonly env?: NodeJS.ProcessEnv;
}

const timeoutMinutes = 30;
/** Below Linux's 128 KiB limit on one argument, which `sh -c <command>` is. */
const maxCommandBytes = 100 * 1024;
const gate = { name: "semgrep", format: "semgrep" } as const;

export const semgrepNotInstalledSkipped = "Semgrep is not installed; skipped (install it or set semgrep: required)";
export const semgrepNotInstalledRequired =
  "Semgrep is required (`gate: { semgrep: required }`) but no `semgrep` executable is on PATH. Install it with `pipx install semgrep` (or `pip install semgrep`), or set `semgrep: auto` to skip the scan when Semgrep is absent.";

/** Runs Semgrep on the changed files; null when the policy turns Semgrep off. */
export async function runSemgrepGate(options: SemgrepGateOptions): Promise<GateOutcome | null> {
  const { policy } = options;
  if (policy.semgrep === "off") return null;
  const executable = findExecutable("semgrep", options.env?.PATH ?? process.env.PATH ?? "");
  if (executable === null) {
    const required = policy.semgrep === "required";
    const problem = required ? semgrepNotInstalledRequired : semgrepNotInstalledSkipped;
    return { ...gate, required, conclusion: required ? "failure" : "neutral", exitCode: null, durationMs: 0, findings: [], problem };
  }
  // A deleted file is in the change but not on disk, and Semgrep rejects a target that does not exist.
  const targets = options.changedFiles === null ? ["."] : options.changedFiles.filter((file) => existsSync(resolve(options.cwd, file)));
  if (targets.length === 0) return { ...gate, required: true, conclusion: "success", exitCode: null, durationMs: 0, findings: [], problem: null };

  const commandFor = (paths: readonly string[]): string => [executable, "scan", "--json", "--metrics=off", "--config", policy.semgrep_config, "--", ...paths].map(shellQuote).join(" ");
  // `sh -c` takes the command as one argument, and Linux refuses one longer than 128 KiB (E2BIG): a
  // change too large to list is scanned whole, and the judge still fails only what the change added.
  const listed = commandFor(targets);
  const command = Buffer.byteLength(listed) > maxCommandBytes ? commandFor(["."]) : listed;
  const result = await runCommand(command, { cwd: options.cwd, timeoutMs: timeoutMinutes * 60_000, ...(options.env === undefined ? {} : { env: options.env }) });
  const base = { ...gate, required: true, exitCode: result.exitCode, durationMs: result.durationMs };
  if (result.timedOut) return { ...base, conclusion: "failure", findings: [], problem: `Semgrep did not finish within ${timeoutMinutes} minutes and was stopped` };

  let raw: Finding[];
  try {
    raw = parseSemgrep(result.stdout, { root: resolve(options.cwd), exitCode: result.exitCode });
  } catch (error) {
    if (!(error instanceof ReportFormatError)) throw error;
    return { ...base, conclusion: "failure", findings: [], problem: withTail(`Semgrep exited with code ${result.exitCode} and its output could not be read: ${error.message}`, result.output) };
  }
  const findings = options.judge(raw);
  // Exit 1 means findings (with --error), 2 and up a scan that broke: neither may pass with nothing failing to show for it.
  const failing = findings.some((f) => f.failing);
  const problem = result.exitCode !== 0 && !failing ? withTail(`Semgrep exited with code ${result.exitCode}`, result.output) : null;
  return { ...base, conclusion: failing || problem !== null ? "failure" : "success", findings, problem };
}

/** The first executable file called `name` in the PATH's directories, like `which`, without a shell. */
function findExecutable(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    // An empty or relative entry would resolve against the repository under scan: never run a binary from there.
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return null;
}

/** One word for `sh -c`: single-quoted, with embedded single quotes closed, escaped and reopened. */
function shellQuote(argument: string): string {
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

function withTail(message: string, output: string): string {
  const tail = output.split("\n").slice(-20).join("\n");
  return tail.trim() === "" ? message : `${message}\n${tail}`;
}
