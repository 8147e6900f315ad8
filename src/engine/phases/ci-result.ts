import type { RepoConfig } from "../../config/repo-config.js";
import type { CheckConclusion, CheckRunSummary, GitHubGateway } from "../../github/github-gateway.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import { appendTaskEvent, listTaskEvents } from "../../store/task-events.js";
import type { Task } from "../../store/tasks.js";
import { getTask } from "../../store/tasks.js";
import type { CiFailure } from "../ci-evidence.js";
import { failureSignature, gatherEvidence } from "../ci-evidence.js";
import type { EngineDeps } from "../engine-deps.js";
import { dashboardCheckName } from "../engine-deps.js";
import type { CiCompletedPayload } from "../job-kinds.js";
import { advanceJob } from "../job-kinds.js";
import { describeError } from "../errors.js";
import type { StoredCiFailure } from "../phase-artifacts.js";
import { ciFailuresSchema, readArtifact } from "../phase-artifacts.js";
import { frozenConfig, repoOf } from "../task-context.js";
import { TaskState } from "../task-states.js";
import { ciFailed, ciPassed, handToHuman } from "../transitions.js";

const red: ReadonlySet<CheckConclusion> = new Set<CheckConclusion>(["failure", "timed_out", "cancelled", "action_required", "stale"]);

/**
 * The latest run of each check, by the app that made it and its name (a re-run adds a run with the
 * same name; the newest counts; two apps' checks of the same name are two checks).
 */
function latestByName(runs: readonly CheckRunSummary[]): CheckRunSummary[] {
  const latest = new Map<string, CheckRunSummary>();
  for (const run of runs) {
    const key = `${String(run.appId)}\u0000${run.name}`;
    const seen = latest.get(key);
    if (!seen || run.id > seen.id) latest.set(key, run);
  }
  return [...latest.values()];
}

/** The checks that gate the task: every check on the head commit except the app's own dashboard. */
export function gatingChecks(runs: readonly CheckRunSummary[], ownAppId: number | undefined): CheckRunSummary[] {
  return latestByName(runs.filter((r) => r.name !== dashboardCheckName && (ownAppId === undefined || r.appId !== ownAppId)));
}

export interface CiVerdict {
  readonly state: "pending" | "green" | "red";
  readonly checks: readonly CheckRunSummary[];
  /** Required checks that have not reported at all yet. */
  readonly missing: readonly string[];
}

/** Where the required checks stand: the config's list of names, or every check but ours. */
export function judgeChecks(runs: readonly CheckRunSummary[], config: RepoConfig, ownAppId: number | undefined): CiVerdict {
  const gating = gatingChecks(runs, ownAppId);
  const required = config.ci.required_checks;
  const checks = required ? gating.filter((c) => required.includes(c.name)) : gating;
  const missing = required ? required.filter((name) => !checks.some((c) => c.name === name)) : [];
  if (checks.length === 0 || missing.length > 0 || checks.some((c) => c.status !== "completed")) return { state: "pending", checks, missing };
  return { state: checks.some((c) => c.conclusion !== null && red.has(c.conclusion)) ? "red" : "green", checks, missing };
}

/**
 * A check suite, check run or workflow run finished on a task's head commit. Reads the commit's
 * checks once; when every required one has concluded, green marks the pull request ready and asks
 * for review, red goes to the fix loop. Still-running checks mean another event will report later.
 */
