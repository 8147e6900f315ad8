import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ReportFormatError, type Finding } from "../../src/gates/finding.js";
import { parseJunit } from "../../src/gates/parsers/junit.js";
import { parseSarif } from "../../src/gates/parsers/sarif.js";
import { parseSemgrep } from "../../src/gates/parsers/semgrep.js";

// The fixtures were written on a GitHub runner checking out "shop" (vitest's report has relative paths only).
const root = "/home/runner/work/shop/shop";

function fixture(path: string): string {
  return readFileSync(new URL(`../../fixtures/gates/${path}`, import.meta.url), "utf8");
}

function finding(fields: Partial<Finding> & Pick<Finding, "severity" | "message">): Finding {
  return { gate: "", path: null, line: null, rule: null, ...fields };
}

describe("parseJunit", () => {
  it("reads vitest's report: failures at their line in the test file, the skipped test as a note", () => {
    expect(parseJunit(fixture("junit/vitest.xml"), { root, exitCode: 1 })).toEqual([
      finding({
        severity: "error",
        path: "test/cart.test.ts",
        line: 10,
        message: "expected 0.30000000000000004 to be 0.3 // Object.is equality",
        test: "total > rounds to cents <when> asked & told",
      }),
      finding({ severity: "note", path: "test/cart.test.ts", message: "skipped: no reason given", test: "total > handles currencies" }),
      // The error was thrown in src/cart.ts:6; the finding points at the test's own frame.
      finding({ severity: "error", path: "test/cart.test.ts", line: 20, message: "percent must be >= 0, got -5", test: "discount > rejects a negative percent" }),
    ]);
  });

  it("takes jest-junit's location from the first stack frame in the repository, past node_modules", () => {
    expect(parseJunit(fixture("junit/jest-junit.xml"), { root })).toEqual([
      finding({ severity: "error", path: "src/cart.test.js", line: 11, message: "Error: expect(received).toBe(expected) // Object.is equality", test: "cart rounds to cents" }),
      finding({ severity: "note", message: "skipped: no reason given", test: "cart handles currencies" }),
    ]);
  });

  it("reads pytest's report: `path:line: Error` lines locate failures, errors and skips", () => {
    expect(parseJunit(fixture("junit/pytest.xml"), { root })).toEqual([
      finding({ severity: "error", path: "tests/test_cart.py", line: 9, message: "assert 95.0 == 90.0\n +  where 95.0 = discount(100, 5)", test: "tests.test_cart > test_discount" }),
      finding({ severity: "note", path: "tests/test_cart.py", line: 12, message: "skipped: currencies are not supported yet", test: "tests.test_cart > test_currencies" }),
      finding({
        severity: "error",
        path: "tests/conftest.py",
        line: 7,
        message: 'failed on setup with "ConnectionRefusedError: [Errno 111] Connection refused"',
        test: "tests.test_orders > test_checkout",
      }),
    ]);
  });

  it("reads a bare surefire <testsuite>; a JVM frame names no repository path, so the failure has none", () => {
    expect(parseJunit(fixture("junit/surefire.xml"), { root })).toEqual([
      finding({ severity: "error", message: "expected: <0.3> but was: <0.30000000000000004>", test: "com.example.shop.CartTest > roundsToCents" }),
      finding({ severity: "note", message: "skipped: currencies land in 2.0", test: "com.example.shop.CartTest > handlesCurrencies" }),
    ]);
  });

  it("uses the `file` attribute for the path and that file's frame for the line", () => {
    const xml = `<testsuites><testsuite name="x"><testcase classname="tests/x.test.ts" file="${root}/tests/x.test.ts" name="works">
      <error message="boom">Error: boom
    at helper (${root}/src/helper.ts:3:9)
    at ${root}/tests/x.test.ts:9:5</error></testcase></testsuite></testsuites>`;
    expect(parseJunit(xml, { root })).toEqual([finding({ severity: "error", path: "tests/x.test.ts", line: 9, message: "boom", test: "works" })]);
  });

  it("decodes character references and falls back to the failure's first line for the message", () => {
    const xml = `<testsuite name="s"><testcase classname="Cart" name="caf&#xE9; &#9731;"><failure>
      Expected &#x27;a&#x27;&#10;got b</failure></testcase></testsuite>`;
    expect(parseJunit(xml, { root })).toEqual([finding({ severity: "error", message: "Expected 'a'", test: "Cart > café ☃" })]);
  });

  it("finds nothing in a report whose tests all passed, or that has no tests", () => {
    expect(parseJunit(`<testsuites name="vitest tests" tests="0"></testsuites>`, { root })).toEqual([]);
    expect(parseJunit(`<?xml version="1.0"?><testsuites/>`, { root })).toEqual([]);
    expect(parseJunit(`<testsuite name="s" tests="1"><testcase classname="A" name="b" time="0.1"/></testsuite>`, { root })).toEqual([]);
  });

  it.each([
    ["an empty output", ""],
    ["text that is not XML", "FAIL  test/cart.test.ts > total"],
    ["unclosed elements", `<testsuites><testsuite name="s"><testcase name="t">`],
    ["XML that is not JUnit", `<html><body>report</body></html>`],
  ])("rejects %s with a ReportFormatError", (_what, output) => {
    expect(() => parseJunit(output, { root })).toThrow(ReportFormatError);
  });

  it("does not expand DOCTYPE entities, so an entity bomb stays as small as its text", () => {
    const findings = parseJunit(fixture("junit/entity-bomb.xml"), { root });
    expect(findings).toHaveLength(1);
    expect(JSON.stringify(findings).length).toBeLessThan(2_000);
    expect(findings[0]?.test).toBe("bomb > &d;&d;&d;&d;&d;&d;&d;&d;&d;&d;");
  });
});

