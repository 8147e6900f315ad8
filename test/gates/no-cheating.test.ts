import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/gates/finding.js";
import { findCheating, type NoCheatingOptions } from "../../src/gates/no-cheating.js";
import { gitDiff, type RepoChange } from "../support/git-diff.js";

function cheating(base: Readonly<Record<string, string>>, change: RepoChange, options?: NoCheatingOptions): Finding[] {
  return findCheating(gitDiff(base, change), options);
}

/** rule, path, line: what a reviewer sees first. */
function where(findings: readonly Finding[]): (string | number | null)[][] {
  return findings.map((finding) => [finding.rule, finding.path, finding.line]);
}

const sumTest = `import { expect, it } from "vitest";
import { sum } from "./sum.js";

describe("sum", () => {
  it("adds two numbers", () => {
    expect(sum(1, 2)).toBe(3);
  });

  it("adds negatives", () => {
    expect(sum(-1, -2)).toBe(-3);
  });
});
`;

describe("deleted-test", () => {
  it("flags a deleted test file, at the file with no line", () => {
    const findings = cheating({ "src/sum.test.ts": sumTest }, { remove: ["src/sum.test.ts"] });
    expect(findings).toEqual([
      { gate: "no-cheating", severity: "error", rule: "deleted-test", path: "src/sum.test.ts", line: null, message: "deletes the test file `src/sum.test.ts`: deleting tests hides failures instead of fixing them" },
    ]);
  });

  it("flags a deleted file under each default test pattern", () => {
    const tests = ["a.spec.js", "test/helpers.ts", "pkg/tests/x.rb", "src/__tests__/x.js", "pkg/x_test.go", "test_x.py", "x_test.py"];
    const findings = cheating(Object.fromEntries(tests.map((path) => [path, "x\n"])), { remove: tests });
    expect(findings.map((finding) => finding.path).sort()).toEqual([...tests].sort());
  });

  it("does not flag a deleted source file", () => {
    expect(cheating({ "src/sum.ts": "export const sum = 1;\n" }, { remove: ["src/sum.ts"] })).toEqual([]);
  });

  it("does not flag a test file renamed to another test path", () => {
    expect(cheating({ "src/sum.test.ts": sumTest }, { move: { "src/sum.test.ts": "test/math/sum.test.ts" } })).toEqual([]);
  });

  it("flags a test file moved to a path that is not a test, where it no longer runs", () => {
    const findings = cheating({ "src/sum.test.ts": sumTest }, { move: { "src/sum.test.ts": "attic/sum-cases.ts" } });
    expect(where(findings)).toEqual([["deleted-test", "attic/sum-cases.ts", null]]);
  });

  it("uses the configured test patterns instead of the defaults", () => {
    const findings = cheating({ "spec/sum_spec.rb": "x\n", "src/sum.test.ts": sumTest }, { remove: ["spec/sum_spec.rb", "src/sum.test.ts"] }, { testPatterns: ["spec/**"] });
    expect(where(findings)).toEqual([["deleted-test", "spec/sum_spec.rb", null]]);
  });

  it("flags a test case removed from a test file, naming it", () => {
    const findings = cheating({ "src/sum.test.ts": sumTest }, { write: { "src/sum.test.ts": sumTest.replace(/\n {2}it\("adds negatives"[\s\S]*?\n {2}\}\);\n/, "\n") } });
    expect(where(findings)).toEqual([["deleted-test", "src/sum.test.ts", null]]);
    expect(findings[0]?.message).toBe("removes the test `adds negatives` (line 9 of the old file): removing a test hides its failure instead of fixing it");
  });

  it("flags Python and Go test functions removed from their files", () => {
    const python = "def test_one():\n    assert True\n\n\ndef test_two():\n    assert True\n";
    const go = "package x\n\nfunc TestOne(t *testing.T) {\n}\n\nfunc TestTwo(t *testing.T) {\n}\n";
    const findings = cheating({ "tests/test_x.py": python, "x_test.go": go }, { write: { "tests/test_x.py": python.slice(0, python.indexOf("\n\n\n") + 1), "x_test.go": go.replace("\nfunc TestTwo(t *testing.T) {\n}\n", "") } });
    expect(findings.map((finding) => finding.message.split(" (")[0])).toEqual(["removes the test `test_two`", "removes the test `TestTwo`"]);
  });

  it("does not flag a new test added to a test file", () => {
    expect(cheating({ "src/sum.test.ts": sumTest }, { write: { "src/sum.test.ts": sumTest.replace("});\n", '});\n\nit("adds zero", () => {\n  expect(sum(0, 0)).toBe(0);\n});\n') } })).toEqual([]);
  });

  it("does not flag a test whose body is edited", () => {
    const edited = sumTest.replace('it("adds negatives", () => {', 'it("adds negatives", async () => {').replace("toBe(-3)", "toEqual(-3)");
    expect(cheating({ "src/sum.test.ts": sumTest }, { write: { "src/sum.test.ts": edited } })).toEqual([]);
  });

  it("does not flag a test() call removed from a source file", () => {
    expect(cheating({ "src/validate.ts": "const ok = test(input);\n" }, { write: { "src/validate.ts": "const ok = true;\n" } })).toEqual([]);
  });
});