export async function runCiCompleted(deps: EngineDeps, payload: CiCompletedPayload): Promise<void> {
  const { db, clock, log } = deps;
  const task = getTask(db, payload.taskId);
  // Still pushing: the push reads the checks itself once it is done, so nothing reported now is lost.
  if (task?.state !== TaskState.awaitingCi || task.headSha !== payload.headSha) {
    log.info("ignored a CI result that no longer applies", { taskId: payload.taskId, headSha: payload.headSha, state: task?.state });
    return;
  }
  const github = await deps.github(task.installationId);
  const config = frozenConfig(deps, task.id);
  const verdict = judgeChecks(await github.listCheckRuns(repoOf(task), payload.headSha), config, deps.settings.appId);
  if (verdict.state === "pending") {
    const pending = verdict.checks.filter((c) => c.status !== "completed").map((c) => c.name);
    // Waiting is bounded: reconciliation reads again while nothing arrives, and these limits end the wait.
    const waited = clock.now() - (listTaskEvents(db, task.id).findLast((e) => e.toState === TaskState.awaitingCi)?.at ?? clock.now());
    if (verdict.checks.length === 0 && config.ci.required_checks === undefined && waited >= config.ci.no_checks_minutes * 60_000) {
      return onGreen(deps, github, task, config, { checks: [], noCi: `no check reported within ${config.ci.no_checks_minutes} minutes of the push` });
    }
    if (waited >= config.ci.timeout_minutes * 60_000) {
      const names = [...pending, ...verdict.missing].map((n) => `\`${n}\``).join(", ");
      handToHuman(db, task.id, {
        at: clock.now(),
        patch: { failure: `CI did not finish: ${names || "no check"} still ${verdict.missing.length > 0 ? "missing or " : ""}running ${config.ci.timeout_minutes} minutes after the push (\`ci.timeout_minutes\`). Re-run it and comment \`/orchestrator retry\`, or review the pull request as it is.` },
        detail: { pending, missing: verdict.missing, waitedMs: waited },
        enqueue: advanceJob(task.id, clock.now()),
      });
      return;
    }
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "ci_pending", detail: { pending, missing: verdict.missing } });
    return;
  }
  const detail = { checks: verdict.checks.map((c) => ({ name: c.name, conclusion: c.conclusion })) };
  if (verdict.state === "green") return onGreen(deps, github, task, config, detail);
  return onRed(deps, github, task, config, verdict.checks.filter((c) => c.conclusion !== null && red.has(c.conclusion)));
}

async function onGreen(deps: EngineDeps, github: GitHubGateway, task: Task, config: RepoConfig, detail: Record<string, unknown>): Promise<void> {
  const { db, clock } = deps;
  const repo = repoOf(task);
  if (task.prNumber !== null) {
    // Both asked before the transition: asking again on a retry is harmless, never asking is not.
    const pr = await github.getPullRequest(repo, task.prNumber);
    if (pr.draft) await github.markReadyForReview(repo, pr);
    const reviewers = config.review.reviewers.length > 0 ? config.review.reviewers : [task.requestedBy];
    try {
      await github.requestReviewers(repo, task.prNumber, reviewers);
    } catch (error) {
      // GitHub refuses some reviewers (the PR's author, people without access); the task goes on.
      appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "review_request_failed", detail: { reviewers, error: describeError(error) } });
    }
  }
  const failures = readArtifact(db, task.id, "ci_failures", ciFailuresSchema, []);
  const at = clock.now();
  db.transaction(() => {
    // Green closes the loop: a later red (after a person's revision) gets a fresh set of attempts.
    if (failures.length > 0) saveArtifact(db, task.id, "ci_failures", [...failures, { headSha: task.headSha ?? "", signature: "", action: "reset", checks: [] }], at);
    ciPassed(db, task.id, { at, detail: { ...detail, attempts: fixAttempts(currentLoop(failures)) }, enqueue: advanceJob(task.id, at) });
  })();
}

/** The records since the loop last ended (a stop, then `/orchestrator retry`; or green CI). */
function currentLoop(failures: readonly StoredCiFailure[]): StoredCiFailure[] {
  return failures.slice(failures.findLastIndex((f) => f.action === "stop" || f.action === "reset") + 1);
}

function fixAttempts(failures: readonly StoredCiFailure[]): number {
  return failures.filter((f) => f.action === "fix").length;
}

function describeChecks(failure: CiFailure): string {
  return failure.checks
    .map((c) => {
      const first = c.annotations[0];
      const said = first ? ` — ${first.path}:${first.startLine} ${first.title ? `${first.title}: ` : ""}${first.message}` : c.summary ? ` — ${c.summary}` : c.title ? ` — ${c.title}` : "";
      return `\`${c.name}\` (${c.category})${said.replace(/\s+/g, " ").slice(0, 300)}`;
    })
    .join("; ");
}

