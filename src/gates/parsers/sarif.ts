/*
 * SARIF 2.1.0, the static-analysis exchange format (CodeQL, ESLint's SARIF formatter, Semgrep
 * `--sarif`, …). Each `runs[].results[]` entry is a finding. Only the parts of the OASIS schema this
 * parser reads are checked; everything else a tool adds is ignored.
 */
import { z } from "zod";
import { ReportFormatError, relativePath, type Finding, type Severity } from "../finding.js";

export interface SarifOptions {
  readonly root: string;
  readonly exitCode?: number;
}

const levelSchema = z.enum(["error", "warning", "note", "none"]);
type Level = z.infer<typeof levelSchema>;

const messageSchema = z.object({ text: z.string().optional(), id: z.string().optional(), arguments: z.array(z.string()).optional() });
const messageStringsSchema = z.record(z.string(), z.object({ text: z.string().optional() }));

const artifactLocationSchema = z.object({ uri: z.string().optional(), uriBaseId: z.string().optional(), index: z.number().int().optional() });
type ArtifactLocation = z.infer<typeof artifactLocationSchema>;

const ruleSchema = z.object({
  id: z.string(),
  defaultConfiguration: z.object({ level: levelSchema.optional() }).optional(),
  messageStrings: messageStringsSchema.optional(),
});
type Rule = z.infer<typeof ruleSchema>;

const toolComponentSchema = z.object({
  name: z.string(),
  rules: z.array(ruleSchema).optional(),
  globalMessageStrings: messageStringsSchema.optional(),
});

const resultSchema = z.object({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().optional(),
  rule: z
    .object({ id: z.string().optional(), index: z.number().int().optional(), toolComponent: z.object({ index: z.number().int().optional() }).optional() })
    .optional(),
  kind: z.string().optional(),
  level: levelSchema.optional(),
  message: messageSchema,
  locations: z
    .array(
      z.object({
        physicalLocation: z
          .object({ artifactLocation: artifactLocationSchema.optional(), region: z.object({ startLine: z.number().int().optional() }).optional() })
          .optional(),
      }),
    )
    .optional(),
  suppressions: z.array(z.object({ kind: z.string().optional(), status: z.string().optional() })).optional(),
});
type Result = z.infer<typeof resultSchema>;

const runSchema = z.object({
  tool: z.object({ driver: toolComponentSchema, extensions: z.array(toolComponentSchema).optional() }),
  originalUriBaseIds: z.record(z.string(), artifactLocationSchema).optional(),
  artifacts: z.array(z.object({ location: artifactLocationSchema.optional() })).optional(),
  // Absent or null means the tool did not compute results; that is no finding either.
  results: z.array(resultSchema).nullish(),
});
type Run = z.infer<typeof runSchema>;

const sarifLogSchema = z.object({ version: z.literal("2.1.0"), runs: z.array(runSchema) });

const severityOfLevel: Readonly<Record<Level, Severity>> = { error: "error", warning: "warning", note: "note", none: "note" };

/** Reads a SARIF 2.1.0 log into findings, one per result that is not suppressed. */
export function parseSarif(output: string, options: SarifOptions): Finding[] {
  const log = readLog(output);
  return log.runs.flatMap((run) =>
    (run.results ?? []).filter((result) => !isSuppressed(result) && !isNotAProblem(result)).map((result) => toFinding(result, run, options.root)),
  );
}

