/*
 * TAP 13/14 and node:test's TAP reporter. Each test point may be followed by a YAML diagnostic block;
 * subtests are indented by four spaces per level and node:test announces each with `# Subtest: name`
 * before it runs, then reports the parent's own test point after its children:
 *
 *   # Subtest: parser
 *       # Subtest: rejects garbage
 *       not ok 1 - rejects garbage
 *         ---
 *         location: '/repo/test/parser.test.js:17:3'
 *         error: 'garbage was accepted'
 *         ...
 *   not ok 1 - parser                      <- failureType: 'subtestsFailed': not counted again
 *   ok 2 - uploads # SKIP needs network    <- a note, so skipped tests can be counted
 *
 * Output that is not TAP at all never passes: with a non-zero exit code it is one error, otherwise a
 * ReportFormatError.
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { relativePath, ReportFormatError, type Finding } from "../finding.js";
import { failedRunFinding, quoteOutput, stripAnsi } from "./exit-code.js";

export interface TapOptions {
  readonly root: string;
  readonly exitCode?: number;
}

/** `not ok 3 - name # SKIP reason`: everything after the first unescaped `#` is a directive or a comment (`# time=12ms`). */
const testPointPattern = /^(not )?ok\b\s*(\d+\b)?\s*(?:- )?(.*?)\s*(?:(?<!\\)#\s*(.*))?$/;
const directivePattern = /^(skip|todo)\S*\s*(.*)$/i;

const diagnosticsSchema = z.looseObject({
  error: z.unknown().optional(),
  message: z.unknown().optional(),
  expected: z.unknown().optional(),
  wanted: z.unknown().optional(),
  actual: z.unknown().optional(),
  found: z.unknown().optional(),
  location: z.string().optional().catch(undefined),
  at: z.union([z.string(), z.looseObject({ file: z.string().optional(), line: z.number().optional() })]).optional().catch(undefined),
  failureType: z.string().optional().catch(undefined),
});
type Diagnostics = z.infer<typeof diagnosticsSchema>;

/** A finding whose test name waits for its ancestors' names: node:test prints a parent's test point after its children. */
interface PendingFinding {
  readonly finding: Omit<Finding, "test">;
  readonly ancestors: (string | undefined)[];
  readonly name: string;
}

export function parseTap(output: string, options: TapOptions): Finding[] {
  const lines = stripAnsi(output).split(/\r?\n/);
  const pending: PendingFinding[] = [];
  const other: Finding[] = [];
  const subtestNames: string[] = [];
  const failedChild: boolean[] = [];
  let sawTap = false;
  let planned: number | null = null;
  let topLevelPoints = 0;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const content = line.trimStart();
    const depth = Math.floor((line.length - content.length) / 4);
    const subtest = /^# Subtest: (.*)$/.exec(content);
    const point = testPointPattern.exec(content);
    if (/^TAP version \d+/.test(content)) {
      sawTap = true;
    } else if (subtest !== null) {
      subtestNames.length = depth;
      subtestNames[depth] = unescape(subtest[1] ?? "");
    } else if (content.startsWith("Bail out!")) {
      sawTap = true;
      const reason = content.slice("Bail out!".length).trim();
      other.push({ gate: "", severity: "error", path: null, line: null, rule: null, message: reason === "" ? "The test run bailed out." : `The test run bailed out: ${reason}` });
    } else if (depth === 0 && /^1\.\.\d+/.test(content)) {
      sawTap = true;
      planned = Number(/^1\.\.(\d+)/.exec(content)?.[1]);
    } else if (point !== null) {
      sawTap = true;
      const block = readYamlBlock(lines, index + 1);
      index = block.end - 1;
      const [, not, number = "", description = "", comment = ""] = point;
      const directive = directivePattern.exec(comment);
      const name = unescape(description) || `test ${number}`.trim();
      const diagnostics = block.diagnostics;
      const hadFailedChild = failedChild[depth] === true;
      failedChild.length = depth;
      if (depth === 0) topLevelPoints++;
      for (const item of pending) if (item.ancestors.length > depth && item.ancestors[depth] === undefined) item.ancestors[depth] = name;

      const where = locationOf(diagnostics, options.root);
      const ancestors = Array.from({ length: depth }, (_, level) => subtestNames[level]);
      const kind = directive?.[1]?.toLowerCase();
      if (kind !== undefined) {
        const reason = directive?.[2]?.trim() ?? "";
        const label = kind === "skip" ? "skipped" : "todo";
        pending.push({ name, ancestors, finding: { gate: "", severity: "note", ...where, rule: null, message: reason === "" ? label : `${label}: ${reason}` } });
      } else if (not !== undefined) {
        if (depth > 0) failedChild[depth - 1] = true;
        const ownMessage = failureMessage(diagnostics);
        // A parent fails when a subtest fails; that failure is already counted where it happened.
        const onlyChildrenFailed = diagnostics?.failureType === "subtestsFailed" || (hadFailedChild && ownMessage === null);
        if (!onlyChildrenFailed) pending.push({ name, ancestors, finding: { gate: "", severity: "error", ...where, rule: null, message: ownMessage ?? (block.unreadable || name) } });
      }
    }
  }

  const exitCode = options.exitCode ?? 0;
  if (!sawTap) {
    if (exitCode !== 0) return [failedRunFinding(`The test command exited with code ${exitCode} and its output could not be read as TAP`, quoteOutput(output, "last"))];
    throw new ReportFormatError("The test command's output is not TAP: it has no `TAP version` line, test points (`ok`/`not ok`) or plan (`1..N`).");
  }
  const findings = [...pending.map(withTestName), ...other];
  if (planned !== null && topLevelPoints < planned && other.length === 0) {
    findings.push(failedRunFinding(`The TAP plan announced ${planned} tests but only ${topLevelPoints} reported a result`, quoteOutput(output, "last")));
  }
  if (exitCode !== 0 && !findings.some((finding) => finding.severity === "error")) {
    findings.push(failedRunFinding(`The test command exited with code ${exitCode} but its TAP reports no failing test`, quoteOutput(output, "last")));
  }
  return findings;
}