describe("parseSarif", () => {
  it("reads CodeQL's log: rules from the query pack, %SRCROOT% resolved, artifact indexes followed, accepted suppressions skipped", () => {
    expect(parseSarif(fixture("sarif/codeql.sarif"), { root })).toEqual([
      finding({ severity: "error", path: "src/db.js", line: 14, message: "This query string depends on a [user-provided value](1).", rule: "js/sql-injection" }),
      finding({ severity: "note", path: "src/routes/orders.js", line: 22, message: "Unused variable total.", rule: "js/unused-local-variable" }),
    ]);
  });

  it("reads ESLint's SARIF: file:// URIs made relative and decoded, in-source suppressions skipped, parse errors without a rule", () => {
    expect(parseSarif(fixture("sarif/eslint.sarif"), { root })).toEqual([
      finding({ severity: "error", path: "src/cart.js", line: 3, message: "'discountRate' is assigned a value but never used.", rule: "no-unused-vars" }),
      finding({ severity: "warning", path: "src/legacy checkout.js", line: 12, message: "Expected '===' and instead saw '=='.", rule: "eqeqeq" }),
      finding({ severity: "error", path: "src/cart.js", line: 41, message: "Parsing error: Unexpected token )" }),
    ]);
  });

  it("resolves message ids, defaults a missing level, maps none to note and keeps suppressions still under review", () => {
    const log = {
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "checker",
              rules: [{ id: "R1", messageStrings: { unsafe: { text: "'{0}' is unsafe in {1}." } } }, { id: "R2", defaultConfiguration: { level: "error" } }],
            },
          },
          results: [
            { ruleId: "R1", message: { id: "unsafe", arguments: ["eval", "main"] }, locations: [{ physicalLocation: { artifactLocation: { uri: "lib/a.ts" } } }] },
            { ruleId: "R2", message: { text: "from the rule" } },
            { ruleId: "R3", level: "none", message: { text: "informational" } },
            { ruleId: "R1", kind: "pass", message: { text: "checked, fine" } },
            { ruleId: "R1", level: "warning", message: { text: "disputed" }, suppressions: [{ kind: "external", status: "underReview" }] },
          ],
        },
        { tool: { driver: { name: "other" } } },
      ],
    };
    expect(parseSarif(JSON.stringify(log), { root })).toEqual([
      finding({ severity: "warning", path: "lib/a.ts", message: "'eval' is unsafe in main.", rule: "R1" }),
      finding({ severity: "error", message: "from the rule", rule: "R2" }),
      finding({ severity: "note", message: "informational", rule: "R3" }),
      finding({ severity: "warning", message: "disputed", rule: "R1" }),
    ]);
  });

  it("finds nothing in a log without runs or results", () => {
    expect(parseSarif(`{"version":"2.1.0","runs":[]}`, { root })).toEqual([]);
    expect(parseSarif(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}`, { root })).toEqual([]);
  });

  it.each([
    ["an empty output", ""],
    ["text that is not JSON", "src/a.ts:1:1 error"],
    ["another SARIF version", `{"version":"2.0.0","runs":[]}`],
    ["JSON without runs", `{"version":"2.1.0"}`],
    ["a result without a message", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a"}]}]}`],
  ])("rejects %s with a ReportFormatError", (_what, output) => {
    expect(() => parseSarif(output, { root })).toThrow(ReportFormatError);
  });
});

