import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import { Octokit } from "@octokit/rest";
import { gitDiff } from "../cli/gate-command.js";
import type { RepoConfig } from "../config/repo-config.js";
import { parseRepoConfig, RepoConfigError } from "../config/repo-config.js";
import { renderGateSummary, toGateReport } from "../gates/render-report.js";
import { runGates } from "../gates/run-gates.js";
import { reportCheckRun } from "./check-run.js";

/*
 * The quality-gate GitHub Action: runs the repository's gates on the checked-out head, judges the
 * findings against the pull request's change, and reports one check run, the job summary and the
 * outputs. The same code as `orchestrator gate`.
 */

interface PushOrPullEvent {
  readonly pull_request?: { readonly base?: { readonly sha?: string }; readonly head?: { readonly sha?: string } };
  readonly before?: string;
}

function readEvent(): PushOrPullEvent {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PushOrPullEvent;
  } catch {
    return {};
  }
}

function applyInputs(config: RepoConfig): RepoConfig {
  const failOn = core.getInput("fail-on");
  const diffOnly = core.getInput("diff-only");
  const semgrep = core.getInput("semgrep");
  const only = core.getInput("checks").split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (failOn !== "" && failOn !== "error" && failOn !== "warning") throw new RepoConfigError(`The input fail-on must be error or warning, not ${failOn}.`);
  if (semgrep !== "" && semgrep !== "auto" && semgrep !== "required" && semgrep !== "off") throw new RepoConfigError(`The input semgrep must be auto, required or off, not ${semgrep}.`);
  const unknown = only.filter((name) => !config.gates.some((g) => g.name === name));
  if (unknown.length > 0) throw new RepoConfigError(`The input checks names gates that the config does not have: ${unknown.join(", ")}.`);
  return {
    ...config,
    gates: only.length > 0 ? config.gates.filter((g) => only.includes(g.name)) : config.gates,
    gate: {
      ...config.gate,
      ...(failOn === "error" || failOn === "warning" ? { fail_on: failOn } : {}),
      ...(diffOnly === "" ? {} : { diff_only: core.getBooleanInput("diff-only") }),
      ...(semgrep === "auto" || semgrep === "required" || semgrep === "off" ? { semgrep } : {}),
    },
  };
}

/** The base commit, fetched when a shallow checkout lacks it (actions/checkout fetches one commit by default). */
function ensureCommit(cwd: string, sha: string): void {
  if (spawnSync("git", ["cat-file", "-e", `${sha}^{commit}`], { cwd }).status === 0) return;
  const fetched = spawnSync("git", ["fetch", "--no-tags", "--depth=1", "origin", sha], { cwd, encoding: "utf8" });
  if (fetched.status !== 0) core.warning(`The base commit ${sha} is not in the checkout and could not be fetched (${fetched.stderr.trim().split("\n")[0] ?? ""}); use actions/checkout with fetch-depth: 0.`);
}

function readAtCommit(cwd: string, sha: string, path: string): string | null {
  const shown = spawnSync("git", ["show", `${sha}:${path}`], { cwd, encoding: "utf8" });
  return shown.status === 0 ? shown.stdout : null;
}

export async function runAction(): Promise<void> {
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const configPath = core.getInput("config") || ".github/orchestrator.yml";
  let text: string | null = null;
  try {
    text = readFileSync(`${cwd}/${configPath}`, "utf8");
  } catch {
    core.info(`No ${configPath}: running only the checks on the change itself.`);
  }
  const event = readEvent();
  const base = event.pull_request?.base?.sha ?? (event.before && !/^0+$/.test(event.before) ? event.before : undefined);
  if (base !== undefined) {
    ensureCommit(cwd, base);
    // The rules come from the base: a pull request cannot loosen the gate it is judged by.
    const atBase = readAtCommit(cwd, base, configPath);
    if (atBase !== null) text = atBase;
  }
  const config = applyInputs(parseRepoConfig(text));
  const headSha = event.pull_request?.head?.sha ?? process.env.GITHUB_SHA ?? "";
  let diff: string | null = null;
  if (base !== undefined) {
    try {
      diff = gitDiff(cwd, base);
    } catch (error) {
      core.warning(`Could not diff against ${base} (check out with fetch-depth: 0): every line counts and the no-cheating check is skipped. ${error instanceof Error ? error.message.split("\n")[0] ?? "" : ""}`);
    }
  }
  const result = await runGates({ cwd, gates: config.gates, policy: config.gate, diff });
  const report = toGateReport(result);
  await core.summary.addRaw(renderGateSummary(result)).write();
  core.setOutput("conclusion", result.conclusion);
  core.setOutput("findings", String(result.findings.filter((f) => f.failing).length));
  core.setOutput("report", JSON.stringify(report));
  const token = core.getInput("github-token");
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? "/").split("/");
  if (token && owner && repo && headSha) {
    const octokit = new Octokit({ auth: token, baseUrl: process.env.GITHUB_API_URL ?? "https://api.github.com" });
    const runUrl = process.env.GITHUB_SERVER_URL && process.env.GITHUB_RUN_ID ? `${process.env.GITHUB_SERVER_URL}/${owner}/${repo}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
    try {
      const id = await reportCheckRun(octokit, { owner, repo, headSha, ...(runUrl ? { detailsUrl: runUrl } : {}) }, result);
      core.info(`Reported check run ${id} on ${headSha}.`);
    } catch (error) {
      // A fork's read-only token cannot create check runs: the job summary and outputs still carry the result.
      core.warning(`Could not report the check run (${error instanceof Error ? error.message : String(error)}); the job summary and outputs have the result.`);
    }
  } else {
    core.info("No github-token (or repository, or head commit): the check run is not reported; the job summary and outputs are.");
  }
  if (result.conclusion === "failure") core.setFailed(`The quality gate failed: ${report.findings.filter((f) => f.failing).length} failing finding(s).`);
}

runAction().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? error.message : String(error));
});
