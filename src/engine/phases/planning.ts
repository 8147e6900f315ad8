import { writePlan } from "../../agents/planner.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import { updateTask } from "../../store/tasks.js";
import type { EngineDeps } from "../engine-deps.js";
import { advanceJob } from "../job-kinds.js";
import { authorsSchema, mergeAuthors, planRevisionsSchema, readArtifact } from "../phase-artifacts.js";
import { preparePhase } from "../prepare-phase.js";
import { askAs, pathsNamedIn } from "../task-context.js";
import { TaskState } from "../task-states.js";
import { startPlanning, submitPlan } from "../transitions.js";

/**
 * Reads the repository at the default branch's head (pinning that commit as the task's base, and
 * freezing its `.github/orchestrator.yml`) and asks the planner for a plan; after a revision the
 * planner sees its earlier plans and the reviewer's reasons. Resumed after a crash, it reads the
 * same commit and the recorded model call answers again without being paid for twice.
 */
export async function runPlanning(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  let current = task.state === TaskState.queued ? startPlanning(db, task.id, { at: clock.now() }) : task;
  const { snapshot, config, issue, context } = await preparePhase(deps, current);
  if (current.baseSha === null) current = updateTask(db, current.id, clock.now(), { baseSha: snapshot.commitSha });
  const revisions = readArtifact(db, current.id, "plan_revisions", planRevisionsSchema, []);
  const planner = askAs(deps, current, "planner", { config, paths: pathsNamedIn(snapshot, `${issue.title}\n${issue.body}`) });
  const plan = await writePlan(planner.ask, { context, issue, revisions });
  const at = clock.now();
  db.transaction(() => {
    saveArtifact(db, current.id, "plan", plan, at);
    // A revised plan descends from the earlier rounds: every model that wrote one is an author.
    saveArtifact(db, current.id, "plan_authors", mergeAuthors(readArtifact(db, current.id, "plan_authors", authorsSchema, []), planner.answeredBy), at);
    submitPlan(db, current.id, {
      at,
      detail: { round: revisions.filter((r) => r.by === undefined).length + 1, replans: revisions.filter((r) => r.by !== undefined).length, steps: plan.steps.length, baseSha: snapshot.commitSha, filesShown: context.shownFiles.length },
      enqueue: advanceJob(current.id, at),
    });
  })();
}
