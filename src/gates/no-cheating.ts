/*
 * The "no cheating" gate: reads a pull request's diff for the ways a change can make checks pass
 * without fixing anything — deleting or skipping tests, suppressing linters and type checkers,
 * silencing Semgrep, and weakening CI. It reads only the diff, so it judges lines, not programs:
 * a marker inside a string counts as much as one in a comment, and the user narrows the gate in
 * config when that is wrong for them.
 *
 * Only what a change adds counts as a suppression or a skip; a marker the change merely moves
 * (the same line removed and added in one file, as when code is re-indented) is not new.
 */

import picomatch from "picomatch";
import type { Finding } from "./finding.js";
import { addedLinesOf, parseUnifiedDiff, removedLinesOf, type DiffFile, type DiffLine } from "./unified-diff.js";

export const cheatingRules = ["deleted-test", "skipped-test", "suppression", "nosemgrep", "loosened-ci"] as const;
export type CheatingRule = (typeof cheatingRules)[number];

export const defaultTestPatterns: readonly string[] = [
  "**/*.test.*",
  "**/*.spec.*",
  "**/test/**",
  "**/tests/**",
  "**/__tests__/**",
  "**/*_test.go",
  "**/test_*.py",
  "**/*_test.py",
];

export interface NoCheatingOptions {
  /** Globs naming the test files; replace the defaults. */
  readonly testPatterns?: readonly string[];
}

/** Throws `ReportFormatError` when `diff` is not `git diff` output. */
export function findCheating(diff: string, options: NoCheatingOptions = {}): Finding[] {
  const isTest = picomatch([...(options.testPatterns ?? defaultTestPatterns)], { dot: true });
  return parseUnifiedDiff(diff).flatMap((file) => {
    const context: FileContext = { file, isTest: (path) => path !== null && isTest(path), newLines: linesNewTo(file) };
    return checks
      .flatMap((check) => check(context))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  });
}

interface FileContext {
  readonly file: DiffFile;
  readonly isTest: (path: string | null) => boolean;
  /** Added lines that the change did not also remove from this file. */
  readonly newLines: readonly DiffLine[];
}

type Check = (context: FileContext) => Finding[];

function finding(rule: CheatingRule, path: string | null, line: number | null, message: string): Finding {
  return { gate: "no-cheating", severity: "error", path, line, message, rule };
}

