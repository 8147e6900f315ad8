import type { Octokit } from "@octokit/rest";
import { embedGateReport, gateCheckName } from "../gates/gate-report.js";
import { renderGateSummary, toGateReport } from "../gates/render-report.js";
import type { GateFinding, GatesResult } from "../gates/run-gates.js";

/** GitHub takes at most 50 annotations per check-run request, and 65,535 characters per output field. */
export const annotationsPerRequest = 50;
const maxOutputChars = 65_535;

interface Annotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: "failure" | "warning" | "notice";
  readonly message: string;
  readonly title?: string;
}

/** The findings GitHub can place on a line: failing ones first, then the rest. */
export function annotationsOf(findings: readonly GateFinding[]): Annotation[] {
  const placed = findings.filter((f): f is GateFinding & { path: string } => f.path !== null);
  return [...placed.filter((f) => f.failing), ...placed.filter((f) => !f.failing)].map((f) => ({
    path: f.path,
    start_line: f.line ?? 1,
    end_line: f.line ?? 1,
    annotation_level: f.failing ? "failure" : f.severity === "note" ? "notice" : "warning",
    // GitHub's limit is 64 KB; a character can take up to 4 bytes.
    message: f.message.slice(0, 16_000),
    title: [f.gate, f.rule].filter((p): p is string => typeof p === "string" && p !== "").join(": ").slice(0, 255),
  }));
}

function fit(text: string, limit: number, note: string): string {
  return text.length <= limit ? text : `${text.slice(0, limit - note.length - 2)}\n\n${note}`;
}

/**
 * One check run on the head commit, `Orchestrator quality gate`: the summary table, the findings as
 * annotations (50 per request, as GitHub requires), and the machine-readable report in its text,
 * which the app's CI loop reads. Returns the check run's id.
 */
export async function reportCheckRun(octokit: Pick<Octokit, "request">, target: { owner: string; repo: string; headSha: string; detailsUrl?: string }, result: GatesResult): Promise<number> {
  const annotations = annotationsOf(result.findings);
  const summary = fit(renderGateSummary(result), maxOutputChars, "(summary cut to GitHub's limit)");
  let report = embedGateReport(toGateReport(result));
  // The machine-readable part must fit: the reported findings go first, then failing ones from the end, then long messages are cut.
  let failing = result.findings.filter((f) => f.failing);
  while (report.length > maxOutputChars && failing.length > 0) {
    failing = failing.slice(0, Math.max(1, Math.floor(failing.length * 0.8)));
    const trimmed = failing.length === 1 ? failing.map((f) => ({ ...f, message: f.message.slice(0, 2000) })) : failing;
    report = embedGateReport({ conclusion: result.conclusion, findings: trimmed });
    if (failing.length === 1) break;
  }
  const title = `${result.conclusion === "success" ? "Passed" : result.conclusion === "failure" ? "Failed" : "Neutral"}: ${result.findings.filter((f) => f.failing).length} failing, ${result.findings.length} reported`;
  const output = (chunk: readonly Annotation[]) => ({ title, summary, text: report, annotations: [...chunk] });
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: target.owner,
    repo: target.repo,
    name: gateCheckName,
    head_sha: target.headSha,
    status: "completed",
    conclusion: result.conclusion,
    ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
    output: output(annotations.slice(0, annotationsPerRequest)),
  });
  const id = (data as { id: number }).id;
  for (let at = annotationsPerRequest; at < annotations.length; at += annotationsPerRequest) {
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { owner: target.owner, repo: target.repo, check_run_id: id, output: output(annotations.slice(at, at + annotationsPerRequest)) });
  }
  return id;
}
