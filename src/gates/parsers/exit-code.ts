/*
 * The gate for a command that has no report format of its own: it passes when the command exits 0.
 * The other parsers fall back on the same kind of finding when a tool failed without saying why in a
 * form they can read, so the helpers for quoting its output live here too.
 */
import { stripVTControlCharacters } from "node:util";
import { ReportFormatError, type Finding } from "../finding.js";

export interface ExitCodeOptions {
  readonly root: string;
  readonly exitCode?: number;
  /** The command as the user configured it, quoted in the message. */
  readonly command?: string;
}

/** How much of a failed command's output a finding quotes. */
const quotedLines = 20;

export function parseExitCode(output: string, options: ExitCodeOptions): Finding[] {
  if (options.exitCode === undefined) throw new ReportFormatError("The exit-code gate was given no exit code, so it cannot tell whether the command passed.");
  if (options.exitCode === 0) return [];
  const command = options.command === undefined ? "The command" : `\`${options.command}\``;
  return [failedRunFinding(`${command} exited with code ${options.exitCode}`, quoteOutput(output, "last"))];
}

/** One error with no file: the tool failed and this is all that can be said, followed by what it printed. */
export function failedRunFinding(message: string, quoted: string): Finding {
  return { gate: "", severity: "error", path: null, line: null, rule: null, message: quoted === "" ? `${message} (no output).` : `${message}:\n${quoted}` };
}

/** The first or last lines of a tool's output without colour codes or surrounding blank lines, for a finding's message. */
export function quoteOutput(output: string, end: "first" | "last", count = quotedLines): string {
  const lines = stripAnsi(output).trim().split(/\r?\n/);
  const kept = end === "first" ? lines.slice(0, count) : lines.slice(-count);
  const omitted = lines.length - kept.length;
  if (omitted === 0) return kept.join("\n");
  return end === "first" ? [...kept, `… (${omitted} more lines)`].join("\n") : [`… (${omitted} earlier lines)`, ...kept].join("\n");
}

/** Removes terminal colour and cursor codes (tsc --pretty, coloured test runners), with Node's own stripper. */
export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}
