import type { GateFormat } from "../gate-config.js";
import type { Finding } from "../finding.js";
import { parseEslint } from "./eslint.js";
import { parseExitCode } from "./exit-code.js";
import { parseJunit } from "./junit.js";
import { parseSarif } from "./sarif.js";
import { parseSemgrep } from "./semgrep.js";
import { parseTap } from "./tap.js";
import { parseTsc } from "./tsc.js";

export interface ParseOptions {
  /** The repository's root: paths in findings are made relative to it. */
  readonly root: string;
  readonly exitCode: number;
  /** The gate's command, quoted by the exit-code parser. */
  readonly command: string;
  /** stdout and stderr together, for formats that read more than stdout. */
  readonly output: string;
}

/** Every format a gate may name, with the parser that reads it. */
export const parsers: Record<GateFormat, (input: string, options: ParseOptions) => Finding[]> = {
  eslint: parseEslint,
  tsc: parseTsc,
  junit: parseJunit,
  sarif: parseSarif,
  semgrep: parseSemgrep,
  tap: parseTap,
  "exit-code": parseExitCode,
};
