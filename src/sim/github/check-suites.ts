import type { SimChange } from "./sim-changes.js";
import type { SimCheckRun, SimCheckSuite, SimConclusion, SimRepo, SimUser, SimWorkflowRun } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";

/** A suite reports the most severe conclusion among its runs, in GitHub's order. */
const severity: readonly SimConclusion[] = ["action_required", "cancelled", "timed_out", "failure", "neutral", "success", "skipped"];

/** The app's suite for a commit, made on first use; `workflowRun` makes a GitHub Actions suite's workflow run with it. */
export function suiteFor(world: SimWorld, repo: SimRepo, appId: number, headSha: string, headBranch: string | null, workflowRun?: () => SimWorkflowRun): SimCheckSuite {
  const existing = [...repo.checkSuites.values()].find((s) => s.appId === appId && s.headSha === headSha);
  if (existing) return existing;
  const now = world.now();
  const suite: SimCheckSuite = { id: world.nextId(), appId, headSha, headBranch, status: "queued", conclusion: null, createdAt: now, updatedAt: now, ...(workflowRun ? { workflowRun: workflowRun() } : {}) };
  repo.checkSuites.set(suite.id, suite);
  return suite;
}

export function branchOf(repo: SimRepo, sha: string): string | null {
  for (const [ref, target] of repo.git.refs) if (target === sha && ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length);
  return null;
}

/** The most recent run of each check (per app and name): a re-run supersedes the run it repeats. */
export function latestRuns<R extends SimCheckRun>(runs: readonly R[]): R[] {
  const latest = new Map<string, R>();
  for (const run of runs) {
    const key = `${run.appId}/${run.name}`;
    const seen = latest.get(key);
    if (!seen || run.id > seen.id) latest.set(key, run);
  }
  return runs.filter((r) => latest.get(`${r.appId}/${r.name}`) === r);
}

export function runsOfSuite(repo: SimRepo, suite: SimCheckSuite): SimCheckRun[] {
  return [...repo.checkRuns.values()].filter((r) => r.suiteId === suite.id);
}

/**
 * Recomputes a suite from its latest runs after one changed; emits `check_suite.completed` each time
 * it completes (again, after a re-run).
 */
export function settleSuite(world: SimWorld, repo: SimRepo, suite: SimCheckSuite, sender: SimUser, emit: (change: SimChange) => void): void {
  const runs = latestRuns(runsOfSuite(repo, suite));
  const wasCompleted = suite.status === "completed";
  suite.updatedAt = world.now();
  if (runs.length > 0 && runs.every((r) => r.status === "completed")) {
    suite.status = "completed";
    suite.conclusion = severity.find((c) => runs.some((r) => r.conclusion === c)) ?? "success";
    if (!wasCompleted) emit({ kind: "check_suite.completed", repo, suite, sender });
  } else {
    suite.status = runs.some((r) => r.status !== "queued") ? "in_progress" : "queued";
    suite.conclusion = null;
  }
}
