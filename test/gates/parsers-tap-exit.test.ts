/*
 * fixtures/gates/tap/node-test.tap is what `node --test --test-reporter=tap test/` (Node 20.20) printed for
 * test/math.test.js below, run in a temporary folder rewritten to `root`:
 *
 *   test("adds two numbers", () => assert.equal(1 + 1, 2));
 *   describe("parser", () => {
 *     describe("numbers", () => {
 *       it("reads an integer", () => assert.equal(Number("42"), 42));
 *       it("reads a negative number", () => assert.equal(Number("-7"), 7));   // line 13
 *     });
 *     it("rejects garbage", () => { throw new Error("garbage was accepted"); }); // line 17
 *   });
 *   test("uploads to the cloud", { skip: "needs network" }, () => {});
 *   test("handles unicode", { todo: "not written yet" }, () => {});
 *
 * The other TAP below is written by hand in the forms tape and node-tap print.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ReportFormatError } from "../../src/gates/finding.js";
import { parseExitCode } from "../../src/gates/parsers/exit-code.js";
import { parseTap } from "../../src/gates/parsers/tap.js";

const root = "/home/runner/work/calculator/calculator";
const nodeTestTap = readFileSync(new URL("../../fixtures/gates/tap/node-test.tap", import.meta.url), "utf8");

describe("parseTap", () => {
  it("reads node:test's TAP: nested failures with full names, messages and locations; skips and todos as notes; parents not counted again", () => {
    expect(parseTap(nodeTestTap, { root, exitCode: 1 })).toEqual([
      {
        gate: "",
        severity: "error",
        path: "test/math.test.js",
        line: 13,
        rule: null,
        test: "parser > numbers > reads a negative number",
        message: "Expected values to be strictly equal:\n\n-7 !== 7\nexpected: 7\nactual: -7",
      },
      { gate: "", severity: "error", path: "test/math.test.js", line: 17, rule: null, test: "parser > rejects garbage", message: "garbage was accepted" },
      { gate: "", severity: "note", path: null, line: null, rule: null, test: "uploads to the cloud", message: "skipped: needs network" },
      { gate: "", severity: "note", path: null, line: null, rule: null, test: "handles unicode", message: "todo: not written yet" },
    ]);
  });

  it("reads a passing run as no findings", () => {
    const passing = ["TAP version 13", "# Subtest: adds", "ok 1 - adds", "  ---", "  duration_ms: 1.2", "  ...", "1..1", "# pass 1", "# fail 0"].join("\n");
    expect(parseTap(passing, { root, exitCode: 0 })).toEqual([]);
  });

  it("names subtests from their parents' test points when there are no `# Subtest:` lines (TAP 14)", () => {
    const tap = [
      "TAP version 14",
      "    not ok 1 - rounds down",
      "      ---",
      "      message: should be equal",
      "      found: 2",
      "      wanted: 1",
      "      at:",
      "        line: 8",
      "        column: 5",
      "        file: test/round.js",
      "      ...",
      "    1..1",
      "not ok 1 - round # time=12ms",
      "1..1",
    ].join("\n");
    expect(parseTap(tap, { root, exitCode: 1 })).toEqual([
      { gate: "", severity: "error", path: "test/round.js", line: 8, rule: null, test: "round > rounds down", message: "should be equal\nexpected: 1\nactual: 2" },
    ]);
  });

  it("reads tape's `at:` stack line and uses the assertion's name when there is no message", () => {
    const tap = [
      "TAP version 13",
      "# sums",
      "not ok 1 should be strictly equal",
      "  ---",
      "    operator: equal",
      "    expected: 3",
      "    actual:   4",
      `    at: Test.<anonymous> (file://${root}/test/sum.js:7:5)`,
      "  ...",
      "ok 2 # SKIP",
      "",
      "1..2",
    ].join("\n");
    expect(parseTap(tap, { root, exitCode: 1 })).toEqual([
      { gate: "", severity: "error", path: "test/sum.js", line: 7, rule: null, test: "should be strictly equal", message: "should be strictly equal" },
      { gate: "", severity: "note", path: null, line: null, rule: null, test: "test 2", message: "skipped" },
    ]);
  });

  it("reads a Windows location as a repository path", () => {
    const tap = ["TAP version 13", "not ok 1 - parses", "  ---", "  location: 'D:\\a\\app\\app\\test\\parse.test.js:21:3'", "  error: 'boom'", "  ...", "1..1"].join("\n");
    expect(parseTap(tap, { root: "D:\\a\\app\\app", exitCode: 1 })).toEqual([
      { gate: "", severity: "error", path: "test/parse.test.js", line: 21, rule: null, test: "parses", message: "boom" },
    ]);
  });

  it("does not count a failing test marked TODO as a failure, and reads an escaped `#` as part of the name", () => {
    const tap = ["TAP version 13", "not ok 1 - handles leap years # TODO calendar rewrite", "ok 2 - reads issue \\#12 # skip flaky", "1..2"].join("\n");
    expect(parseTap(tap, { root, exitCode: 0 })).toEqual([
      { gate: "", severity: "note", path: null, line: null, rule: null, test: "handles leap years", message: "todo: calendar rewrite" },
      { gate: "", severity: "note", path: null, line: null, rule: null, test: "reads issue #12", message: "skipped: flaky" },
    ]);
  });

  it("reports a bail out as an error", () => {
    const tap = ["TAP version 13", "ok 1 - connects", "Bail out! database is not running"].join("\n");
    expect(parseTap(tap, { root, exitCode: 1 })).toEqual([{ gate: "", severity: "error", path: null, line: null, rule: null, message: "The test run bailed out: database is not running" }]);
  });

  it("fails when the run stops before the tests its plan announced", () => {
    const tap = ["TAP version 13", "1..3", "ok 1 - first"].join("\n");
    expect(parseTap(tap, { root, exitCode: 0 })).toEqual([expect.objectContaining({ severity: "error", message: expect.stringMatching(/^The TAP plan announced 3 tests but only 1 reported a result:/) as unknown })]);
  });

  it("fails when the command exits non-zero although no test failed", () => {
    const tap = `${["TAP version 13", "ok 1 - adds", "1..1"].join("\n")}\nError: Cannot find module './setup.js'`;
    const findings = parseTap(tap, { root, exitCode: 1 });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/^The test command exited with code 1 but its TAP reports no failing test:\n[\s\S]*Cannot find module/);
  });

  it("turns output that is not TAP into one error when the command failed", () => {
    const garbage = "node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module '/repo/test'";
    expect(parseTap(garbage, { root, exitCode: 1 })).toEqual([
      { gate: "", severity: "error", path: null, line: null, rule: null, message: `The test command exited with code 1 and its output could not be read as TAP:\n${garbage}` },
    ]);
  });

  it("rejects output that is not TAP even when the command exited 0", () => {
    expect(() => parseTap("All tests passed!\n", { root, exitCode: 0 })).toThrow(ReportFormatError);
  });
});

describe("parseExitCode", () => {
  it("passes when the command exits 0", () => {
    expect(parseExitCode("built in 3s\n", { root, exitCode: 0, command: "npm run build" })).toEqual([]);
  });

  it("reports one error naming the command and its exit code, with the last 20 lines of output", () => {
    const output = Array.from({ length: 30 }, (_, index) => `line ${index + 1}`).join("\n");
    const [finding, ...rest] = parseExitCode(`\u001b[31m${output}\u001b[0m\n`, { root, exitCode: 2, command: "npm run build" });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ gate: "", severity: "error", path: null, line: null, rule: null });
    const lines = finding?.message.split("\n") ?? [];
    expect(lines[0]).toBe("`npm run build` exited with code 2:");
    expect(lines[1]).toBe("… (10 earlier lines)");
    expect(lines.slice(2)).toEqual(Array.from({ length: 20 }, (_, index) => `line ${index + 11}`));
  });

  it("says so when the failing command printed nothing", () => {
    expect(parseExitCode("", { root, exitCode: 137 })).toEqual([{ gate: "", severity: "error", path: null, line: null, rule: null, message: "The command exited with code 137 (no output)." }]);
  });

  it("refuses to judge without an exit code", () => {
    expect(() => parseExitCode("done", { root })).toThrow(ReportFormatError);
  });
});
