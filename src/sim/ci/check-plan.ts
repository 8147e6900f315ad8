import type { SimAnnotation, SimConclusion } from "../github/sim-model.js";
import type { CiCheckScript } from "../scenario/scenario-schema.js";

/** What one run of a scripted check does: a real command, or a conclusion it was told to reach. */
export type CheckPlan =
  | { readonly kind: "command"; readonly command: string; readonly timeoutMs: number }
  | { readonly kind: "gate" }
  | {
      readonly kind: "scripted";
      readonly conclusion: SimConclusion;
      readonly durationMs: number;
      readonly summary: string | null;
      readonly text: string | null;
      readonly annotations: readonly SimAnnotation[];
    };

export const defaultTimeoutMs = 60_000;

/** The name Actions gives the step: `Run <first line of the command>`, or the check's for a scripted one. */
export function stepNameOf(check: CiCheckScript): string {
  return `Run ${check.run?.split("\n")[0] ?? check.name}`;
}

/** The plan for the check's run number `index` (0 for its first); `conclusions` run out on their last. */
export function planFor(check: CiCheckScript, index: number): CheckPlan {
  if (check.run !== undefined) return { kind: "command", command: check.run, timeoutMs: check.timeoutMs ?? defaultTimeoutMs };
  if (check.gate === true) return { kind: "gate" };
  const conclusion = check.conclusion ?? check.conclusions?.[Math.min(index, check.conclusions.length - 1)];
  if (conclusion === undefined) throw new Error(`CI check '${check.name}' has neither a conclusion nor a command to run.`);
  const annotations = (check.annotations ?? []).map(
    (a): SimAnnotation => ({ path: a.path, startLine: a.line, endLine: a.line, startColumn: null, endColumn: null, level: a.level, title: a.title ?? null, message: a.message, rawDetails: null }),
  );
  return { kind: "scripted", conclusion, durationMs: check.durationMs, summary: check.summary ?? null, text: check.text ?? null, annotations };
}
