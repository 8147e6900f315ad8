import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../src/gates/finding.js";
import type { GatePolicy } from "../../src/gates/gate-config.js";
import { gatePolicySchema } from "../../src/gates/gate-config.js";
import type { GateFinding } from "../../src/gates/run-gates.js";
import { runSemgrepGate, semgrepNotInstalledSkipped } from "../../src/gates/semgrep-gate.js";

const standIn = new URL("../../fixtures/gates/semgrep-standin/semgrep", import.meta.url);
const scanJson = new URL("../../fixtures/gates/semgrep/scan.json", import.meta.url);
const brokenRuleJson = new URL("../../fixtures/gates/semgrep/broken-rule.json", import.meta.url);
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "orchestrator-semgrep-"));
  dirs.push(dir);
  return dir;
}

/** A repository holding `files`, and a PATH whose first directory has the stand-in `semgrep` printing `output` and exiting with `exitCode`. */
function setup(options: { files: readonly string[]; output: string; exitCode?: number; installed?: boolean }): { cwd: string; env: NodeJS.ProcessEnv; argv: () => string[] | null } {
  const cwd = tempDir();
  for (const file of options.files) {
    mkdirSync(dirname(join(cwd, file)), { recursive: true });
    writeFileSync(join(cwd, file), "// scanned\n");
  }
  const bin = tempDir();
  if (options.installed !== false) {
    // Copied and made executable here: the checkout may not keep the fixture's executable bit.
    copyFileSync(standIn, join(bin, "semgrep"));
    chmodSync(join(bin, "semgrep"), 0o755);
  }
  const record = join(tempDir(), "argv");
  const outputFile = join(bin, "output.json");
  writeFileSync(outputFile, options.output);
  // Not installed: PATH holds only a directory without Semgrep.
  const path = options.installed === false ? bin : `${bin}${delimiter}${process.env.PATH ?? ""}`;
  const env = { ...process.env, PATH: path, SEMGREP_STANDIN_ARGS: record, SEMGREP_STANDIN_OUTPUT: outputFile, SEMGREP_STANDIN_EXIT: String(options.exitCode ?? 0) };
  return { cwd, env, argv: () => (existsSync(record) ? readFileSync(record, "utf8").split("\0").slice(0, -1) : null) };
}

/** Judges as the gate runner does for a diff-aware gate: a finding on one of `changed` ("path:line") is new, and fails unless it is a note. */
function judgeChanged(changed: readonly string[]): (findings: Finding[]) => GateFinding[] {
  return (findings) =>
    findings.map((f) => {
      const isNew = changed.includes(`${f.path}:${f.line}`);
      return { gate: "semgrep", severity: f.severity, path: f.path, line: f.line, message: f.message, rule: f.rule, new: isNew, failing: isNew && f.severity !== "note" };
    });
}

const policy = (over: Partial<GatePolicy> = {}): GatePolicy => ({ ...gatePolicySchema.parse(undefined), ...over });
const scanned = ["src/rules/eval.js", "src/routes/orders.js", "src/cart.js"];

