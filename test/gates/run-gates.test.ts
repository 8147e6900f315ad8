import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { GatePolicy, GateSpec } from "../../src/gates/gate-config.js";
import { gatePolicySchema, gateSpecSchema } from "../../src/gates/gate-config.js";
import { runGates } from "../../src/gates/run-gates.js";
import { tempRepo } from "../support/git-repo.js";

const eslintBin = resolve("node_modules/eslint/bin/eslint.js");
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repoWith(base: Record<string, string>, change: Record<string, string | null>): { dir: string; diff: string } {
  const repo = tempRepo(base, change);
  dirs.push(repo.dir);
  return repo;
}

const policy = (over: Partial<GatePolicy> = {}): GatePolicy => ({ ...gatePolicySchema.parse(undefined), semgrep: "off", ...over });
const gate = (spec: Partial<GateSpec> & Pick<GateSpec, "name" | "run" | "format">): GateSpec => gateSpecSchema.parse(spec);

const eslintConfig = 'export default [{ files: ["**/*.js"], languageOptions: { sourceType: "module" }, rules: { "no-unused-vars": "warn" } }];\n';
const lint = gate({ name: "lint", run: `node ${eslintBin} -f json src`, format: "eslint" });
const tests = gate({ name: "tests", run: "node --test --test-reporter=tap", format: "tap" });

describe("runGates with real ESLint", () => {
  const base = { "eslint.config.js": eslintConfig, "src/a.js": "export const used = 1;\nconst oldUnused = 2;\n" };

  it("fails on a warning the change added, and reports the old one on an unchanged line without failing", async () => {
    const { dir, diff } = repoWith(base, { "src/a.js": "export const used = 1;\nconst oldUnused = 2;\nconst newUnused = 3;\n" });
    const result = await runGates({ cwd: dir, gates: [lint], policy: policy(), diff });
    expect(result.conclusion).toBe("failure");
    const findings = result.findings.filter((f) => f.gate === "lint").map((f) => ({ path: f.path, line: f.line, severity: f.severity, rule: f.rule, new: f.new, failing: f.failing }));
    expect(findings).toEqual([
      { path: "src/a.js", line: 2, severity: "warning", rule: "no-unused-vars", new: false, failing: false },
      { path: "src/a.js", line: 3, severity: "warning", rule: "no-unused-vars", new: true, failing: true },
    ]);
  });

  it("passes when the only warning is on a line the change did not touch, and fails on it when not diff-aware", async () => {
    const { dir, diff } = repoWith(base, { "README.md": "# a\n" });
    expect((await runGates({ cwd: dir, gates: [lint], policy: policy(), diff })).conclusion).toBe("success");
    expect((await runGates({ cwd: dir, gates: [lint], policy: policy({ diff_only: false }), diff })).conclusion).toBe("failure");
    expect((await runGates({ cwd: dir, gates: [lint], policy: policy({ diff_only: false, fail_on: "error" }), diff })).conclusion).toBe("success");
  });
});

describe("runGates with node:test", () => {
  const base = { "package.json": '{ "type": "module" }\n', "test/math.test.js": 'import { it } from "node:test";\nimport assert from "node:assert/strict";\nit("adds", () => assert.equal(1 + 1, 2));\n' };

  it("names the failing test a change adds, and passes once it is removed", async () => {
    const failing = 'import { describe, it } from "node:test";\nimport assert from "node:assert/strict";\ndescribe("subtract", () => {\n  it("subtracts two numbers", () => assert.equal(5 + 3, 2));\n});\n';
    const red = repoWith(base, { "test/subtract.test.js": failing });
    const result = await runGates({ cwd: red.dir, gates: [tests], policy: policy(), diff: red.diff });
    expect(result.conclusion).toBe("failure");
    expect(result.findings.filter((f) => f.failing).map((f) => f.test)).toEqual(["subtract > subtracts two numbers"]);
    const green = repoWith(base, { "test/other.test.js": 'import { it } from "node:test";\nit("passes", () => {});\n' });
    expect((await runGates({ cwd: green.dir, gates: [tests], policy: policy(), diff: green.diff })).conclusion).toBe("success");
  });

  it("fails when the change breaks a test it did not touch: a failing test is never an old finding", async () => {
    const withSource = { ...base, "src/add.js": "export const add = (a, b) => a + b;\n", "test/add.test.js": 'import { it } from "node:test";\nimport assert from "node:assert/strict";\nimport { add } from "../src/add.js";\nit("adds", () => assert.equal(add(1, 2), 3));\n' };
    const { dir, diff } = repoWith(withSource, { "src/add.js": "export const add = (a, b) => a - b;\n" });
    const result = await runGates({ cwd: dir, gates: [tests], policy: policy(), diff });
    expect(result.conclusion).toBe("failure");
    expect(result.findings.filter((f) => f.failing).map((f) => [f.path, f.test])).toEqual([["test/add.test.js", "adds"]]);
  });

  it("fails a change that deletes a test, through the no-cheating check", async () => {
    const { dir, diff } = repoWith(base, { "test/math.test.js": null });
    const result = await runGates({ cwd: dir, gates: [tests], policy: policy(), diff });
    expect(result.conclusion).toBe("failure");
    expect(result.gates.find((g) => g.name === "no-cheating")?.findings.map((f) => f.rule)).toEqual(["deleted-test"]);
  });
});

