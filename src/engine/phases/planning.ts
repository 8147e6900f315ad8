import { writePlan } from "../../agents/planner.js";
import { buildRepoContext } from "../../agents/prompt-context.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import { updateTask } from "../../store/tasks.js";
import type { EngineDeps } from "../engine-deps.js";
import { advanceJob } from "../job-kinds.js";
import { reportProgress } from "../report-progress.js";
import { askAs, baseSnapshot } from "../task-context.js";
import { TaskState } from "../task-states.js";
import { startImplementing, startPlanning } from "../transitions.js";

/**
 * Reads the repository at the default branch's head (pinning that commit as the task's base) and
 * asks the planner for a plan. Resumed after a crash, it reads the same commit and the recorded
 * model call answers again without being paid for twice.
 */
export async function runPlanning(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  let current = task.state === TaskState.queued ? startPlanning(db, task.id, { at: clock.now() }) : task;
  const github = await deps.github(current.installationId);
  await reportProgress(deps, github, current.id);

  const snapshot = await baseSnapshot(deps, github, current);
  deps.snapshots.put(snapshot);
  if (current.baseSha === null) current = updateTask(db, current.id, clock.now(), { baseSha: snapshot.commitSha });

  const issue = { number: current.issueNumber, title: current.issueTitle, body: current.issueBody };
  const context = buildRepoContext(snapshot, issue, deps.settings.contextTokens);
  const plan = await writePlan(askAs(deps, current, "planner"), { model: deps.settings.model, context, issue });
  saveArtifact(db, current.id, "plan", plan, clock.now());
  startImplementing(db, current.id, {
    at: clock.now(),
    detail: { steps: plan.steps.length, baseSha: snapshot.commitSha, filesShown: context.shownFiles.length },
    enqueue: advanceJob(current.id, clock.now()),
  });
}