describe("runSemgrepGate with a stand-in semgrep on PATH", () => {
  it("fails on a finding on a changed line, and reports the ones on unchanged lines without failing", async () => {
    const { cwd, env } = setup({ files: scanned, output: readFileSync(scanJson, "utf8") });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: scanned, judge: judgeChanged(["src/rules/eval.js:9"]) });
    expect(outcome).toMatchObject({ name: "semgrep", format: "semgrep", required: true, conclusion: "failure", exitCode: 0, problem: null });
    expect(outcome?.findings.map((f) => [f.path, f.line, f.severity, f.failing])).toEqual([
      ["src/routes/orders.js", 27, "warning", false],
      ["src/rules/eval.js", 9, "error", true],
      ["src/cart.js", 44, "note", false],
    ]);
  });

  it("passes when every finding is on a line the change did not touch", async () => {
    const { cwd, env } = setup({ files: scanned, output: readFileSync(scanJson, "utf8") });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: scanned, judge: judgeChanged(["src/rules/eval.js:1"]) });
    expect(outcome).toMatchObject({ conclusion: "success", required: true, problem: null });
    expect(outcome?.findings).toHaveLength(3);
  });

  it("calls `semgrep scan --json --metrics=off --config <config> -- <the changed files>`, skipping deleted files", async () => {
    const { cwd, env, argv } = setup({ files: scanned, output: readFileSync(scanJson, "utf8") });
    await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: ["src/rules/eval.js", "src/deleted.js", "src/cart.js"], judge: judgeChanged([]) });
    expect(argv()).toEqual(["scan", "--json", "--metrics=off", "--config", "p/default", "--", "src/rules/eval.js", "src/cart.js"]);
  });

  it("passes the configured ruleset, and `.` when the whole repository is scanned", async () => {
    const { cwd, env, argv } = setup({ files: scanned, output: readFileSync(scanJson, "utf8") });
    await runSemgrepGate({ cwd, env, policy: policy({ semgrep_config: ".semgrep/rules.yml" }), changedFiles: null, judge: judgeChanged([]) });
    expect(argv()).toEqual(["scan", "--json", "--metrics=off", "--config", ".semgrep/rules.yml", "--", "."]);
  });

  it("passes a file name with a space, quotes and shell syntax as one argument, running nothing in it", async () => {
    const hostile = ["src/it's a \"file\".js", "src/$(touch pwned).js", "-rf"];
    const { cwd, env, argv } = setup({ files: hostile, output: '{"results": [], "errors": []}' });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: hostile, judge: judgeChanged([]) });
    expect(outcome?.conclusion).toBe("success");
    expect(argv()?.slice(5)).toEqual(["--", ...hostile]);
    expect(existsSync(join(cwd, "pwned"))).toBe(false);
  });

  it("scans the whole repository when the changed files are too many to list on one command line", async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => `src/generated/a-rather-long-directory-name/module-${String(i).padStart(4, "0")}.js`);
    const { cwd, env, argv } = setup({ files: many, output: readFileSync(scanJson, "utf8") });

    const outcome = await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: many, judge: judgeChanged(["src/rules/eval.js:9"]) });

    expect(argv()).toEqual(["scan", "--json", "--metrics=off", "--config", "p/default", "--", "."]);
    // The judge still decides: only a finding on a changed line fails.
    expect(outcome).toMatchObject({ conclusion: "failure", problem: null });
    expect(outcome?.findings.filter((f) => f.failing).map((f) => f.path)).toEqual(["src/rules/eval.js"]);
  });

  it("succeeds without running Semgrep when no file changed", async () => {
    const { cwd, env, argv } = setup({ files: [], output: "" });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: [], judge: judgeChanged([]) });
    expect(outcome).toMatchObject({ conclusion: "success", findings: [], problem: null, exitCode: null });
    expect(argv()).toBeNull();
  });

  it("fails quoting the output when Semgrep exits with code 2 and prints no JSON", async () => {
    const { cwd, env } = setup({ files: scanned, output: "[ERROR] Failed to download config from p/default: connection refused\n", exitCode: 2 });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: scanned, judge: judgeChanged([]) });
    expect(outcome).toMatchObject({ conclusion: "failure", required: true, exitCode: 2, findings: [] });
    expect(outcome?.problem).toContain("Semgrep exited with code 2");
    expect(outcome?.problem).toContain("Failed to download config from p/default: connection refused");
  });

  it("fails a scan that broke even when its errors lie outside the change", async () => {
    const { cwd, env } = setup({ files: scanned, output: readFileSync(brokenRuleJson, "utf8"), exitCode: 7 });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy(), changedFiles: scanned, judge: judgeChanged([]) });
    expect(outcome).toMatchObject({ conclusion: "failure", exitCode: 7 });
    expect(outcome?.findings.map((f) => f.message)).toContain("semgrep Timeout: Timeout when running javascript.express.security.audit.xss.direct-response-write.direct-response-write on src/vendor/bundle.js:");
    expect(outcome?.problem).toContain("Semgrep exited with code 7");
  });

  it("is a failing gate under `auto` once Semgrep ran and found a problem", async () => {
    const { cwd, env } = setup({ files: scanned, output: readFileSync(scanJson, "utf8") });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy({ semgrep: "auto" }), changedFiles: scanned, judge: judgeChanged(["src/routes/orders.js:27"]) });
    expect(outcome).toMatchObject({ required: true, conclusion: "failure" });
  });
});

describe("runSemgrepGate without Semgrep", () => {
  it("is neutral under `auto`, saying it skipped", async () => {
    const { cwd, env, argv } = setup({ files: scanned, output: "", installed: false });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy({ semgrep: "auto" }), changedFiles: scanned, judge: judgeChanged([]) });
    expect(outcome).toEqual({ name: "semgrep", format: "semgrep", required: false, conclusion: "neutral", exitCode: null, durationMs: 0, findings: [], problem: semgrepNotInstalledSkipped });
    expect(outcome?.problem).toBe("Semgrep is not installed; skipped (install it or set semgrep: required)");
    expect(argv()).toBeNull();
  });

  it("fails under `required`, saying how to install it or skip it", async () => {
    const { cwd, env } = setup({ files: scanned, output: "", installed: false });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy({ semgrep: "required" }), changedFiles: scanned, judge: judgeChanged([]) });
    expect(outcome).toMatchObject({ required: true, conclusion: "failure", findings: [] });
    expect(outcome?.problem).toContain("pipx install semgrep");
    expect(outcome?.problem).toContain("pip install semgrep");
    expect(outcome?.problem).toContain("semgrep: auto");
  });

  it("ignores a `semgrep` that is not executable", async () => {
    const { cwd, env } = setup({ files: scanned, output: "", installed: false });
    const bin = (env.PATH ?? "").split(delimiter)[0] ?? "";
    writeFileSync(join(bin, "semgrep"), "#!/bin/sh\nexit 0\n", { mode: 0o644 });
    const outcome = await runSemgrepGate({ cwd, env, policy: policy({ semgrep: "auto" }), changedFiles: scanned, judge: judgeChanged([]) });
    expect(outcome?.conclusion).toBe("neutral");
  });
});

describe("runSemgrepGate turned off", () => {
  it("is no gate at all, and does not run Semgrep even when it is installed", async () => {
    const { cwd, env, argv } = setup({ files: scanned, output: readFileSync(scanJson, "utf8") });
    expect(await runSemgrepGate({ cwd, env, policy: policy({ semgrep: "off" }), changedFiles: scanned, judge: judgeChanged(["src/rules/eval.js:9"]) })).toBeNull();
    expect(argv()).toBeNull();
  });
});