describe("skipped-test", () => {
  it.each([
    ["src/sum.test.ts", 'it.skip("adds negatives", () => {', "it.skip("],
    ["src/sum.test.ts", 'describe.only("sum", () => {', "describe.only("],
    ["src/sum.test.ts", 'xit("adds negatives", () => {', "xit("],
    ["src/sum.test.ts", 'xdescribe("sum", () => {', "xdescribe("],
    ["src/sum.test.ts", 'it.todo("adds fractions");', "it.todo("],
    ["src/sum.test.ts", 'test.todo("adds fractions");', "test.todo("],
    ["src/sum.test.ts", 'test("adds negatives", { skip: true }, () => {', "skip: true"],
    ["src/sum.test.ts", 'test("adds fractions", { todo: true }, () => {', "todo: true"],
    ["tests/test_sum.py", "@pytest.mark.skip(reason='flaky')", "@pytest.mark.skip"],
    ["tests/test_sum.py", '@unittest.skip("flaky")', "@unittest.skip"],
    ["sum_test.go", '\tt.Skip("flaky")', "t.Skip("],
  ])("flags %s gaining `%s`", (path, line, shown) => {
    const findings = cheating({ [path]: "// start\n" }, { write: { [path]: `// start\n${line}\n` } });
    expect(where(findings)).toEqual([["skipped-test", path, 2]]);
    expect(findings[0]?.message).toBe(`adds \`${shown}\`: a skipped or focused test does not run, so its failure cannot fail the build`);
  });

  it("flags a skip in a test helper outside the test patterns when its receiver is a test function", () => {
    expect(where(cheating({}, { write: { "src/testing/cases.ts": 'describe.skip("shared cases", run);\n' } }))).toEqual([["skipped-test", "src/testing/cases.ts", 1]]);
  });

  it("does not flag removing a skip", () => {
    expect(cheating({ "src/sum.test.ts": 'it.skip("adds", run);\n' }, { write: { "src/sum.test.ts": 'it("adds", run);\n' } })).toEqual([]);
  });

  it("does not flag `.skip(` or `skip: true` in source code, where they are not about tests", () => {
    expect(cheating({}, { write: { "src/store/page.ts": "const rows = cursor.skip(10).limit(5);\nconst options = { skip: true };\n" } })).toEqual([]);
  });
});

