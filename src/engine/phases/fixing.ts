import type { Task } from "../../store/tasks.js";
import { renderCiFailure } from "../ci-evidence.js";
import type { EngineDeps } from "../engine-deps.js";
import { advanceJob } from "../job-kinds.js";
import { ciFailuresSchema, readArtifact } from "../phase-artifacts.js";
import { PermanentError } from "../errors.js";
import { preparePhase } from "../prepare-phase.js";
import { handToHuman, submitFix } from "../transitions.js";
import { headMoved, implementChange, saveChange } from "./implementing.js";

/**
 * Red CI came back with evidence: the implementer revises the change with it, and the fix is
 * committed on the same branch (fixes are checked by CI itself, not by another code review round).
 * A fix that edits nothing cannot make CI pass, so the task waits for a person instead.
 */
export async function runFixing(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const failures = readArtifact(db, task.id, "ci_failures", ciFailuresSchema, []);
  const failure = failures.at(-1);
  if (failure?.action !== "fix") throw new PermanentError(`Task ${task.id} is fixing but has no CI failure to fix.`);
  const attempt = failures.filter((f) => f.action === "fix").length;
  const setting = await preparePhase(deps, task);
  if (await headMoved(deps, setting, task)) return;
  const change = await implementChange(deps, task, setting, renderCiFailure(failure, attempt));
  const at = clock.now();
  const detail = { attempt, signature: failure.signature, ...change.detail };
  if (!change.changed) {
    handToHuman(db, task.id, {
      at,
      patch: { failure: `CI failed (${failure.checks.map((c) => `\`${c.name}\``).join(", ")}) and the implementer's fix attempt ${attempt} changed nothing. Push a fix to the branch and approve the pull request, or comment \`/orchestrator retry\`.` },
      detail,
      enqueue: advanceJob(task.id, at),
    });
    return;
  }
  db.transaction(() => {
    saveChange(db, task.id, change, at);
    submitFix(db, task.id, { at, detail, enqueue: advanceJob(task.id, at) });
  })();
}
