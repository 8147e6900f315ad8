/*
 * `tsc --noEmit`, in either of its two output forms:
 *
 *   --pretty false   src/a.ts(3,7): error TS2322: Type '{ port: string; }' is not assignable to type 'Config'.
 *                      The types of 'port' are incompatible between these types.
 *   --pretty         src/a.ts:3:7 - error TS2322: Type '{ port: string; }' is not assignable to type 'Config'.
 *                      The types of 'port' are incompatible between these types.
 *                    (blank line, then a code frame and related locations, which are not part of the message)
 *
 * Errors about the configuration have no file: `error TS5023: Unknown compiler option 'x'.`
 * Indented lines straight after a diagnostic continue its message; a blank line ends it.
 */
import { relativePath, type Finding, type Severity } from "../finding.js";
import { failedRunFinding, quoteOutput, stripAnsi } from "./exit-code.js";

export interface TscOptions {
  readonly root: string;
  readonly exitCode?: number;
}

const category = String.raw`(error|warning|message) (TS\d+): (.*)$`;
const plainDiagnostic = new RegExp(String.raw`^(\S.*?)\((\d+),\d+\): ${category}`);
const prettyDiagnostic = new RegExp(String.raw`^(\S.*?):(\d+):\d+ - ${category}`);
const globalDiagnostic = new RegExp(`^${category}`);

const severityOf: Record<string, Severity> = { error: "error", warning: "warning", message: "note" };

export function parseTsc(output: string, options: TscOptions): Finding[] {
  const findings: Finding[] = [];
  let continues = false;
  for (const line of stripAnsi(output).split(/\r?\n/)) {
    const diagnostic = readDiagnostic(line, options.root);
    const last = findings.at(-1);
    if (diagnostic !== null) {
      findings.push(diagnostic);
      continues = true;
    } else if (continues && last !== undefined && /^\s+\S/.test(line)) {
      findings[findings.length - 1] = { ...last, message: `${last.message}\n${line.trimEnd()}` };
    } else {
      continues = false;
    }
  }

  if (findings.length === 0 && options.exitCode !== undefined && options.exitCode !== 0) {
    return [failedRunFinding(`tsc exited with code ${options.exitCode} and printed no diagnostics it could read`, quoteOutput(output, "first"))];
  }
  return findings;
}

function readDiagnostic(line: string, root: string): Finding | null {
  const located = plainDiagnostic.exec(line) ?? prettyDiagnostic.exec(line);
  if (located !== null) {
    const [, path = "", lineNumber = "", kind = "", rule = "", message = ""] = located;
    return { gate: "", severity: severityOf[kind] ?? "error", path: relativePath(path, root), line: Number(lineNumber), message, rule };
  }
  const global = globalDiagnostic.exec(line);
  if (global !== null) {
    const [, kind = "", rule = "", message = ""] = global;
    return { gate: "", severity: severityOf[kind] ?? "error", path: null, line: null, message, rule };
  }
  return null;
}
