import { z } from "zod";
import { severities } from "./finding.js";

/*
 * The quality gate's machine-readable report, as the Action writes it into its check run's text and
 * as the app's CI loop reads it back to fix failures. One format, defined here for both sides.
 */

export const gateCheckName = "Orchestrator quality gate";

const reportMarker = "<!-- orchestrator:gate-report -->";

export const gateReportSchema = z.object({
  conclusion: z.enum(["success", "failure", "neutral"]),
  findings: z.array(
    z.object({
      gate: z.string(),
      severity: z.enum(severities),
      path: z.string().nullable(),
      line: z.number().int().nullable(),
      message: z.string(),
      rule: z.string().nullable().default(null),
      test: z.string().optional(),
      /** On a line the change added or modified (only those fail a diff-aware gate). */
      new: z.boolean(),
      /** Whether this finding made the gate fail. */
      failing: z.boolean().default(false),
    }),
  ),
});
export type GateReport = z.infer<typeof gateReportSchema>;

/** The report as the check run's text carries it: a marker, then one fenced JSON block. */
export function embedGateReport(report: GateReport): string {
  return `${reportMarker}\n\`\`\`json\n${JSON.stringify(report)}\n\`\`\``;
}

/** The report in a check run's text, or undefined when there is none or it does not parse (then the text is evidence as it is). */
export function readGateReport(text: string | null): GateReport | undefined {
  if (text === null) return undefined;
  const at = text.indexOf(reportMarker);
  if (at === -1) return undefined;
  const block = /```json\n([\s\S]*?)\n```/.exec(text.slice(at + reportMarker.length));
  if (!block?.[1]) return undefined;
  try {
    const parsed = gateReportSchema.safeParse(JSON.parse(block[1]));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
