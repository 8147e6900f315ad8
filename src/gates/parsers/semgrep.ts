/*
 * `semgrep scan --json`. The shape is Semgrep's `cli_output` from semgrep_output_v1.atd in
 * semgrep/semgrep-interfaces (documented at semgrep.dev/docs/semgrep-appsec-platform/json-and-sarif):
 *   { version, results: cli_match[], errors: cli_error[], paths: { scanned }, skipped_rules }
 *   cli_match = { check_id, path, start: {line, col, offset}, end, extra: { message, severity, metadata, lines, fingerprint, is_ignored? } }
 *   cli_error = { code, level: "error" | "warn" | "info", type, rule_id?, message?, path?, spans?: [{ file, start, end }] }
 * Errors at level "error" become error findings, so a scan that broke never passes as clean.
 */
import { z } from "zod";
import { ReportFormatError, relativePath, type Finding, type Severity } from "../finding.js";

export interface SemgrepOptions {
  readonly root: string;
  readonly exitCode?: number;
}

const positionSchema = z.object({ line: z.number().int(), col: z.number().int() });

const matchSchema = z.object({
  check_id: z.string(),
  path: z.string(),
  start: positionSchema,
  end: positionSchema,
  extra: z.object({ message: z.string(), severity: z.string(), is_ignored: z.boolean().optional() }),
});
type Match = z.infer<typeof matchSchema>;

const errorSchema = z.object({
  level: z.string(),
  // A string ("Syntax error") or, since 1.45, a tagged list (["PartialParsing", [...]]).
  type: z.union([z.string(), z.tuple([z.string()], z.unknown())]),
  rule_id: z.string().optional(),
  message: z.string().optional(),
  short_msg: z.string().optional(),
  long_msg: z.string().optional(),
  path: z.string().optional(),
  spans: z.array(z.object({ file: z.string(), start: positionSchema })).optional(),
});
type SemgrepError = z.infer<typeof errorSchema>;

const outputSchema = z.object({ results: z.array(matchSchema), errors: z.array(errorSchema) });

/*
 * Rules say ERROR, WARNING or INFO; newer rule schemas also allow CRITICAL/HIGH/MEDIUM/LOW, and
 * EXPERIMENT/INVENTORY mark rules that are not meant to block. Anything else is a warning, so an
 * unknown severity still fails a zero-warning gate.
 */
const severityOfRule: Readonly<Record<string, Severity>> = {
  CRITICAL: "error",
  ERROR: "error",
  HIGH: "error",
  WARNING: "warning",
  MEDIUM: "warning",
  INFO: "note",
  LOW: "note",
  EXPERIMENT: "note",
  INVENTORY: "note",
};

/** Reads `semgrep scan --json` output into findings: one per match, plus one per scan error at level "error". */
export function parseSemgrep(output: string, options: SemgrepOptions): Finding[] {
  const scan = readOutput(output);
  const matches = scan.results.filter((match) => match.extra.is_ignored !== true).map((match) => matchFinding(match, options.root));
  const errors = scan.errors.filter((error) => error.level === "error").map((error) => errorFinding(error, options.root));
  return [...matches, ...errors];
}

function readOutput(output: string): z.infer<typeof outputSchema> {
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch (error) {
    throw new ReportFormatError(
      `Semgrep's output is not JSON (${error instanceof Error ? error.message : String(error)}). Run it as \`semgrep scan --json\` and read its standard output or its \`--output\` file.`,
      { cause: error },
    );
  }
  const parsed = outputSchema.safeParse(json);
  if (!parsed.success) {
    throw new ReportFormatError(`The report is JSON but not \`semgrep scan --json\` output: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}

function matchFinding(match: Match, root: string): Finding {
  return {
    gate: "",
    severity: severityOfRule[match.extra.severity.toUpperCase()] ?? "warning",
    path: relativePath(match.path, root),
    line: match.start.line,
    message: match.extra.message.trim(),
    rule: match.check_id,
  };
}

function errorFinding(error: SemgrepError, root: string): Finding {
  const type = typeof error.type === "string" ? error.type : error.type[0];
  const detail = error.message ?? error.long_msg ?? error.short_msg ?? "no message";
  const span = error.spans?.find((candidate) => error.path === undefined || candidate.file === error.path);
  const path = error.path ?? span?.file;
  return {
    gate: "",
    severity: "error",
    path: path === undefined ? null : relativePath(path, root),
    line: span?.start.line ?? null,
    message: `semgrep ${type}: ${detail.trim()}`,
    rule: error.rule_id ?? null,
  };
}
