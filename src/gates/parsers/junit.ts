/*
 * JUnit XML, the test report most runners can write: vitest `--reporter=junit`, jest-junit,
 * pytest `--junitxml`, Maven surefire. The root is `<testsuites>` or a bare `<testsuite>`; suites
 * may nest. A `<testcase>` with `<failure>` or `<error>` is an error finding; one with `<skipped>`
 * is a note, so the no-cheating check can count tests that were switched off.
 */
import { XMLParser, type EntityDecoderOptions } from "fast-xml-parser";
import { SyntaxValidator } from "fast-xml-validator";
import { z } from "zod";
import { ReportFormatError, relativePath, type Finding } from "../finding.js";

export interface JunitOptions {
  readonly root: string;
  readonly exitCode?: number;
}

const outcomeSchema = z.object({
  "@_message": z.string().optional(),
  "@_type": z.string().optional(),
  "#text": z.string().optional(),
});
type Outcome = z.infer<typeof outcomeSchema>;

const testcaseSchema = z.object({
  "@_name": z.string().default(""),
  "@_classname": z.string().optional(),
  "@_file": z.string().optional(),
  failure: z.array(outcomeSchema).optional(),
  error: z.array(outcomeSchema).optional(),
  skipped: z.array(outcomeSchema).optional(),
});
type Testcase = z.infer<typeof testcaseSchema>;

interface Suite {
  readonly testcase?: readonly Testcase[] | undefined;
  readonly testsuite?: readonly Suite[] | undefined;
}
const suiteSchema: z.ZodType<Suite> = z.lazy(() =>
  z.object({ testcase: z.array(testcaseSchema).optional(), testsuite: z.array(suiteSchema).optional() }),
);

const reportSchema = z.union([
  z.object({ testsuites: z.object({ testsuite: z.array(suiteSchema).optional() }) }),
  z.object({ testsuite: z.array(suiteSchema) }),
]);

const repeatedTags = new Set(["testsuite", "testcase", "failure", "error", "skipped"]);

const predefinedEntities: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/*
 * Only the five predefined entities and character references are decoded. Entities a DOCTYPE
 * declares are never registered, so an entity-expansion bomb stays as small as its text; JUnit
 * writers never declare entities.
 */
const predefinedEntitiesOnly: EntityDecoderOptions = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: (text) => text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, decodeReference),
};

function decodeReference(whole: string, reference: string): string {
  if (!reference.startsWith("#")) return predefinedEntities[reference] ?? whole;
  const codePoint = reference[1] === "x" || reference[1] === "X" ? Number.parseInt(reference.slice(2), 16) : Number.parseInt(reference.slice(1), 10);
  return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  alwaysCreateTextNode: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (tagName) => repeatedTags.has(tagName),
  processEntities: { enabled: true, maxEntityCount: 10, maxEntitySize: 1_000, maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
  entityDecoder: predefinedEntitiesOnly,
});

/** Reads a JUnit XML report into findings: failures and errors are errors, skipped tests are notes. */
export function parseJunit(output: string, options: JunitOptions): Finding[] {
  const report = readReport(output);
  const suites = "testsuites" in report ? (report.testsuites.testsuite ?? []) : report.testsuite;
  return allTestcases(suites).flatMap((testcase) => testcaseFindings(testcase, options.root));
}