describe("suppression", () => {
  it("flags an added eslint-disable-next-line, saying what it hides", () => {
    const findings = cheating({ "src/a.ts": "export const a = 1;\n" }, { write: { "src/a.ts": "// eslint-disable-next-line no-console\nexport const a = 1;\n" } });
    expect(findings).toEqual([
      { gate: "no-cheating", severity: "error", rule: "suppression", path: "src/a.ts", line: 1, message: "adds `// eslint-disable-next-line`: suppressions hide lint errors instead of fixing them" },
    ]);
  });

  it.each([
    ["src/a.ts", "/* eslint-disable */"],
    ["src/a.ts", "run(); // eslint-disable-line"],
    ["src/a.ts", "// @ts-ignore"],
    ["src/a.ts", "// @ts-expect-error wrong types upstream"],
    ["src/a.ts", "// @ts-nocheck"],
    ["src/a.ts", "/* istanbul ignore next */"],
    ["src/a.ts", "/* c8 ignore next */"],
    ["app/a.py", "import os  # noqa"],
    ["app/a.py", "x = f()  # type: ignore"],
    ["pkg/a.go", "x := f() // nolint"],
    ["src/lib.rs", "#[allow(dead_code)]"],
    ["src/A.java", '@SuppressWarnings("unchecked")'],
  ])("flags %s gaining `%s`", (path, line) => {
    const findings = cheating({ [path]: "start\n" }, { write: { [path]: `start\n${line}\n` } });
    expect(where(findings)).toEqual([["suppression", path, 2]]);
  });

  it("says a type-checker suppression hides type errors", () => {
    const [finding] = cheating({}, { write: { "src/a.ts": "// @ts-expect-error\nconst n: number = 'x';\n" } });
    expect(finding?.message).toBe("adds `// @ts-expect-error`: suppressions hide type errors instead of fixing them");
  });

  it("does not flag removing an eslint-disable", () => {
    expect(cheating({ "src/a.ts": "// eslint-disable-next-line no-console\nconsole.log(1);\n" }, { write: { "src/a.ts": "console.log(1);\n" } })).toEqual([]);
  });

  it("does not flag an existing suppression the change only re-indents", () => {
    const before = "function f() {\n// eslint-disable-next-line no-console\nconsole.log(1);\n}\n";
    const after = "function f() {\n  // eslint-disable-next-line no-console\n  console.log(1);\n}\n";
    expect(cheating({ "src/a.ts": before }, { write: { "src/a.ts": after } })).toEqual([]);
  });

  it("flags a suppression widened to more rules", () => {
    const findings = cheating({ "src/a.ts": "// eslint-disable-next-line no-console\nconsole.log(1);\n" }, { write: { "src/a.ts": "// eslint-disable-next-line no-console, eqeqeq\nconsole.log(1);\n" } });
    expect(where(findings)).toEqual([["suppression", "src/a.ts", 1]]);
  });
});

describe("nosemgrep", () => {
  it("flags an added nosemgrep comment", () => {
    const findings = cheating({ "src/run.ts": "exec(cmd);\n" }, { write: { "src/run.ts": "exec(cmd); // nosemgrep: javascript.lang.security.detect-child-process\n" } });
    expect(where(findings)).toEqual([["nosemgrep", "src/run.ts", 1]]);
    expect(findings[0]?.message).toBe("adds `// nosemgrep: javascript.lang.security.detect-child-process`: it silences a Semgrep finding instead of fixing the code");
  });

  it("does not flag removing one", () => {
    expect(cheating({ "app/run.py": "run(cmd)  # nosemgrep\n" }, { write: { "app/run.py": "run([cmd])\n" } })).toEqual([]);
  });
});

const workflow = `name: CI
on: [pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm run lint
      - run: npm test
`;

describe("loosened-ci in workflows", () => {
  it("flags continue-on-error: true added to a step", () => {
    const findings = cheating({ ".github/workflows/ci.yml": workflow }, { write: { ".github/workflows/ci.yml": workflow.replace("      - run: npm test\n", "      - run: npm test\n        continue-on-error: true\n") } });
    expect(where(findings)).toEqual([["loosened-ci", ".github/workflows/ci.yml", 11]]);
    expect(findings[0]?.message).toBe("adds `continue-on-error: true` to a workflow: a failing step no longer fails the job");
  });

  it("flags if: false added to a job", () => {
    const findings = cheating({ ".github/workflows/ci.yaml": workflow }, { write: { ".github/workflows/ci.yaml": workflow.replace("    runs-on:", "    if: false\n    runs-on:") } });
    expect(where(findings)).toEqual([["loosened-ci", ".github/workflows/ci.yaml", 5]]);
  });

  it("flags a removed test step that is not run anywhere else in the file", () => {
    const findings = cheating({ ".github/workflows/ci.yml": workflow }, { write: { ".github/workflows/ci.yml": workflow.replace("      - run: npm test\n", "") } });
    expect(where(findings)).toEqual([["loosened-ci", ".github/workflows/ci.yml", null]]);
    expect(findings[0]?.message).toBe("removes `npm test` from a workflow (old line 10) without running it elsewhere in the file: CI no longer runs that check");
  });

  it("flags each check a deleted workflow ran", () => {
    const findings = cheating({ ".github/workflows/ci.yml": workflow }, { remove: [".github/workflows/ci.yml"] });
    expect(findings.map((finding) => finding.message.split(" from")[0])).toEqual(["removes `npm test`", "removes `npm run lint`"]);
  });

  it("does not flag a check command that is changed but still runs", () => {
    expect(cheating({ ".github/workflows/ci.yml": workflow }, { write: { ".github/workflows/ci.yml": workflow.replace("npm test", "npm test -- --coverage") } })).toEqual([]);
  });

  it("does not flag a new step, or continue-on-error outside the workflows folder", () => {
    const findings = cheating({ ".github/workflows/ci.yml": workflow }, { write: { ".github/workflows/ci.yml": `${workflow}      - run: npm run build\n`, "docs/example.yml": "continue-on-error: true\n" } });
    expect(findings).toEqual([]);
  });

  it("does not flag continue-on-error: false", () => {
    expect(cheating({ ".github/workflows/ci.yml": workflow }, { write: { ".github/workflows/ci.yml": `${workflow}        continue-on-error: false\n` } })).toEqual([]);
  });
});

