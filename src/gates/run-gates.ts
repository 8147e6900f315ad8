import { existsSync, readFileSync, rmSync } from "node:fs";
import { resolve, sep } from "node:path";
import type { GateFormat, GatePolicy, GateSpec } from "./gate-config.js";
import type { Finding } from "./finding.js";
import { ReportFormatError } from "./finding.js";
import type { GateReport } from "./gate-report.js";
import { findCheating } from "./no-cheating.js";
import { parsers } from "./parsers/index.js";
import { runCommand } from "./run-command.js";
import { runSemgrepGate } from "./semgrep-gate.js";
import type { DiffFile } from "./unified-diff.js";
import { addedLinesOf, parseUnifiedDiff } from "./unified-diff.js";

/** A finding as the report carries it: which gate, whether the change touched its line, whether it fails. */
export type GateFinding = GateReport["findings"][number];

export interface GateOutcome {
  readonly name: string;
  readonly format: GateFormat | "no-cheating" | "coverage";
  readonly required: boolean;
  readonly conclusion: "success" | "failure" | "neutral";
  readonly exitCode: number | null;
  readonly durationMs: number;
  readonly findings: readonly GateFinding[];
  /** Why the gate failed without findings of its own (a report it could not read, a timeout). */
  readonly problem: string | null;
}

export interface GatesResult {
  readonly conclusion: "success" | "failure" | "neutral";
  readonly gates: readonly GateOutcome[];
  readonly findings: readonly GateFinding[];
}

/** The lines the change added or modified, by path; null when every line counts (not diff-aware, or no diff). */
export interface ChangedLines {
  has(path: string | null, line: number | null): boolean;
}

export function changedLinesOf(files: readonly DiffFile[]): ChangedLines {
  const lines = new Map<string, Set<number>>();
  for (const file of files) {
    if (file.newPath === null || file.deleted) continue;
    lines.set(file.newPath, new Set(addedLinesOf(file).map((l) => l.line)));
  }
  return {
    // A finding without a line counts as new when its file changed; one without a file always does.
    has: (path, line) => (path === null ? true : line === null ? lines.has(path) : (lines.get(path)?.has(line) ?? false)),
  };
}

function fails(finding: Finding, isNew: boolean, spec: { allowWarnings: boolean }, policy: GatePolicy): boolean {
  if (finding.severity === "note") return false;
  if (finding.severity === "warning" && (policy.fail_on === "error" || spec.allowWarnings)) return false;
  return isNew || !policy.diff_only;
}

function judge(findings: readonly Finding[], gate: string, changed: ChangedLines | null, spec: { allowWarnings: boolean }, policy: GatePolicy): GateFinding[] {
  return findings.map((f) => {
    // A failing test is a result of this change's run wherever its file is: it never counts as old.
    const isNew = changed === null || (f.test !== undefined && f.severity === "error") ? true : changed.has(f.path, f.line);
    // A failing test's finding names the test in its message too: the message is what most readers see.
    const message = f.test !== undefined && !f.message.includes(f.test) ? `${f.test}: ${f.message}` : f.message;
    return { gate, severity: f.severity, path: f.path, line: f.line, message, rule: f.rule, ...(f.test === undefined ? {} : { test: f.test }), new: isNew, failing: fails(f, isNew, spec, policy) };
  });
}

function conclusionOf(findings: readonly GateFinding[], problem: string | null, required: boolean): GateOutcome["conclusion"] {
  if (problem === null && !findings.some((f) => f.failing)) return "success";
  return required ? "failure" : "neutral";
}

/** A report file must stay inside the repository: a config cannot make the gate read elsewhere. */
function reportPath(cwd: string, report: string): string {
  const root = resolve(cwd);
  const path = resolve(root, report);
  if (path !== root && !path.startsWith(root + sep)) throw new ReportFormatError(`the report path ${report} is outside the repository`);
  return path;
}

