import { implementPlan } from "../../agents/implementer.js";
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
import { authorsSchema, codeReviewsSchema, mergeAuthors, readArtifact } from "../phase-artifacts.js";
import { preparePhase } from "../prepare-phase.js";
import { askAs } from "../task-context.js";
import { fail, submitChange } from "../transitions.js";

/** The built-in protected paths, less those the repository lifts (never git's own), plus its own. */
export function pathPolicyFor(config: RepoConfig): PathPolicy {
  const lifted = new Set(config.paths.allow.filter((p) => p !== ".git/**"));
  return new PathPolicy([...defaultProtectedPaths.filter((p) => !lifted.has(p)), ...config.paths.protected]);
}

/**
 * Has the implementer carry out the stored plan on an in-memory workspace and stores the change
 * set. After the code reviewer asked for changes, the workspace starts from the earlier change and
 * the implementer gets the review.
 */
export async function runImplementing(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const { snapshot, config, issue, context } = await preparePhase(deps, task);
  const plan = readArtifact(db, task.id, "plan", planSchema);
  const reviews = readArtifact(db, task.id, "code_reviews", codeReviewsSchema, []);
  const lastReview = reviews.at(-1);
  const earlier = lastReview ? readArtifact(db, task.id, "changes", changeSetSchema) : undefined;
  const earlierAuthors = readArtifact(db, task.id, "change_authors", authorsSchema, []);

  const workspace = new Workspace(snapshot, pathPolicyFor(config), { maxFiles: config.limits.max_files, maxLines: config.limits.max_lines });
  if (earlier) workspace.restore(earlier.changes);
  const revision = lastReview && earlier ? { diff: renderUnifiedDiff(snapshot, earlier.changes), review: lastReview.review } : undefined;
  const implementer = askAs(deps, task, "implementer", { config, paths: plan.steps.flatMap((s) => s.files) });
  const result = await implementPlan(implementer.ask, workspace, {
    context,
    issue,
    plan,
    maxTurns: config.limits.implementer_turns,
    ...(revision ? { revision } : {}),
  });

  const changes = workspace.changes();
  const at = clock.now();
  if (changes.length === 0) {
    // Final, not paused: nothing a person could approve exists. The label starts a fresh attempt.
    fail(db, task.id, {
      at,
      patch: {
        failure: `The implementer finished without changing any file, so there is nothing to propose.${workspace.refusals.length > 0 ? ` Refused edits: ${workspace.refusals.join("; ")}.` : ""} Add detail to the issue, then remove and add the \`${deps.settings.label}\` label to try again.`,
      },
      detail: { refusals: workspace.refusals },
      enqueue: advanceJob(task.id, at),
    });
    return;
  }
  const refusals = [...(earlier?.refusals ?? []), ...workspace.refusals];
  const changeSet: ChangeSet = { summary: result.finish.summary, commitMessage: result.finish.commitMessage, changes, refusals };
  db.transaction(() => {
    saveArtifact(db, task.id, "changes", changeSet, at);
    saveArtifact(db, task.id, "change_authors", mergeAuthors(earlierAuthors, implementer.answeredBy), at);
    submitChange(db, task.id, {
      at,
      detail: { round: reviews.length + 1, files: changes.length, turns: result.turns, failedEdits: result.failedEdits, refusals: workspace.refusals },
      enqueue: advanceJob(task.id, at),
    });
  })();
}