function readReport(output: string): z.infer<typeof reportSchema> {
  // The parser accepts malformed XML silently, so the document is checked first.
  try {
    SyntaxValidator.validate(output, { docType: { maxEntityCount: 10, maxEntitySize: 1_000 } });
  } catch (error) {
    throw new ReportFormatError(
      `The JUnit report is not well-formed XML (${errorText(error)}). Check that the gate's command writes a JUnit XML report and that the gate reads that file.`,
      { cause: error },
    );
  }
  let tree: unknown;
  try {
    tree = xmlParser.parse(output);
  } catch (error) {
    throw new ReportFormatError(`The JUnit report could not be read: ${errorText(error)}.`, { cause: error });
  }
  const parsed = reportSchema.safeParse(tree);
  if (!parsed.success) {
    throw new ReportFormatError(
      `The report is XML but not JUnit XML: its root must be <testsuites> or <testsuite> with <testcase> elements (${z.prettifyError(parsed.error)}).`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { line, col } = error as Error & { line?: unknown; col?: unknown };
  return typeof line === "number" && typeof col === "number" ? `line ${line}, column ${col}: ${error.message}` : error.message;
}

function allTestcases(suites: readonly Suite[]): Testcase[] {
  return suites.flatMap((suite) => [...(suite.testcase ?? []), ...allTestcases(suite.testsuite ?? [])]);
}

function testcaseFindings(testcase: Testcase, root: string): Finding[] {
  const file = testFile(testcase, root);
  const test = testName(testcase, file);
  const failures = [...(testcase.failure ?? []), ...(testcase.error ?? [])].map((outcome): Finding => {
    const text = outcome["#text"] ?? "";
    const where = failureLocation(text, file, root);
    return { gate: "", severity: "error", path: where.path, line: where.line, message: failureMessage(outcome), rule: null, test };
  });
  const skips = (testcase.skipped ?? []).map((outcome): Finding => {
    const reason = nonEmpty(outcome["@_message"]) ?? nonEmpty(firstLine(outcome["#text"] ?? "")) ?? "no reason given";
    const where = failureLocation(outcome["#text"] ?? "", file, root);
    return { gate: "", severity: "note", path: where.path, line: where.line, message: `skipped: ${reason}`, rule: null, test };
  });
  return [...failures, ...skips];
}

/** The test's file: vitest and pytest (xunit1) write `file`; vitest's classname is the file too. */
function testFile(testcase: Testcase, root: string): string | null {
  const file = testcase["@_file"]?.trim();
  if (file) return relativePath(file, root);
  const classname = testcase["@_classname"]?.trim() ?? "";
  return looksLikePath(classname) ? relativePath(classname, root) : null;
}

function looksLikePath(classname: string): boolean {
  return /[/\\]/.test(classname) || /\.[cm]?[jt]sx?$/.test(classname);
}

function testName(testcase: Testcase, file: string | null): string {
  const name = testcase["@_name"].trim();
  const classname = testcase["@_classname"]?.trim() ?? "";
  // jest-junit's default templates write the full title as both.
  if (classname === "" || classname === name || classname === file || looksLikePath(classname)) return name;
  return `${classname} > ${name}`;
}

function failureMessage(outcome: Outcome): string {
  return nonEmpty(outcome["@_message"]) ?? nonEmpty(firstLine(outcome["#text"] ?? "")) ?? nonEmpty(outcome["@_type"]) ?? "test failed";
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === "" ? undefined : trimmed;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== "") ?? "";
}

interface Location {
  readonly path: string | null;
  readonly line: number | null;
}

/*
 * A frame `path:line[:col]` standing alone or in `(…)` after a space: V8's `at fn (path:1:2)`,
 * vitest's `❯ path:1:2`, pytest's `path:1: AssertionError`. A JVM frame `Class.method(File.java:12)`
 * names no directory, so a `(` glued to a name does not start one.
 */
const framePattern = /(?<=^|\s|\s\()(?:file:\/\/)?((?:[A-Za-z]:)?[^\s():]+\.[A-Za-z0-9]+):(\d+)(?::\d+)?(?=$|[\s):,])/gm;

/** Where a failure (or skip) happened: the first frame in the test's own file, or else the first frame in the repository. */
function failureLocation(text: string, file: string | null, root: string): Location {
  const frames = repositoryFrames(text, root);
  if (file !== null) return { path: file, line: frames.find((frame) => frame.path === file)?.line ?? null };
  return frames[0] ?? { path: null, line: null };
}

function repositoryFrames(text: string, root: string): { path: string; line: number }[] {
  return [...text.matchAll(framePattern)].flatMap((match) => {
    const path = relativePath((match[1] ?? "").replace(/^\/([A-Za-z]:)/, "$1"), root);
    const line = Number(match[2]);
    const outside = path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.startsWith("../") || path.includes("node_modules/");
    return outside || line < 1 ? [] : [{ path, line }];
  });
}