/**
 * Red: infrastructure failures of Actions jobs are re-run once; anything else gets a fix attempt
 * with the evidence, unless the same failure already came back after a fix or the attempts allowed
 * are used up. Then the task waits for a person with one account of what failed and what was tried.
 */
async function onRed(deps: EngineDeps, github: GitHubGateway, task: Task, config: RepoConfig, failed: readonly CheckRunSummary[]): Promise<void> {
  const { db, clock } = deps;
  const repo = repoOf(task);
  const headSha = task.headSha ?? "";
  const failures = readArtifact(db, task.id, "ci_failures", ciFailuresSchema, []);
  // After a stop and `/orchestrator retry`, or green CI, the loop starts afresh.
  const loop = currentLoop(failures);
  // The runs just re-run are still the latest until GitHub makes their new attempts: not a result yet.
  const rerun = loop.findLast((f) => f.headSha === headSha && f.action === "rerun");
  if (rerun && failed.every((c) => rerun.checks.some((r) => r.checkRunId === c.id))) {
    appendTaskEvent(db, { taskId: task.id, at: clock.now(), kind: "ci_pending", detail: { rerunning: failed.map((c) => c.name) } });
    return;
  }
  const checks = await gatherEvidence(github, repo, failed);
  const failure: CiFailure = { headSha, signature: failureSignature(checks), checks };
  const attempts = fixAttempts(loop);
  const record = (action: StoredCiFailure["action"]): StoredCiFailure[] => [...failures, { ...failure, checks: failure.checks.map((c) => ({ ...c, annotations: [...c.annotations] })), action }];
  const detail = { signature: failure.signature, checks: checks.map((c) => ({ name: c.name, conclusion: c.conclusion, category: c.category })), attempts };
  const at = clock.now();

  const infrastructure = checks.every((c) => c.category === "infrastructure" && c.rerunnable);
  const rerunBefore = rerun !== undefined;
  if (infrastructure && !rerunBefore) {
    // Re-run first, then record: a crash in between re-runs twice at worst, which GitHub refuses harmlessly.
    const results = await Promise.allSettled(checks.map((c) => github.rerunJob(repo, c.checkRunId)));
    if (results.every((r) => r.status === "fulfilled")) {
      db.transaction(() => {
        saveArtifact(db, task.id, "ci_failures", record("rerun"), at);
        appendTaskEvent(db, { taskId: task.id, at, kind: "ci_rerun", detail });
      })();
      return;
    }
  }

  const tried = loop.filter((f) => f.action === "fix").map((f, i) => `fix ${i + 1} for a failure in ${f.checks.map((c) => `\`${c.name}\``).join(", ")} (commit ${f.headSha.slice(0, 7)} failed)`);
  const repeated = loop.some((f) => f.action === "fix" && f.signature === failure.signature);
  const exhausted = attempts >= config.ci.fix_attempts;
  const cannotFix = infrastructure; // its re-run failed too: code changes will not help
  if (repeated || exhausted || cannotFix) {
    const why = repeated
      ? `the same failure came back after a fix attempt`
      : cannotFix
        ? `an infrastructure failure persisted after a re-run`
        : `the fix attempts allowed are used up (\`ci.fix_attempts\`: ${config.ci.fix_attempts})`;
    db.transaction(() => {
      saveArtifact(db, task.id, "ci_failures", record("stop"), at);
      handToHuman(db, task.id, {
        at,
        patch: {
          failure: `CI failed and Orchestrator stopped: ${why}. Failing: ${describeChecks(failure)}. Tried: ${tried.length > 0 ? tried.join("; ") : "nothing yet"}${infrastructure ? "; a re-run of the failed jobs" : ""}. Push a fix to the branch and approve the pull request, or comment \`/orchestrator retry\` to try again.`,
        },
        detail: { ...detail, reason: repeated ? "repeated" : cannotFix ? "infrastructure" : "attempts" },
        enqueue: advanceJob(task.id, at),
      });
    })();
    return;
  }
  db.transaction(() => {
    saveArtifact(db, task.id, "ci_failures", record("fix"), at);
    ciFailed(db, task.id, { at, detail: { ...detail, attempt: attempts + 1 }, enqueue: advanceJob(task.id, at) });
  })();
}