const packageJson = (scripts: Readonly<Record<string, string>>): string => `${JSON.stringify({ name: "x", scripts }, null, 2)}\n`;
const scripts = { build: "tsc -p tsconfig.build.json", lint: "eslint . --max-warnings 0", test: "vitest run", typecheck: "tsc --noEmit" };

describe("loosened-ci in package.json", () => {
  it.each([
    ["test", "exit 0"],
    ["test", "true"],
    ["typecheck", 'echo \\"types are fine\\"'],
    ["test", "vitest run || true"],
    ["test", "vitest run; exit 0"],
  ])("flags the %s script set to `%s`", (name, value) => {
    const findings = cheating({ "package.json": packageJson(scripts) }, { write: { "package.json": packageJson({ ...scripts, [name]: value.replace(/\\"/g, '"') }) } });
    expect(findings.map((finding) => [finding.rule, finding.message])).toEqual([["loosened-ci", `sets the \`${name}\` script to \`${value.replace(/\\"/g, '"')}\`: it always passes, so it checks nothing`]]);
  });

  it("flags a removed test script, and a lint script that loses --max-warnings", () => {
    const rest = { build: scripts.build, lint: "eslint .", typecheck: scripts.typecheck };
    const findings = cheating({ "package.json": packageJson(scripts) }, { write: { "package.json": packageJson(rest) } });
    expect(findings.map((finding) => finding.message)).toEqual([
      "removes the `test` script from package.json: `npm run test` no longer checks anything",
      "removes `--max-warnings 0`: ESLint warnings no longer fail the check",
    ]);
  });

  it("flags --max-warnings raised, at the line that raises it", () => {
    const findings = cheating({ "package.json": packageJson(scripts) }, { write: { "package.json": packageJson({ ...scripts, lint: "eslint . --max-warnings 25" }) } });
    expect(where(findings)).toEqual([["loosened-ci", "package.json", 5]]);
    expect(findings[0]?.message).toBe("raises `--max-warnings` from 0 to 25: more ESLint warnings pass unfixed");
  });

  it("does not flag a check script changed to another real check", () => {
    const stricter = { ...scripts, test: "vitest run --coverage && echo done", lint: "eslint . --max-warnings=0 --cache" };
    expect(cheating({ "package.json": packageJson(scripts) }, { write: { "package.json": packageJson(stricter) } })).toEqual([]);
  });

  it("does not flag a placeholder script that was already a placeholder", () => {
    expect(cheating({ "package.json": packageJson({ test: "echo none" }) }, { write: { "package.json": packageJson({ test: "echo no tests yet" }) } })).toEqual([]);
  });
});

describe("loosened-ci in lint and type-check config", () => {
  const eslintConfig = 'export default [{\n  rules: {\n    eqeqeq: "error",\n  },\n}];\n';

  it("flags an ESLint rule turned off, in flat and legacy configs", () => {
    const findings = cheating(
      { "eslint.config.js": eslintConfig, ".eslintrc.json": '{\n  "rules": {}\n}\n' },
      { write: { "eslint.config.js": eslintConfig.replace('eqeqeq: "error"', 'eqeqeq: "off"'), ".eslintrc.json": '{\n  "rules": {\n    "no-console": 0\n  }\n}\n' } },
    );
    expect(where(findings)).toEqual([
      ["loosened-ci", ".eslintrc.json", 3],
      ["loosened-ci", "eslint.config.js", 3],
    ]);
  });

  it("does not flag an ESLint rule turned on", () => {
    expect(cheating({ "eslint.config.js": eslintConfig }, { write: { "eslint.config.js": eslintConfig.replace('eqeqeq: "error",', 'eqeqeq: "error",\n    "no-console": "error",') } })).toEqual([]);
  });

  it("flags strict and noImplicitAny set to false, and strict removed", () => {
    const tsconfig = '{\n  "compilerOptions": {\n    "strict": true,\n    "noImplicitAny": true\n  }\n}\n';
    const findings = cheating(
      { "tsconfig.json": tsconfig, "packages/a/tsconfig.build.json": tsconfig },
      { write: { "tsconfig.json": tsconfig.replace('"noImplicitAny": true', '"noImplicitAny": false'), "packages/a/tsconfig.build.json": '{\n  "compilerOptions": {\n    "noImplicitAny": true\n  }\n}\n' } },
    );
    expect(findings.map((finding) => [finding.path, finding.message])).toEqual([
      ["packages/a/tsconfig.build.json", 'removes `"strict": true` from packages/a/tsconfig.build.json (old line 3): the type checker stops reporting what that option catches'],
      ["tsconfig.json", 'sets `"noImplicitAny": false` in tsconfig.json: the type checker stops reporting what that option catches'],
    ]);
  });

  it("does not flag strict turned on", () => {
    expect(cheating({ "tsconfig.json": '{ "compilerOptions": {} }\n' }, { write: { "tsconfig.json": '{ "compilerOptions": {\n  "strict": true\n} }\n' } })).toEqual([]);
  });

  it("flags paths added to .semgrepignore, but not comments", () => {
    const findings = cheating({ ".semgrepignore": "node_modules/\n" }, { write: { ".semgrepignore": "node_modules/\n# generated code\nsrc/legacy/\n" } });
    expect(where(findings)).toEqual([["loosened-ci", ".semgrepignore", 3]]);
    expect(findings[0]?.message).toBe("adds `src/legacy/` to .semgrepignore: Semgrep no longer scans it");
  });
});

describe("a realistic pull request", () => {
  it("reports each way the change cheats, file by file in diff order (a marker in prose too: the gate reads lines, not code), and nothing for its honest edits", () => {
    const base = {
      ".github/workflows/ci.yml": workflow,
      "package.json": packageJson(scripts),
      "src/sum.ts": "export function sum(a: number, b: number): number {\n  return a + b;\n}\n",
      "src/sum.test.ts": sumTest,
      "src/parse.ts": "export function parse(text: string): unknown {\n  return JSON.parse(text);\n}\n",
      "src/parse.test.ts": 'it("parses", () => {\n  expect(parse("1")).toBe(1);\n});\n',
      "README.md": "# x\n",
    };
    const findings = cheating(base, {
      remove: ["src/parse.test.ts"],
      write: {
        ".github/workflows/ci.yml": workflow.replace("      - run: npm run lint\n", "      - run: npm run lint\n        continue-on-error: true\n"),
        "README.md": "# x\n\nDisable checks with `// eslint-disable` at your peril.\n",
        "src/sum.ts": "export function sum(a: number, b: number): number {\n  // @ts-expect-error the old API returned strings\n  return `${a}` + b;\n}\n",
        "src/sum.test.ts": sumTest.replace('it("adds negatives"', 'it.skip("adds negatives"').replace("toBe(3)", "toBe(3); // was flaky"),
        "src/format.ts": "export const format = (n: number): string => n.toFixed(2);\n",
        "src/format.test.ts": 'it("formats", () => {\n  expect(format(1)).toBe("1.00");\n});\n',
      },
    });
    expect(where(findings)).toEqual([
      ["loosened-ci", ".github/workflows/ci.yml", 10],
      ["suppression", "README.md", 3],
      ["deleted-test", "src/parse.test.ts", null],
      ["skipped-test", "src/sum.test.ts", 9],
      ["suppression", "src/sum.ts", 2],
    ]);
  });
});
