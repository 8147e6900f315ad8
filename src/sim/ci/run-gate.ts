import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, realpath, rm } from "node:fs/promises";
import { readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { annotationsOf } from "../../action/check-run.js";
import { gitDiff } from "../../cli/gate-command.js";
import { parseRepoConfig, repoConfigPath } from "../../config/repo-config.js";
import { embedGateReport } from "../../gates/gate-report.js";
import { renderGateSummary, toGateReport } from "../../gates/render-report.js";
import { runGates } from "../../gates/run-gates.js";
import type { JobOutcome } from "../github/actions-jobs.js";
import type { SimAnnotation, SimRepo } from "../github/sim-model.js";
import { formatJobLog } from "./job-log.js";
import { materialiseTree } from "./materialise-tree.js";

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "ci", GIT_AUTHOR_EMAIL: "ci@example.com", GIT_COMMITTER_NAME: "ci", GIT_COMMITTER_EMAIL: "ci@example.com" };

function treeOf(repo: SimRepo, sha: string): string {
  const commit = repo.git.get(sha);
  if (commit?.type !== "commit") throw new Error(`No commit ${sha} in ${repo.owner.login}/${repo.name}.`);
  return commit.tree;
}

/**
 * The real quality gate, as the Action runs it on a pull request: the base commit is checked out
 * and committed in a fresh git repository, the head's tree replaces it in the working tree, and
 * the gates of the base's `.github/orchestrator.yml` run there with `git diff BASE` as the change.
 * The check run gets what the Action reports: summary, annotations, the machine-readable report.
 */
export async function runGateInCheckout(repo: SimRepo, baseSha: string, headSha: string, step: string, now: () => number): Promise<JobOutcome> {
  const startedAt = now();
  const root = await realpath(await mkdtemp(join(tmpdir(), "orchestrator-gate-ci-")));
  try {
    const git = (...args: string[]): string => execFileSync("git", args, { cwd: root, env: gitEnv, encoding: "utf8" }).trim();
    await materialiseTree(repo.git, treeOf(repo, baseSha), root);
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", "base");
    const base = git("rev-parse", "HEAD");
    // The gate's rules come from the base, as the Action reads them: a pull request cannot loosen its own gate.
    const configFile = join(root, repoConfigPath);
    const config = parseRepoConfig(existsSync(configFile) ? readFileSync(configFile, "utf8") : null);
    for (const entry of await readdir(root)) if (entry !== ".git") await rm(join(root, entry), { recursive: true, force: true });
    await materialiseTree(repo.git, treeOf(repo, headSha), root);
    git("add", "-A");
    const result = await runGates({ cwd: root, gates: config.gates, policy: config.gate, diff: gitDiff(root, base) });
    const summary = renderGateSummary(result);
    const annotations = annotationsOf(result.findings)
      .slice(0, 50)
      .map((a): SimAnnotation => ({ path: a.path, startLine: a.start_line, endLine: a.end_line, startColumn: null, endColumn: null, level: a.annotation_level, title: a.title ?? null, message: a.message, rawDetails: null }));
    const endedAt = now();
    return {
      conclusion: result.conclusion,
      title: `${result.findings.filter((f) => f.failing).length} failing finding(s)`,
      summary,
      text: embedGateReport(toGateReport(result)),
      annotations,
      log: formatJobLog({ step, script: "orchestrator gate", startedAt, lines: summary.split("\n").map((text) => ({ at: endedAt, text })), droppedLines: 0, endedAt, error: result.conclusion === "failure" ? "The quality gate failed." : null }),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
