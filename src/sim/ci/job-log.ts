import type { OutputLine } from "./run-command.js";

/** GitHub stamps every log line with the time to a ten-millionth of a second. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "0000Z");
}

export interface JobLogInput {
  /** The step's title and the script shown under it, as GitHub groups a `run:` step. */
  readonly step: string;
  readonly script: string | null;
  readonly startedAt: number;
  readonly lines: readonly OutputLine[];
  readonly droppedLines: number;
  readonly endedAt: number;
  /** The runner's closing error (`Process completed with exit code 1.`), null when the step passed. */
  readonly error: string | null;
}

/** A job's log as GitHub serves it: plain text, one stamped line per line, the step folded in a group. */
export function formatJobLog(input: JobLogInput): string {
  const head = (text: string): string => `${stamp(input.startedAt)} ${text}`;
  const out = [head(`##[group]${input.step}`), ...(input.script === null ? [] : [head(input.script), head("shell: /usr/bin/sh -e {0}")]), head("env:"), head("  CI: true"), head("##[endgroup]")];
  if (input.droppedLines > 0) out.push(head(`[${input.droppedLines} earlier lines are not kept]`));
  for (const line of input.lines) out.push(`${stamp(line.at)} ${line.text}`);
  if (input.error !== null) out.push(`${stamp(input.endedAt)} ##[error]${input.error}`);
  out.push(`${stamp(input.endedAt)} Cleaning up orphan processes`);
  return `${out.join("\n")}\n`;
}