describe("parseSemgrep", () => {
  it("maps ERROR, WARNING and INFO to error, warning and note, and ignores scan errors below level error", () => {
    expect(parseSemgrep(fixture("semgrep/scan.json"), { root })).toEqual([
      finding({
        severity: "warning",
        path: "src/routes/orders.js",
        line: 27,
        message: expect.stringMatching(/^Detected directly writing to a Response object/) as string,
        rule: "javascript.express.security.audit.xss.direct-response-write.direct-response-write",
      }),
      finding({
        severity: "error",
        path: "src/rules/eval.js",
        line: 9,
        message: expect.stringMatching(/^Found data from an Express/) as string,
        rule: "javascript.lang.security.audit.code-string-concat.code-string-concat",
      }),
      finding({ severity: "note", path: "src/cart.js", line: 44, message: "Leftover debugger statement.", rule: "javascript.lang.best-practice.leftover_debugging.javascript-debugger-statement" }),
    ]);
  });

  it("turns errors at level error into error findings, so a broken scan never passes", () => {
    expect(parseSemgrep(fixture("semgrep/broken-rule.json"), { root, exitCode: 7 })).toEqual([
      finding({
        severity: "error",
        path: ".semgrep/no-eval.yml",
        line: 3,
        message: "semgrep InvalidRuleSchemaError: One of these properties is missing: 'pattern', 'patterns', 'pattern-either', 'pattern-regex'",
        rule: "no-eval",
      }),
      finding({
        severity: "error",
        path: "src/vendor/bundle.js",
        message: "semgrep Timeout: Timeout when running javascript.express.security.audit.xss.direct-response-write.direct-response-write on src/vendor/bundle.js:",
        rule: "javascript.express.security.audit.xss.direct-response-write.direct-response-write",
      }),
    ]);
  });

  it("finds nothing in a clean scan and skips matches marked ignored", () => {
    expect(parseSemgrep(`{"version":"1.85.0","results":[],"errors":[],"paths":{"scanned":["a.py"]},"skipped_rules":[]}`, { root })).toEqual([]);
    const ignored = {
      results: [{ check_id: "r", path: "a.py", start: { line: 1, col: 1 }, end: { line: 1, col: 2 }, extra: { message: "m", severity: "ERROR", metadata: {}, lines: "x", is_ignored: true } }],
      errors: [],
    };
    expect(parseSemgrep(JSON.stringify(ignored), { root })).toEqual([]);
  });

  it.each([
    ["an empty output", ""],
    ["Semgrep's text output", "┌──────────────┐\n│ 1 Code Finding │"],
    ["JSON without results", `{"errors":[]}`],
    ["a result without a severity", `{"results":[{"check_id":"r","path":"a","start":{"line":1,"col":1},"end":{"line":1,"col":1},"extra":{"message":"m"}}],"errors":[]}`],
  ])("rejects %s with a ReportFormatError", (_what, output) => {
    expect(() => parseSemgrep(output, { root })).toThrow(ReportFormatError);
  });
});
