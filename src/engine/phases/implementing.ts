import { implementPlan } from "../../agents/implementer.js";
import { planSchema } from "../../agents/planner.js";
import { buildRepoContext } from "../../agents/prompt-context.js";
import { loadArtifact, saveArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import { PathPolicy } from "../../workspace/path-policy.js";
import { Workspace } from "../../workspace/workspace.js";
import type { EngineDeps } from "../engine-deps.js";
import { PermanentError } from "../errors.js";
import type { ChangeSet } from "../change-set.js";
import { advanceJob } from "../job-kinds.js";
import { reportProgress } from "../report-progress.js";
import { askAs, baseSnapshot } from "../task-context.js";
import { fail, startPushing } from "../transitions.js";


/** Has the implementer carry out the stored plan on an in-memory workspace, and stores the change set. */
export async function runImplementing(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const github = await deps.github(task.installationId);
  await reportProgress(deps, github, task.id);

  const plan = planSchema.safeParse(loadArtifact(db, task.id, "plan"));
  if (!plan.success) throw new PermanentError(`Task ${task.id} has no valid stored plan to implement.`);
  const snapshot = await baseSnapshot(deps, github, task);
  const issue = { number: task.issueNumber, title: task.issueTitle, body: task.issueBody };
  const context = buildRepoContext(snapshot, issue, deps.settings.contextTokens);
  const workspace = new Workspace(snapshot, new PathPolicy());
  const result = await implementPlan(askAs(deps, task, "implementer"), workspace, { model: deps.settings.model, context, issue, plan: plan.data });

  const changes = workspace.changes();
  if (changes.length === 0) {
    // Final, not paused: nothing a person could approve exists. The label starts a fresh attempt.
    fail(db, task.id, {
      at: clock.now(),
      patch: {
        failure: `The implementer finished without changing any file, so there is nothing to propose. Add detail to the issue, then remove and add the \`${deps.settings.label}\` label to try again.`,
      },
      detail: { refusals: workspace.refusals },
      enqueue: advanceJob(task.id, clock.now()),
    });
    return;
  }
  const changeSet: ChangeSet = { summary: result.finish.summary, commitMessage: result.finish.commitMessage, changes, refusals: [...workspace.refusals] };
  saveArtifact(db, task.id, "changes", changeSet, clock.now());
  startPushing(db, task.id, {
    at: clock.now(),
    detail: { files: changes.length, turns: result.turns, failedEdits: result.failedEdits, refusals: workspace.refusals.length },
    enqueue: advanceJob(task.id, clock.now()),
  });
}
