import type { SimChange } from "./sim-changes.js";
import type { SimCheckRun, SimCheckSuite, SimConclusion, SimRepo, SimUser } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";

/** A suite reports the most severe conclusion among its runs, in GitHub's order. */
const severity: readonly SimConclusion[] = ["action_required", "cancelled", "timed_out", "failure", "neutral", "success", "skipped"];

export function suiteFor(world: SimWorld, repo: SimRepo, appId: number, headSha: string, headBranch: string | null): SimCheckSuite {
  const existing = [...repo.checkSuites.values()].find((s) => s.appId === appId && s.headSha === headSha);
  if (existing) return existing;
  const now = world.now();
  const suite: SimCheckSuite = { id: world.nextId(), appId, headSha, headBranch, status: "queued", conclusion: null, createdAt: now, updatedAt: now };
  repo.checkSuites.set(suite.id, suite);
  return suite;
}

export function branchOf(repo: SimRepo, sha: string): string | null {
  for (const [ref, target] of repo.git.refs) if (target === sha && ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length);
  return null;
}

/** Recomputes a suite from its runs after one changed; emits `check_suite.completed` when it completes. */
export function settleSuite(world: SimWorld, repo: SimRepo, suite: SimCheckSuite, sender: SimUser, emit: (change: SimChange) => void): void {
  const runs: SimCheckRun[] = [...repo.checkRuns.values()].filter((r) => r.suiteId === suite.id);
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