function withTestName({ finding, ancestors, name }: PendingFinding): Finding {
  return { ...finding, test: [...ancestors.filter((ancestor) => ancestor !== undefined), name].join(" > ") };
}

/** The YAML block starting at `start` (if there is one), and the index of the first line after it. */
function readYamlBlock(lines: readonly string[], start: number): { diagnostics: Diagnostics | null; unreadable: string; end: number } {
  if (lines[start]?.trim() !== "---") return { diagnostics: null, unreadable: "", end: start };
  let end = start + 1;
  while (end < lines.length && lines[end]?.trim() !== "...") end++;
  const body = lines.slice(start + 1, end);
  const next = Math.min(end + 1, lines.length);
  try {
    const parsed = diagnosticsSchema.safeParse(parseYaml(dedent(body), { maxAliasCount: 50 }));
    return { diagnostics: parsed.success ? parsed.data : null, unreadable: "", end: next };
  } catch {
    return { diagnostics: null, unreadable: dedent(body).trim(), end: next };
  }
}

/** The failure's own message from its diagnostics (`error:` or `message:`), with the expected and actual values. */
function failureMessage(diagnostics: Diagnostics | null): string | null {
  if (diagnostics === null) return null;
  const main = textOf(diagnostics.error) ?? textOf(diagnostics.message);
  if (main === null) return null;
  const expected = diagnostics.expected ?? diagnostics.wanted;
  const actual = diagnostics.actual ?? diagnostics.found;
  const values = [expected === undefined ? null : `expected: ${show(expected)}`, actual === undefined ? null : `actual: ${show(actual)}`];
  return [main, ...values.filter((value) => value !== null)].join("\n");
}

/** Where the failure is: node:test's `location: '/abs/file.test.js:12:5'`, or `at:` as a stack line or `{file, line}`. */
function locationOf(diagnostics: Diagnostics | null, root: string): Pick<Finding, "path" | "line"> {
  const at = diagnostics?.at;
  if (at !== undefined && typeof at !== "string" && at.file !== undefined) return { path: repositoryPath(at.file, root), line: at.line ?? null };
  const text = diagnostics?.location ?? (typeof at === "string" ? at : undefined);
  const match = text === undefined ? null : /^(?:.*\()?(.+?):(\d+)(?::\d+)?\)?$/.exec(text.trim());
  if (match === null) return { path: null, line: null };
  return { path: repositoryPath(match[1] ?? "", root), line: Number(match[2]) };
}

/** Stack lines name files as URLs (`file:///repo/test/a.js`, `file:///C:/repo/test/a.js`); the root is a plain path. */
function repositoryPath(path: string, root: string): string {
  return relativePath(path.replace(/^file:\/\/(?:\/(?=[A-Za-z]:))?/, ""), root);
}

function textOf(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "object" && value !== null && "message" in value) return textOf(value.message);
  return null;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function dedent(lines: readonly string[]): string {
  const indent = Math.min(...lines.filter((line) => line.trim() !== "").map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(Number.isFinite(indent) ? indent : 0)).join("\n");
}

/** node:test and TAP 14 escape `#` and `\` in names. */
function unescape(name: string): string {
  return name.replace(/\\([\\#])/g, "$1").trim();
}
