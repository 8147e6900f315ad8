import type { JobOutcome } from "../github/actions-jobs.js";
import type { SimAnnotation, SimConclusion } from "../github/sim-model.js";
import type { CheckPlan } from "./check-plan.js";
import { formatJobLog } from "./job-log.js";
import { readNodeTestReport } from "./node-test-report.js";
import type { TestReport } from "./node-test-report.js";
import type { CheckoutRun } from "./run-in-checkout.js";
import { workflowCommandAnnotations } from "./workflow-commands.js";

/** How much of the output's end a check run's text shows; the job log has all of it. */
const textLimit = 8 * 1024;
/** GitHub takes at most 50 annotations in one request. */
const annotationLimit = 50;

function tail(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(-limit);
  return `…\n${cut.slice(cut.indexOf("\n") + 1)}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The runner's closing line for a step that did not pass. */
function runnerError(conclusion: SimConclusion, exitCode: number | null): string | null {
  if (conclusion === "timed_out") return "The action has timed out.";
  if (conclusion === "cancelled") return "The operation was canceled.";
  if (conclusion === "failure") return `Process completed with exit code ${exitCode ?? 1}.`;
  return null;
}

function failureAnnotations(report: TestReport): SimAnnotation[] {
  return report.failures.flatMap((f) =>
    f.path === null || f.line === null
      ? []
      : [{ path: f.path, startLine: f.line, endLine: f.line, startColumn: null, endColumn: null, level: "failure" as const, title: f.name, message: f.message.slice(0, 4000) || "Test failed", rawDetails: null }],
  );
}

function commandSummary(command: string, timeoutMs: number, exitCode: number | null, report: TestReport): string {
  if (exitCode === null) return `\`${command}\` did not finish within ${timeoutMs / 1000} s and was stopped.`;
  if (exitCode === 0) return `\`${command}\` passed${report.tests === null ? "" : `: ${plural(report.tests, "test")}`}.`;
  const counts = report.failed ? `: ${report.failed} of ${plural(report.tests ?? report.failed, "test")} failed` : "";
  const names = report.failures.slice(0, 5).map((f) => `- ${f.name}`);
  return [`\`${command}\` exited with code ${exitCode}${counts}.`, ...names].join("\n");
}

function commandTitle(conclusion: SimConclusion, report: TestReport): string {
  if (conclusion === "timed_out") return "Timed out";
  if (conclusion === "success") return report.tests === null ? "Passed" : `${plural(report.tests, "test")} passed`;
  return report.failed ? `${plural(report.failed, "test")} failed` : "Failed";
}

/** A `run` check's result: its exit code decides, node:test's output and workflow commands make the annotations. */
export function commandOutcome(plan: Extract<CheckPlan, { kind: "command" }>, step: string, run: CheckoutRun): JobOutcome {
  const { result } = run;
  const texts = result.lines.map((l) => l.text);
  const report = readNodeTestReport(texts, run.workspace);
  const conclusion: SimConclusion = result.timedOut ? "timed_out" : result.exitCode === 0 ? "success" : "failure";
  return {
    conclusion,
    title: commandTitle(conclusion, report),
    summary: commandSummary(plan.command, plan.timeoutMs, result.timedOut ? null : result.exitCode, report),
    text: tail(texts.join("\n"), textLimit),
    annotations: [...workflowCommandAnnotations(texts), ...failureAnnotations(report)].slice(0, annotationLimit),
    log: formatJobLog({ step, script: plan.command, startedAt: result.startedAt, lines: result.lines, droppedLines: result.droppedLines, endedAt: result.endedAt, error: runnerError(conclusion, result.exitCode) }),
  };
}

/** A scripted check's result: the conclusion it was given, and the output the scenario wrote for it. */
export function scriptedOutcome(plan: Extract<CheckPlan, { kind: "scripted" }>, name: string, step: string, times: { readonly startedAt: number; readonly endedAt: number }): JobOutcome {
  const summary = plan.summary ?? `${name}: ${plan.conclusion}`;
  const lines = [summary, ...(plan.text === null ? [] : plan.text.split("\n"))].map((text) => ({ at: times.endedAt, text }));
  return {
    conclusion: plan.conclusion,
    title: plan.conclusion === "success" ? "Passed" : "Failed",
    summary,
    text: plan.text,
    annotations: plan.annotations,
    log: formatJobLog({ step, script: null, startedAt: times.startedAt, lines, droppedLines: 0, endedAt: times.endedAt, error: runnerError(plan.conclusion, null) }),
  };
}
