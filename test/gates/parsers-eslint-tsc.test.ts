/*
 * Fixtures under fixtures/gates/ were printed by the real tools in node_modules (ESLint 10.15,
 * TypeScript 6.0.3), with the temporary folder they ran in rewritten to `root` below.
 *
 * eslint/: a folder with `eslint.config.js` = [{ rules: { "no-unused-vars": "warn", "no-undef": "error", eqeqeq: "error" } }]
 *   and src/app.js (an unused const, `==`, an undefined name), src/broken.js (a syntax error), src/clean.js.
 *   errors-warning-fatal.json: `eslint -f json src`; npm-run-lint.txt: stdout of `npm run lint` with "lint": "eslint -f json src".
 * tsc/: a strict project with src/a.ts (`const count: number = "three"`), src/b.ts (two property type errors) and
 *   src/c.ts (a nested object assigned to an interface, which gives a three-line message).
 *   plain.txt: `tsc --noEmit --pretty false -p .`; pretty.txt: `tsc --noEmit --pretty true -p .` (with its colour codes);
 *   unknown-option.txt: `tsc --noEmit --pretty false --strictt x.ts`.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ReportFormatError } from "../../src/gates/finding.js";
import { parseEslint } from "../../src/gates/parsers/eslint.js";
import { parseTsc } from "../../src/gates/parsers/tsc.js";

const root = "/home/runner/work/calculator/calculator";
const fixture = (path: string): string => readFileSync(new URL(`../../fixtures/gates/${path}`, import.meta.url), "utf8");

describe("parseEslint", () => {
  const expected = [
    { gate: "", severity: "warning", path: "src/app.js", line: 1, rule: "no-unused-vars", message: "'unused' is assigned a value but never used." },
    { gate: "", severity: "error", path: "src/app.js", line: 3, rule: "eqeqeq", message: "Expected '===' and instead saw '=='." },
    { gate: "", severity: "error", path: "src/app.js", line: 3, rule: "no-undef", message: "'missing' is not defined." },
    { gate: "", severity: "error", path: "src/broken.js", line: 2, rule: null, message: "Parsing error: Unexpected keyword 'return'" },
  ];

  it("reports severity 2 as errors, 1 as warnings and a fatal parse error as an error with no rule, with repository paths", () => {
    expect(parseEslint(fixture("eslint/errors-warning-fatal.json"), { root })).toEqual(expected);
  });

  it("reads the report behind the banner `npm run lint` prints", () => {
    expect(parseEslint(fixture("eslint/npm-run-lint.txt"), { root, exitCode: 1 })).toEqual(expected);
  });

  it("reads an empty array as no findings", () => {
    expect(parseEslint("[]\n", { root })).toEqual([]);
  });

  it("turns Windows paths into repository paths with forward slashes", () => {
    const report = JSON.stringify([{ filePath: "D:\\a\\app\\app\\src\\index.ts", messages: [{ ruleId: "no-console", severity: 1, message: "Unexpected console statement.", line: 4, column: 3 }] }]);
    expect(parseEslint(report, { root: "D:\\a\\app\\app" })).toEqual([{ gate: "", severity: "warning", path: "src/index.ts", line: 4, rule: "no-console", message: "Unexpected console statement." }]);
  });

  it("keeps a message about the whole file, which has no line", () => {
    const report = JSON.stringify([{ filePath: `${root}/dist/app.js`, messages: [{ ruleId: null, severity: 1, message: 'File ignored because of a matching ignore pattern. Use "--no-ignore" to override.' }] }]);
    expect(parseEslint(report, { root })).toEqual([expect.objectContaining({ severity: "warning", path: "dist/app.js", line: null, rule: null })]);
  });

  it("rejects output that is not JSON, saying what it expected", () => {
    expect(() => parseEslint("Oops! Something went wrong! :(\n\nESLint: 10.15.0\n", { root, exitCode: 2 })).toThrow(ReportFormatError);
    expect(() => parseEslint("{not json", { root })).toThrow(/not JSON; expected the array `eslint -f json` prints/);
  });

  it("rejects empty output rather than reading it as a clean run", () => {
    expect(() => parseEslint("", { root, exitCode: 0 })).toThrow(/ESLint printed nothing/);
    expect(() => parseEslint("\n> lint\n> eslint -f json .\n\n", { root })).toThrow(/ESLint printed nothing/);
  });

  it("rejects JSON of another shape, naming where it differs", () => {
    expect(() => parseEslint(JSON.stringify({ results: [] }), { root })).toThrow(ReportFormatError);
    const stylishAsJson = JSON.stringify([{ filePath: "src/a.js", messages: [{ ruleId: "semi", severity: "error", message: "Missing semicolon." }] }]);
    expect(() => parseEslint(stylishAsJson, { root })).toThrow(/0\.messages\.0\.severity/);
  });

  it("does not skip noise before the JSON other than npm's banner", () => {
    const noisy = `(node:1234) ExperimentalWarning: something\n${fixture("eslint/errors-warning-fatal.json")}`;
    expect(() => parseEslint(noisy, { root })).toThrow(ReportFormatError);
  });
});

describe("parseTsc", () => {
  const expected = [
    { gate: "", severity: "error", path: "src/a.ts", line: 1, rule: "TS2322", message: "Type 'string' is not assignable to type 'number'." },
    { gate: "", severity: "error", path: "src/b.ts", line: 2, rule: "TS2322", message: "Type 'string' is not assignable to type 'number'." },
    { gate: "", severity: "error", path: "src/b.ts", line: 6, rule: "TS2322", message: "Type 'string' is not assignable to type 'number'." },
    {
      gate: "",
      severity: "error",
      path: "src/c.ts",
      line: 3,
      rule: "TS2322",
      message: [
        "Type '{ server: { port: string; host: string; }; }' is not assignable to type 'Config'.",
        "  The types of 'server.port' are incompatible between these types.",
        "    Type 'string' is not assignable to type 'number'.",
      ].join("\n"),
    },
  ];

  it("reads `--pretty false` output, appending indented continuation lines to the message they follow", () => {
    expect(parseTsc(fixture("tsc/plain.txt"), { root, exitCode: 2 })).toEqual(expected);
  });

  it("reads `--pretty` output the same, without colour codes, code frames, related locations or the summary", () => {
    expect(parseTsc(fixture("tsc/pretty.txt"), { root, exitCode: 2 })).toEqual(expected);
  });

  it("reports an error about the configuration with no file", () => {
    expect(parseTsc(fixture("tsc/unknown-option.txt"), { root, exitCode: 1 })).toEqual([
      { gate: "", severity: "error", path: null, line: null, rule: "TS5025", message: "Unknown compiler option '--strictt'. Did you mean 'strict'?" },
    ]);
  });

  it("turns absolute and Windows paths into repository paths", () => {
    const output = [
      "C:\\work\\app\\src\\server.ts(12,5): error TS2304: Cannot find name 'request'.",
      "C:\\work\\app\\src\\db.ts:40:1 - error TS7006: Parameter 'row' implicitly has an 'any' type.",
    ].join("\r\n");
    expect(parseTsc(output, { root: "C:\\work\\app", exitCode: 2 }).map((finding) => [finding.path, finding.line, finding.rule])).toEqual([
      ["src/server.ts", 12, "TS2304"],
      ["src/db.ts", 40, "TS7006"],
    ]);
  });

  it("ignores npm's banner and reads nothing from a clean run", () => {
    expect(parseTsc("\n> calculator@1.0.0 typecheck\n> tsc --noEmit --pretty false\n\n", { root, exitCode: 0 })).toEqual([]);
  });

  it("fails with the start of the output when tsc exits non-zero without a diagnostic it can read", () => {
    const crash = ["/repo/node_modules/typescript/lib/tsc.js:120", "      throw e;", "      ^", "", "RangeError: Maximum call stack size exceeded"].join("\n");
    const findings = parseTsc(crash, { root, exitCode: 1 });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", path: null, line: null, rule: null });
    expect(findings[0]?.message).toBe(`tsc exited with code 1 and printed no diagnostics it could read:\n${crash}`);
  });
});
