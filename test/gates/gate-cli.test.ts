import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const bin = resolve("bin/orchestrator.js");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function gate(dir: string, ...args: string[]): { status: number | null; last: Record<string, unknown> } {
  const result = spawnSync(process.execPath, [bin, "gate", "--cwd", dir, ...args], { encoding: "utf8", env });
  const lines = result.stdout.trim().split("\n");
  return { status: result.status, last: JSON.parse(lines.at(-1) ?? "{}") as Record<string, unknown> };
}

describe("orchestrator gate --json", () => {
  it("reports failure naming the failing node:test test a change adds, and success once it is removed", () => {
    const dir = mkdtempSync(join(tmpdir(), "orchestrator-gate-cli-"));
    dirs.push(dir);
    const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
    write(dir, {
      "package.json": '{ "type": "module" }\n',
      ".github/orchestrator.yml": "gates:\n  - name: tests\n    run: node --test --test-reporter=tap\n    format: tap\ngate:\n  semgrep: off\n",
      "test/add.test.js": 'import { it } from "node:test";\nimport assert from "node:assert/strict";\nit("adds", () => assert.equal(1 + 1, 2));\n',
    });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    write(dir, { "test/subtract.test.js": 'import { describe, it } from "node:test";\nimport assert from "node:assert/strict";\ndescribe("subtract", () => {\n  it("subtracts", () => assert.equal(5 + 3, 2));\n});\n' });

    const red = gate(dir, "--base", "HEAD", "--json");
    expect(red.status).toBe(1);
    expect(red.last.conclusion).toBe("failure");
    const findings = red.last.findings as { gate: string; severity: string; path: string | null; line: number | null; message: string; new: boolean; failing: boolean }[];
    expect(findings.filter((f) => f.failing).map((f) => [f.gate, f.severity, f.path, f.new])).toEqual([["tests", "error", "test/subtract.test.js", true]]);
    expect(findings.find((f) => f.failing)?.message).toContain("subtract > subtracts");

    rmSync(join(dir, "test/subtract.test.js"));
    const green = gate(dir, "--base", "HEAD", "--json");
    expect(green.status).toBe(0);
    expect(green.last).toMatchObject({ conclusion: "success", findings: [] });
  });

  it("exits 2 with the bad key named when the config is invalid, and when the base ref does not exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "orchestrator-gate-cli-"));
    dirs.push(dir);
    write(dir, { ".github/orchestrator.yml": "gates:\n  - name: lint\n    run: eslint .\n    format: checkstyle\n" });
    const bad = spawnSync(process.execPath, [bin, "gate", "--cwd", dir], { encoding: "utf8", env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("`gates.0.format`");
    write(dir, { ".github/orchestrator.yml": "gate:\n  semgrep: off\n" });
    execFileSync("git", ["init", "-q"], { cwd: dir, env });
    const noRef = spawnSync(process.execPath, [bin, "gate", "--cwd", dir, "--base", "no-such-ref"], { encoding: "utf8", env });
    expect(noRef.status).toBe(2);
    expect(noRef.stderr).toContain("git diff no-such-ref failed");
  });
});