function readLog(output: string): z.infer<typeof sarifLogSchema> {
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch (error) {
    throw new ReportFormatError(
      `The SARIF report is not JSON (${error instanceof Error ? error.message : String(error)}). Check that the gate's command writes SARIF and nothing else to the file the gate reads.`,
      { cause: error },
    );
  }
  const parsed = sarifLogSchema.safeParse(json);
  if (!parsed.success) {
    throw new ReportFormatError(`The report is JSON but not a SARIF 2.1.0 log: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}

/*
 * SARIF §3.35: a result is suppressed when it has suppressions and every one is accepted; an
 * absent status counts as accepted (ESLint's formatter writes none). One under review or rejected
 * keeps the result open.
 */
function isSuppressed(result: Result): boolean {
  const suppressions = result.suppressions ?? [];
  return suppressions.length > 0 && suppressions.every((suppression) => suppression.status === undefined || suppression.status === "accepted");
}

/** `kind: "pass"` and `"notApplicable"` report that a check found nothing wrong. */
function isNotAProblem(result: Result): boolean {
  return result.kind === "pass" || result.kind === "notApplicable";
}

function toFinding(result: Result, run: Run, root: string): Finding {
  const rule = ruleOf(result, run);
  const physical = result.locations?.[0]?.physicalLocation;
  const uri = physical?.artifactLocation === undefined ? undefined : artifactUri(physical.artifactLocation, run);
  return {
    gate: "",
    severity: severityOfLevel[levelOf(result, rule)],
    path: uri === undefined ? null : relativePath(uriToPath(uri), root),
    line: physical?.region?.startLine ?? null,
    message: messageOf(result, rule, run),
    rule: result.ruleId ?? result.rule?.id ?? rule?.id ?? null,
  };
}

/** The result's rule: by index into the driver or the extension it names, else by id. */
function ruleOf(result: Result, run: Run): Rule | undefined {
  const componentIndex = result.rule?.toolComponent?.index;
  const component = componentIndex === undefined ? run.tool.driver : run.tool.extensions?.[componentIndex];
  const rules = component?.rules ?? [];
  const index = result.rule?.index ?? result.ruleIndex;
  if (index !== undefined && rules[index] !== undefined) return rules[index];
  const id = result.ruleId ?? result.rule?.id;
  return id === undefined ? undefined : rules.find((rule) => rule.id === id);
}

/** SARIF §3.27.10: a missing level comes from the rule's default configuration, else "warning" (or "none" for a non-failing kind). */
function levelOf(result: Result, rule: Rule | undefined): Level {
  if (result.level !== undefined) return result.level;
  if (result.kind !== undefined && result.kind !== "fail") return "none";
  return rule?.defaultConfiguration?.level ?? "warning";
}

function messageOf(result: Result, rule: Rule | undefined, run: Run): string {
  const { text, id } = result.message;
  const template = text ?? (id === undefined ? undefined : (rule?.messageStrings?.[id]?.text ?? run.tool.driver.globalMessageStrings?.[id]?.text));
  if (template === undefined) return id === undefined ? "(no message)" : `(message ${id})`;
  const args = result.message.arguments ?? [];
  return template.replace(/\{(\d+)\}/g, (placeholder, n: string) => args[Number(n)] ?? placeholder);
}

/** The artifact's URI with its `uriBaseId` chain resolved through `originalUriBaseIds`; a bare `index` points into `run.artifacts`. */
function artifactUri(location: ArtifactLocation, run: Run): string | undefined {
  const own = location.uri === undefined && location.index !== undefined ? run.artifacts?.[location.index]?.location : location;
  if (own?.uri === undefined) return undefined;
  let uri = own.uri;
  let baseId = own.uriBaseId;
  const seen = new Set<string>();
  while (baseId !== undefined && !hasScheme(uri) && !seen.has(baseId)) {
    seen.add(baseId);
    const base = run.originalUriBaseIds?.[baseId];
    if (base?.uri === undefined) break;
    uri = base.uri.endsWith("/") ? `${base.uri}${uri}` : `${base.uri}/${uri}`;
    baseId = base.uriBaseId;
  }
  return uri;
}

/** A scheme has two letters or more; `C:` is a drive. */
function hasScheme(uri: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(uri);
}

/** `file:///a/b%20c.ts` → `/a/b c.ts`; `file:///C:/x` → `C:/x`; a relative reference stays relative. */
function uriToPath(uri: string): string {
  const path = uri.replace(/^file:\/\/(localhost)?/, "").replace(/^\/([A-Za-z]:)/, "$1");
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