async function runGate(spec: GateSpec, options: { cwd: string; changed: ChangedLines | null; policy: GatePolicy }): Promise<GateOutcome> {
  // A report left by an earlier run (or committed) must not stand in for one this run did not write.
  if (spec.report !== undefined) {
    try {
      rmSync(reportPath(options.cwd, spec.report), { force: true });
    } catch (error) {
      if (!(error instanceof ReportFormatError)) throw error;
    }
  }
  const result = await runCommand(spec.run, { cwd: options.cwd, timeoutMs: spec.timeout_minutes * 60_000 });
  const base = { name: spec.name, format: spec.format, required: spec.required, exitCode: result.exitCode, durationMs: result.durationMs };
  if (result.timedOut) {
    return { ...base, conclusion: spec.required ? "failure" : "neutral", findings: [], problem: `\`${spec.run}\` did not finish within ${spec.timeout_minutes} minutes and was stopped` };
  }
  let raw: Finding[];
  try {
    let input = spec.format === "exit-code" ? result.output : result.stdout;
    if (spec.report !== undefined) {
      const path = reportPath(options.cwd, spec.report);
      if (!existsSync(path)) throw new ReportFormatError(`\`${spec.run}\` exited with code ${result.exitCode} and wrote no ${spec.report}`);
      input = readFileSync(path, "utf8");
    }
    raw = parsers[spec.format](input, { root: resolve(options.cwd), exitCode: result.exitCode, command: spec.run, output: result.output });
  } catch (error) {
    if (!(error instanceof ReportFormatError)) throw error;
    const tailLines = result.output.split("\n").slice(-20).join("\n");
    return { ...base, conclusion: spec.required ? "failure" : "neutral", findings: [], problem: `${error.message}${tailLines.trim() ? `\n${tailLines}` : ""}` };
  }
  // A tool that failed but reported nothing readable fails the gate all the same: never a silent pass.
  const findings = judge(raw, spec.name, options.changed, { allowWarnings: spec.allow_warnings }, options.policy);
  const problem = result.exitCode !== 0 && raw.length === 0 ? `\`${spec.run}\` exited with code ${result.exitCode} and reported no findings` : null;
  return { ...base, conclusion: conclusionOf(findings, problem, spec.required), findings, problem };
}

function coverageGate(cwd: string, coverage: NonNullable<GatePolicy["coverage"]>): GateOutcome {
  const base = { name: "coverage", format: "coverage" as const, required: true, exitCode: null, durationMs: 0 };
  let pct: number | undefined;
  try {
    const summary = JSON.parse(readFileSync(reportPath(cwd, coverage.summary), "utf8")) as { total?: { lines?: { pct?: unknown } } };
    pct = typeof summary.total?.lines?.pct === "number" ? summary.total.lines.pct : undefined;
  } catch (error) {
    return { ...base, conclusion: "failure", findings: [], problem: `could not read the coverage summary ${coverage.summary}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (pct === undefined) return { ...base, conclusion: "failure", findings: [], problem: `${coverage.summary} has no total.lines.pct (expected Istanbul's json-summary)` };
  const failing = pct < coverage.lines;
  const finding: GateFinding = { gate: "coverage", severity: failing ? "error" : "note", path: null, line: null, message: `line coverage ${pct}% (floor ${coverage.lines}%)`, rule: null, new: true, failing };
  return { ...base, conclusion: failing ? "failure" : "success", findings: [finding], problem: null };
}

/**
 * Runs every gate in `cwd` one after another, then the no-cheating check on the diff and the
 * coverage floor. `diff` is `git diff BASE` (plain, no colour); without it every line counts.
 */
export async function runGates(options: { cwd: string; gates: readonly GateSpec[]; policy: GatePolicy; diff: string | null; env?: NodeJS.ProcessEnv }): Promise<GatesResult> {
  const files = options.diff === null ? null : parseUnifiedDiff(options.diff);
  const changed = files === null || !options.policy.diff_only ? null : changedLinesOf(files);
  const outcomes: GateOutcome[] = [];
  for (const spec of options.gates) outcomes.push(await runGate(spec, { cwd: options.cwd, changed, policy: options.policy }));
  // Semgrep scans the files the change touched (the whole repository when there is no diff).
  const changedFiles = files === null ? null : files.flatMap((f) => (f.newPath !== null && !f.deleted ? [f.newPath] : []));
  const semgrep = await runSemgrepGate({
    cwd: options.cwd,
    policy: options.policy,
    changedFiles,
    judge: (findings) => judge(findings, "semgrep", changed, { allowWarnings: false }, options.policy),
    ...(options.env ? { env: options.env } : {}),
  });
  if (semgrep) outcomes.push(semgrep);
  if (options.policy.no_cheating && options.diff !== null) {
    const findings = findCheating(options.diff).map((f): GateFinding => ({ gate: "no-cheating", severity: f.severity, path: f.path, line: f.line, message: f.message, rule: f.rule, new: true, failing: true }));
    outcomes.push({ name: "no-cheating", format: "no-cheating", required: true, exitCode: null, durationMs: 0, conclusion: findings.length > 0 ? "failure" : "success", findings, problem: null });
  }
  if (options.policy.coverage) outcomes.push(coverageGate(options.cwd, options.policy.coverage));
  const conclusion = outcomes.some((g) => g.conclusion === "failure") ? "failure" : outcomes.some((g) => g.conclusion === "neutral") ? "neutral" : "success";
  return { conclusion, gates: outcomes, findings: outcomes.flatMap((g) => g.findings) };
}