function linesNewTo(file: DiffFile): DiffLine[] {
  const removed = countBy(removedLinesOf(file), (line) => line.text.trim());
  return addedLinesOf(file).filter((line) => {
    const key = line.text.trim();
    const left = removed.get(key) ?? 0;
    if (left > 0) removed.set(key, left - 1);
    return left === 0;
  });
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

// --- deleted-test ---------------------------------------------------------------------------

const deletedTestFile: Check = ({ file, isTest }) => {
  if (!isTest(file.oldPath)) return [];
  if (file.deleted) {
    return [finding("deleted-test", file.oldPath, null, `deletes the test file \`${file.oldPath}\`: deleting tests hides failures instead of fixing them`)];
  }
  if (file.renamed && !isTest(file.newPath)) {
    return [finding("deleted-test", file.newPath, null, `moves the test file \`${file.oldPath}\` to \`${file.newPath}\`, which is not a test file: its tests no longer run`)];
  }
  return [];
};

/** `it("name"`, `describe.skip('name'`, `xit(`, `def test_name`, `func TestName(`; the name is the key. */
const testDeclarations: readonly RegExp[] = [
  /(?:^|[^\w$.])(?:[xf]?it|[xf]?describe|x?test)(?:\.\w+)*\s*\(\s*(?:(?<quote>["'`])(?<quoted>(?:\\.|(?!\k<quote>).)*)\k<quote>|(?<bare>[\w$.]*))/,
  /^\s*(?:async\s+)?def\s+(?<bare>test\w*)\s*\(/,
  /^\s*func\s+(?<bare>Test\w*)\s*\(/,
];

/** The declared test's name, "" when its name is not on the line, null when the line declares no test. */
function testName(text: string): string | null {
  for (const pattern of testDeclarations) {
    const groups = pattern.exec(text)?.groups;
    if (groups) return groups.quoted ?? groups.bare ?? "";
  }
  return null;
}

const removedTestCase: Check = ({ file, isTest }) => {
  if (file.deleted || !isTest(file.oldPath)) return [];
  const added = countBy(addedLinesOf(file).flatMap((line) => testName(line.text) ?? []), (name) => name);
  return removedLinesOf(file).flatMap((line) => {
    const name = testName(line.text);
    if (name === null) return [];
    const left = added.get(name) ?? 0;
    added.set(name, left - 1);
    if (left > 0) return [];
    const shown = name === "" ? line.text.trim() : name;
    return [finding("deleted-test", file.newPath, null, `removes the test \`${shown}\` (line ${line.line} of the old file): removing a test hides its failure instead of fixing it`)];
  });
};

// --- skipped-test, suppression, nosemgrep ---------------------------------------------------

interface Marker {
  readonly rule: CheatingRule;
  readonly pattern: RegExp;
  readonly why: string;
  /** Too common outside tests (`cursor.skip(10)`) to flag anywhere else. */
  readonly testFilesOnly?: boolean;
}

const skips = "a skipped or focused test does not run, so its failure cannot fail the build";
const lint = "suppressions hide lint errors instead of fixing them";
const types = "suppressions hide type errors instead of fixing them";
const coverage = "coverage exclusions hide untested code instead of testing it";

const markers: readonly Marker[] = [
  { rule: "skipped-test", pattern: /\b(?:it|test|describe|suite|context)\.(?:skip|only|todo)\s*\(/, why: skips },
  { rule: "skipped-test", pattern: /(?:^|[^\w$.])(?:xit|xdescribe|xtest)\s*\(/, why: skips },
  { rule: "skipped-test", pattern: /@pytest\.mark\.skip\w*|@unittest\.skip\w*/, why: skips },
  { rule: "skipped-test", pattern: /\.(?:skip|only)\s*\(/, why: skips, testFilesOnly: true },
  { rule: "skipped-test", pattern: /\bt\.Skip(?:f|Now)?\s*\(/, why: skips, testFilesOnly: true },
  { rule: "skipped-test", pattern: /\b(?:skip|todo)\s*:\s*(?:true\b|["'`])/, why: skips, testFilesOnly: true },
  { rule: "suppression", pattern: /(?:(?:\/\/|\/\*+)\s*)?eslint-disable(?:-next-line|-line)?/, why: lint },
  { rule: "suppression", pattern: /(?:(?:\/\/|\/\*+)\s*)?@ts-(?:ignore|expect-error|nocheck)/, why: types },
  { rule: "suppression", pattern: /#\s*type:\s*ignore/, why: types },
  { rule: "suppression", pattern: /#\s*noqa\b|\/\/\s*nolint\b|#!?\[allow\(|@SuppressWarnings\b|pylint:\s*disable|biome-ignore/, why: lint },
  { rule: "suppression", pattern: /(?:(?:\/\/|\/\*+)\s*)?(?:istanbul|c8) ignore(?: \w+)?/, why: coverage },
  { rule: "nosemgrep", pattern: /(?:(?:\/\/|#|\/\*+)\s*)?nosemgrep\b(?::\s*[\w.-]+)?/i, why: "it silences a Semgrep finding instead of fixing the code" },
];

const addedMarker: Check = ({ file, isTest, newLines }) => {
  const inTest = isTest(file.newPath);
  return newLines.flatMap((line) => {
    const seen = new Set<CheatingRule>();
    return markers.flatMap((marker) => {
      const match = inTest || marker.testFilesOnly !== true ? marker.pattern.exec(line.text) : null;
      if (match === null || seen.has(marker.rule)) return [];
      seen.add(marker.rule);
      return [finding(marker.rule, file.newPath, line.line, `adds \`${match[0].trim()}\`: ${marker.why}`)];
    });
  });
};

// --- loosened-ci ----------------------------------------------------------------------------

const isWorkflow = picomatch(".github/workflows/*.{yml,yaml}", { dot: true });
const isPackageJson = picomatch("**/package.json", { dot: true });
const isEslintConfig = picomatch(["**/.eslintrc", "**/.eslintrc.*", "**/eslint.config.*"], { dot: true });
const isTsConfig = picomatch(["**/tsconfig*.json", "**/jsconfig*.json"], { dot: true });
const isSemgrepIgnore = picomatch("**/.semgrepignore", { dot: true });

const checkCommands: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: "npm test", pattern: /\bnpm\s+(?:run\s+)?test\b/ },
  { name: "npm run lint", pattern: /\bnpm\s+run\s+lint\b/ },
  { name: "npm run typecheck", pattern: /\bnpm\s+run\s+typecheck\b/ },
  { name: "eslint", pattern: /\beslint\b/ },
  { name: "tsc", pattern: /\btsc\b/ },
  { name: "pytest", pattern: /\bpytest\b/ },
  { name: "go test", pattern: /\bgo\s+test\b/ },
  { name: "semgrep", pattern: /\bsemgrep\b/ },
];

const workflowChange: Check = ({ file, newLines }) => {
  const path = file.newPath ?? file.oldPath;
  if (path === null || !isWorkflow(path)) return [];
  const weakened = newLines.flatMap((line) => {
    if (/^\s*-?\s*continue-on-error:\s*(?:true|\$\{\{\s*true\s*\}\})\s*(?:#.*)?$/.test(line.text)) {
      return [finding("loosened-ci", path, line.line, "adds `continue-on-error: true` to a workflow: a failing step no longer fails the job")];
    }
    if (/^\s*-?\s*if:\s*(?:false|["']false["']|\$\{\{\s*false\s*\}\})\s*(?:#.*)?$/.test(line.text)) {
      return [finding("loosened-ci", path, line.line, "adds `if: false` to a workflow: the job or step it guards never runs")];
    }
    return [];
  });
  const addedText = addedLinesOf(file).map((line) => line.text);
  const dropped = checkCommands.flatMap(({ name, pattern }) => {
    const removed = removedLinesOf(file).filter((line) => pattern.test(line.text));
    if (removed.length === 0 || addedText.filter((text) => pattern.test(text)).length >= removed.length) return [];
    const lines = removed.map((line) => line.line).join(", ");
    return [finding("loosened-ci", path, null, `removes \`${name}\` from a workflow (old line ${lines}) without running it elsewhere in the file: CI no longer runs that check`)];
  });
  return [...weakened, ...dropped];
};

const guardedScripts = ["test", "lint", "typecheck"] as const;

function scriptValue(text: string, name: string): string | null {
  const match = new RegExp(`^\\s*"${name}"\\s*:\\s*"((?:\\\\.|[^"\\\\])*)"`).exec(text);
  return match?.[1] === undefined ? null : match[1].replace(/\\(.)/g, "$1");
}

/** True when a script exits 0 whatever happens: `exit 0`, `true`, `echo …`, `… || true`. */
function alwaysPasses(script: string): boolean {
  const passes = (command: string): boolean => /^(?:exit 0|true|:|echo\b.*)?$/.test(command.trim());
  if (/\|\|\s*(?:true|exit 0|:)\s*$/.test(script)) return true;
  const last = script.split(";").filter((part) => part.trim() !== "").at(-1) ?? "";
  return last.split("&&").every(passes);
}

const packageScriptChange: Check = ({ file }) => {
  if (file.newPath === null || !isPackageJson(file.newPath)) return [];
  const path = file.newPath;
  return guardedScripts.flatMap((name) => {
    const before = removedLinesOf(file).flatMap((line) => scriptValue(line.text, name) ?? []);
    const after = addedLinesOf(file).flatMap((line) => {
      const value = scriptValue(line.text, name);
      return value === null ? [] : [{ line, value }];
    });
    if (before.length > 0 && after.length === 0) {
      return [finding("loosened-ci", path, null, `removes the \`${name}\` script from package.json: \`npm run ${name}\` no longer checks anything`)];
    }
    if (before.length > 0 && before.every(alwaysPasses)) return [];
    return after
      .filter(({ value }) => alwaysPasses(value))
      .map(({ line, value }) => finding("loosened-ci", path, line.line, `sets the \`${name}\` script to \`${value}\`: it always passes, so it checks nothing`));
  });
};

const lintConfigChange: Check = ({ file, newLines }) => {
  const path = file.newPath;
  if (path === null) return [];
  if (isEslintConfig(path)) {
    return newLines
      .filter((line) => /:\s*\[?\s*(?:["']off["']|\boff\b|0\b)/.test(line.text))
      .map((line) => finding("loosened-ci", path, line.line, `turns off an ESLint rule (\`${line.text.trim()}\`): the code it would flag is no longer checked`));
  }
  if (!isTsConfig(path)) return [];
  const mentioned = new Set(addedLinesOf(file).flatMap((line) => tsFlag(line.text)?.flag ?? []));
  const off = newLines.flatMap((line) => {
    const set = tsFlag(line.text);
    return set?.on === false ? [finding("loosened-ci", path, line.line, `sets \`"${set.flag}": false\` in ${path}: the type checker stops reporting what that option catches`)] : [];
  });
  const removed = removedLinesOf(file).flatMap((line) => {
    const set = tsFlag(line.text);
    if (set?.on !== true || mentioned.has(set.flag)) return [];
    return [finding("loosened-ci", path, null, `removes \`"${set.flag}": true\` from ${path} (old line ${line.line}): the type checker stops reporting what that option catches`)];
  });
  return [...off, ...removed];
};

function tsFlag(text: string): { flag: string; on: boolean } | null {
  const match = /"(?<flag>strict\w*|noImplicit\w*|noUnchecked\w*)"\s*:\s*(?<value>true|false)/.exec(text)?.groups;
  return match?.flag === undefined ? null : { flag: match.flag, on: match.value === "true" };
}

const maxWarningsChange: Check = ({ file }) => {
  const path = file.newPath;
  if (path === null) return [];
  const limits = (lines: readonly DiffLine[]): number[] => lines.flatMap((line) => [...line.text.matchAll(/--max-warnings[= ](\d+)/g)].map((match) => Number(match[1])));
  const before = limits(removedLinesOf(file));
  const after = limits(addedLinesOf(file));
  if (before.length === 0) return [];
  if (after.length < before.length) {
    return [finding("loosened-ci", path, null, `removes \`--max-warnings ${Math.min(...before)}\`: ESLint warnings no longer fail the check`)];
  }
  const raised = Math.max(...after);
  if (raised <= Math.min(...before)) return [];
  const line = addedLinesOf(file).find((added) => added.text.includes(`--max-warnings ${raised}`) || added.text.includes(`--max-warnings=${raised}`));
  return [finding("loosened-ci", path, line?.line ?? null, `raises \`--max-warnings\` from ${Math.min(...before)} to ${raised}: more ESLint warnings pass unfixed`)];
};

const semgrepIgnoreAddition: Check = ({ file, newLines }) => {
  const path = file.newPath;
  if (path === null || !isSemgrepIgnore(path)) return [];
  return newLines
    .filter((line) => line.text.trim() !== "" && !line.text.trim().startsWith("#"))
    .map((line) => finding("loosened-ci", path, line.line, `adds \`${line.text.trim()}\` to .semgrepignore: Semgrep no longer scans it`));
};

const checks: readonly Check[] = [
  deletedTestFile,
  removedTestCase,
  addedMarker,
  workflowChange,
  packageScriptChange,
  lintConfigChange,
  maxWarningsChange,
  semgrepIgnoreAddition,
];