describe("runGates failures that are not findings", () => {
  it("fails a required gate whose report cannot be read, quoting the output, and reports an optional one as neutral", async () => {
    const { dir, diff } = repoWith({ "a.txt": "a\n" }, { "a.txt": "b\n" });
    const broken = gate({ name: "lint", run: "echo 'not json at all'; exit 1", format: "eslint" });
    const required = await runGates({ cwd: dir, gates: [broken], policy: policy(), diff });
    expect(required.conclusion).toBe("failure");
    expect(required.gates[0]?.problem).toContain("not json at all");
    const optional = await runGates({ cwd: dir, gates: [{ ...broken, required: false }], policy: policy(), diff });
    expect(optional.conclusion).toBe("neutral");
  });

  it("stops a command that runs too long and fails the gate", async () => {
    const { dir, diff } = repoWith({ "a.txt": "a\n" }, { "a.txt": "b\n" });
    const slow = gate({ name: "slow", run: "sleep 30", format: "exit-code", timeout_minutes: 0.005 });
    const result = await runGates({ cwd: dir, gates: [slow], policy: policy(), diff });
    expect(result.conclusion).toBe("failure");
    expect(result.gates[0]?.problem).toMatch(/did not finish within/);
  });

  it("fails below the coverage floor, passes at or above it, and fails when the summary cannot be read", async () => {
    const summary = (pct: number): string => JSON.stringify({ total: { lines: { total: 100, covered: pct, skipped: 0, pct } } });
    const low = repoWith({ "coverage/coverage-summary.json": summary(72.5) }, { "a.txt": "b\n" });
    const floor = policy({ coverage: { summary: "coverage/coverage-summary.json", lines: 80 } });
    const failed = await runGates({ cwd: low.dir, gates: [], policy: floor, diff: low.diff });
    expect(failed.conclusion).toBe("failure");
    expect(failed.findings.map((f) => f.message)).toEqual(["line coverage 72.5% (floor 80%)"]);
    const high = repoWith({ "coverage/coverage-summary.json": summary(80) }, { "a.txt": "b\n" });
    expect((await runGates({ cwd: high.dir, gates: [], policy: floor, diff: high.diff })).conclusion).toBe("success");
    const missing = repoWith({ "a.txt": "a\n" }, { "a.txt": "b\n" });
    const unread = await runGates({ cwd: missing.dir, gates: [], policy: floor, diff: missing.diff });
    expect(unread.conclusion).toBe("failure");
    expect(unread.gates.find((g) => g.name === "coverage")?.problem).toMatch(/could not read the coverage summary coverage\/coverage-summary\.json/);
  });

  it("refuses a report path outside the repository", async () => {
    const { dir, diff } = repoWith({ "a.txt": "a\n" }, { "a.txt": "b\n" });
    const escape = gate({ name: "tests", run: "true", format: "junit", report: "../../etc/passwd" });
    const result = await runGates({ cwd: dir, gates: [escape], policy: policy(), diff });
    expect(result.gates[0]?.problem).toMatch(/outside the repository/);
  });
});
