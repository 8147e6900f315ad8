import type { ImplementationRevision } from "../../agents/implementer.js";
import { codeReviewFeedback, implementPlan } from "../../agents/implementer.js";
import { planSchema } from "../../agents/planner.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { changeSetSchema } from "../change-set.js";
import type { ChangeSet } from "../change-set.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import { defaultProtectedPaths, PathPolicy } from "../../workspace/path-policy.js";
import { renderUnifiedDiff } from "../../workspace/render-diff.js";
import { Workspace } from "../../workspace/workspace.js";
import type { EngineDeps } from "../engine-deps.js";
import { advanceJob } from "../job-kinds.js";
import { RecentCache } from "../recent-cache.js";
import { authorsSchema, codeReviewsSchema, mergeAuthors, readArtifact, reviewCycle } from "../phase-artifacts.js";
import type { PhaseSetting } from "../prepare-phase.js";
import { preparePhase } from "../prepare-phase.js";
import { askAs } from "../task-context.js";
import { fail, handToHuman, submitChange } from "../transitions.js";
import type { Db } from "../../store/open-database.js";

/** Policies by their patterns: compiling the globs takes about a millisecond, and a policy never changes once made. */
const policies = new RecentCache<PathPolicy>(32);

/** The built-in protected paths, less those the repository lifts (never git's own), plus its own. */
export function pathPolicyFor(config: RepoConfig): PathPolicy {
  const lifted = new Set(config.paths.allow.filter((p) => p !== ".git/**"));
  const patterns = [...defaultProtectedPaths.filter((p) => !lifted.has(p)), ...config.paths.protected];
  const key = JSON.stringify(patterns);
  let policy = policies.get(key);
  if (!policy) {
    policy = new PathPolicy(patterns);
    policies.put(key, policy);
  }
  return policy;
}

export interface ImplementedChange {
  readonly changeSet: ChangeSet;
  /** Whether the edits changed anything against the earlier change set (a revision that edits nothing did not revise). */
  readonly changed: boolean;
  readonly refusals: readonly string[];
  readonly detail: Record<string, unknown>;
  /** Who wrote the change so far, this run included: reviewers are chosen among the others. */
  readonly authors: ReturnType<typeof mergeAuthors>;
}

/**
 * Has the implementer carry out the stored plan on an in-memory workspace. With `feedback` (a code
 * review, red CI, a person's review) the workspace starts from the earlier change set and the
 * implementer sees its diff and the feedback. Nothing is stored here; the caller stores the result
 * with its transition.
 */
export async function implementChange(deps: EngineDeps, task: Task, setting: PhaseSetting, feedback?: string): Promise<ImplementedChange> {
  const { db, clock } = deps;
  const { snapshot, config, issue, context } = setting;
  const plan = readArtifact(db, task.id, "plan", planSchema);
  const earlier = feedback === undefined ? undefined : readArtifact(db, task.id, "changes", changeSetSchema);
  const earlierAuthors = readArtifact(db, task.id, "change_authors", authorsSchema, []);

  const workspace = new Workspace(snapshot, pathPolicyFor(config), { maxFiles: config.limits.max_files, maxLines: config.limits.max_lines });
  if (earlier) workspace.restore(earlier.changes);
  const revision: ImplementationRevision | undefined = earlier && feedback !== undefined ? { diff: renderUnifiedDiff(snapshot, earlier.changes), feedback } : undefined;
  const implementer = askAs(deps, task, "implementer", { config, paths: plan.steps.flatMap((s) => s.files) });
  const result = await implementPlan(implementer.ask, workspace, {
    context,
    issue,
    plan,
    maxTurns: config.limits.implementer_turns,
    ...(revision ? { revision } : {}),
  });
  const changes = workspace.changes();
  return {
    changeSet: {
      summary: result.finish.summary,
      commitMessage: result.finish.commitMessage,
      // A later round (the code reviewer's) that says nothing of the threads keeps what was said of them.
      ...((result.finish.replies ?? earlier?.replies) ? { replies: result.finish.replies ?? earlier?.replies } : {}),
      changes,
      refusals: [...(earlier?.refusals ?? []), ...workspace.refusals],
      at: clock.now(),
    },
    changed: earlier === undefined ? changes.length > 0 : JSON.stringify(changes) !== JSON.stringify(earlier.changes),
    refusals: workspace.refusals,
    detail: { files: changes.length, turns: result.turns, failedEdits: result.failedEdits, refusals: workspace.refusals },
    authors: mergeAuthors(earlierAuthors, implementer.answeredBy),
  };
}

/**
 * Before a fix or a revision is paid for: the pull request's head must still be the commit the task
 * pushed. Someone else's commit on the branch would be overwritten by the task's next tree (built
 * from the base), so the task waits for a person instead, saying why. True when the head moved.
 */
export async function headMoved(deps: EngineDeps, setting: PhaseSetting, task: Task): Promise<boolean> {
  if (task.prNumber === null || task.headSha === null) return false;
  const pr = await setting.github.getPullRequest({ owner: task.owner, repo: task.repo }, task.prNumber);
  if (pr.headSha === task.headSha) return false;
  const at = deps.clock.now();
  handToHuman(deps.db, task.id, {
    at,
    patch: {
      failure: `Someone pushed to the pull request's branch (its head is ${pr.headSha.slice(0, 7)}; Orchestrator's last commit is ${task.headSha.slice(0, 7)}), and Orchestrator does not build on commits it did not make. Finish the change yourself and approve, or close the pull request and add the \`${deps.settings.label}\` label again to start over.`,
    },
    detail: { prHead: pr.headSha, taskHead: task.headSha },
    enqueue: advanceJob(task.id, at),
  });
  return true;
}

/** Stores a change set and who wrote it; called inside the transaction of the transition that follows. */
export function saveChange(db: Db, taskId: number, change: ImplementedChange, at: number): void {
  saveArtifact(db, taskId, "changes", change.changeSet, at);
  saveArtifact(db, taskId, "change_authors", change.authors, at);
}

/**
 * Implements the plan, or, after the code reviewer asked for changes, revises the earlier change
 * with the review. The change set goes to the code reviewer next.
 */
export async function runImplementing(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const setting = await preparePhase(deps, task);
  const reviews = readArtifact(db, task.id, "code_reviews", codeReviewsSchema, []);
  const cycle = reviewCycle(db, task.id);
  const lastReview = reviews.at(-1);
  // In implementing, the last review of this cycle (if any) asked for changes: that is what to revise.
  const revising = lastReview?.cycle === cycle && lastReview.review.verdict !== "approve" ? lastReview : undefined;
  const change = await implementChange(deps, task, setting, revising ? codeReviewFeedback(revising.review) : undefined);

  const at = clock.now();
  if (change.changeSet.changes.length === 0) {
    // Final, not paused: nothing a person could approve exists. The label starts a fresh attempt.
    fail(db, task.id, {
      at,
      patch: {
        failure: `The implementer finished without changing any file, so there is nothing to propose.${change.refusals.length > 0 ? ` Refused edits: ${change.refusals.join("; ")}.` : ""} Add detail to the issue, then remove and add the \`${deps.settings.label}\` label to try again.`,
      },
      detail: { refusals: change.refusals },
      enqueue: advanceJob(task.id, at),
    });
    return;
  }
  db.transaction(() => {
    saveChange(db, task.id, change, at);
    submitChange(db, task.id, { at, detail: { round: reviews.filter((r) => r.cycle === cycle).length + 1, ...change.detail }, enqueue: advanceJob(task.id, at) });
  })();
}
