/*
 * `eslint -f json`: an array with one entry per linted file, each listing its messages. Severity 2 is
 * an error and 1 a warning; a file ESLint could not parse has one `fatal` message with no rule.
 */
import { z } from "zod";
import { relativePath, ReportFormatError, type Finding } from "../finding.js";

export interface EslintOptions {
  readonly root: string;
  readonly exitCode?: number;
}

const eslintMessageSchema = z.object({
  ruleId: z.string().nullish(),
  severity: z.union([z.literal(1), z.literal(2)]),
  message: z.string(),
  // Messages about the whole file (an ignored file, a config problem) have no position.
  line: z.number().int().nullish(),
  column: z.number().int().nullish(),
  fatal: z.boolean().nullish(),
});

const eslintReportSchema = z.array(z.object({ filePath: z.string(), messages: z.array(eslintMessageSchema) }));

const expectedShape = "the array `eslint -f json` prints: [{filePath, messages: [{ruleId, severity, message, line, column}]}]";

export function parseEslint(output: string, options: EslintOptions): Finding[] {
  const json = withoutNpmBanner(output);
  if (json.trim() === "") throw new ReportFormatError(`ESLint printed nothing; expected ${expectedShape}.`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ReportFormatError(`ESLint's output is not JSON; expected ${expectedShape}. ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = eslintReportSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
    throw new ReportFormatError(`ESLint's JSON does not have the expected shape; expected ${expectedShape}. ${problems.slice(0, 5).join("; ")}`, { cause: parsed.error });
  }
  return parsed.data.flatMap((file) =>
    file.messages.map((message): Finding => ({
      gate: "",
      severity: message.fatal === true || message.severity === 2 ? "error" : "warning",
      path: relativePath(file.filePath, options.root),
      line: message.line ?? null,
      message: message.message,
      rule: message.fatal === true ? null : (message.ruleId ?? null),
    })),
  );
}

/**
 * The JSON without the lines `npm run lint` prints before it (`> pkg@1.0.0 lint`, `> eslint -f json .`).
 * Anything else before the array is not ESLint's report, so it is left for JSON.parse to reject.
 */
function withoutNpmBanner(output: string): string {
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((line) => !/^\s*$|^> /.test(line));
  return start === -1 ? "" : lines.slice(start).join("\n");
}
