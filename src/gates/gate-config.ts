import { z } from "zod";

/*
 * The quality gates a repository runs, from `.github/orchestrator.yml`:
 *
 *   gates:
 *     - name: tests
 *       run: npm test -- --reporter=junit --outputFile=junit.xml
 *       format: junit          # eslint | tsc | junit | sarif | semgrep | tap | exit-code
 *       report: junit.xml      # optional: read findings from this file instead of stdout
 *       required: true
 *
 * and how findings fail (`gate:`): zero warnings and diff-aware by default.
 */

export const gateFormats = ["eslint", "tsc", "junit", "sarif", "semgrep", "tap", "exit-code"] as const;
export type GateFormat = (typeof gateFormats)[number];

const gateName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$/, "letters, digits, spaces, '.', '_' and '-', at most 60");

export const gateSpecSchema = z.strictObject({
  name: gateName.describe("The gate's name in the report"),
  run: z.string().trim().min(1).max(2000).describe("The shell command that runs the tool, in the repository's root"),
  format: z.enum(gateFormats).describe("How to read the tool's findings: eslint (-f json), tsc, junit, sarif, semgrep (--json), tap, or exit-code"),
  report: z.string().trim().min(1).max(300).optional().describe("A file the tool writes its findings to, read instead of stdout (e.g. junit.xml)"),
  required: z.boolean().default(true).describe("A failing required gate fails the check; a failing optional one is reported as neutral"),
  allow_warnings: z.boolean().default(false).describe("Let this gate's warnings pass (by default a warning fails: zero warnings)"),
  timeout_minutes: z.number().positive().max(360).default(30).describe("The command is stopped after this long, and the gate fails"),
});
export type GateSpec = z.infer<typeof gateSpecSchema>;

export const gatePolicySchema = z
  .strictObject({
    fail_on: z.enum(["error", "warning"]).default("warning").describe("The least severe finding that fails a gate: warning (zero warnings) or error"),
    diff_only: z.boolean().default(true).describe("Only findings on lines the change added or modified fail; the others are reported"),
    no_cheating: z.boolean().default(true).describe("Fail on deleted or skipped tests, new suppressions, nosemgrep and loosened CI in the change"),
    semgrep: z.enum(["auto", "required", "off"]).default("auto").describe("Run Semgrep on the changed files: when installed (auto), always (required: missing fails), or never"),
    semgrep_config: z.string().trim().min(1).max(300).default("p/default").describe("Semgrep's --config: a registry ruleset or a rules file"),
    coverage: z
      .strictObject({
        summary: z.string().trim().min(1).max(300).describe("A coverage summary file (Istanbul json-summary, e.g. coverage/coverage-summary.json)"),
        lines: z.number().min(0).max(100).describe("The least line coverage, in percent"),
      })
      .optional()
      .describe("A coverage floor"),
  })
  .default({ fail_on: "warning", diff_only: true, no_cheating: true, semgrep: "auto", semgrep_config: "p/default" });
export type GatePolicy = z.infer<typeof gatePolicySchema>;

export const gatesSchema = z.array(gateSpecSchema).max(30).default([]).describe("The quality gates the Action runs (their names must be unique)");
