import type { z } from "zod";
import type { PlanReviewRound } from "../../agents/plan-reviewer.js";
import { reviewPlan } from "../../agents/plan-reviewer.js";
import { planSchema } from "../../agents/planner.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import type { EngineDeps } from "../engine-deps.js";
import { advanceJob } from "../job-kinds.js";
import { authorsSchema, planRevisionsSchema, readArtifact } from "../phase-artifacts.js";
import { preparePhase } from "../prepare-phase.js";
import { askAs } from "../task-context.js";
import { assessRisk } from "../../llm/router.js";
import { approvePlan, awaitPlanApproval, handToHuman, revisePlan } from "../transitions.js";

/**
 * A model that did not write the plan reviews it. Approved, the task goes on to implementing;
 * sent back, the planner writes the next round, until the rounds allowed are used up: then the
 * task waits for a person rather than going ahead with a plan nobody approved.
 */
export async function runPlanReview(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const { config, issue, context } = await preparePhase(deps, task);
  const plan = readArtifact(db, task.id, "plan", planSchema);
  const authors = readArtifact(db, task.id, "plan_authors", authorsSchema, []);
  const revisions = readArtifact(db, task.id, "plan_revisions", planRevisionsSchema, []);

  const reviewer = askAs(deps, task, "plan_reviewer", { config, paths: plan.steps.flatMap((s) => s.files), avoid: authors });
  const review = await reviewPlan(reviewer.ask, { context, issue, plan, earlier: earlierRounds(revisions) });
  // A person's replan is not a review round.
  const round = revisions.filter((r) => r.by === undefined).length + 1;
  const at = clock.now();
  const detail = { round, verdict: review.verdict, reasons: review.reasons, summary: review.summary, reviewer: reviewer.answeredBy, authors };
  if (review.verdict === "approve") {
    const risk = assessRisk(config, task.issueLabels, plan.steps.flatMap((s) => s.files));
    // Where the repository asks for it, a person approves the plan of a task this risky first.
    if (config.plan_approval.risks.includes(risk.value)) awaitPlanApproval(db, task.id, { at, detail: { ...detail, risk: risk.value, riskReason: risk.reason }, enqueue: advanceJob(task.id, at) });
    else approvePlan(db, task.id, { at, detail, enqueue: advanceJob(task.id, at) });
    return;
  }
  if (round >= config.limits.plan_rounds) {
    handToHuman(db, task.id, {
      at,
      patch: {
        failure: `The plan reviewer did not approve the plan after ${round} round${round === 1 ? "" : "s"} (the limit is \`limits.plan_rounds\`: ${config.limits.plan_rounds}). Its last reasons: ${review.reasons.join("; ")}. Clarify the issue, or raise the limit, then remove and add the \`${deps.settings.label}\` label.`,
      },
      detail,
      enqueue: advanceJob(task.id, at),
    });
    return;
  }
  db.transaction(() => {
    saveArtifact(db, task.id, "plan_revisions", [...revisions, { plan, reasons: review.reasons, summary: review.summary }], at);
    revisePlan(db, task.id, { at, detail, enqueue: advanceJob(task.id, at) });
  })();
}

/** The reviewer's rounds since the plan was last replanned by a person: that starts a new review. */
function earlierRounds(revisions: z.infer<typeof planRevisionsSchema>): PlanReviewRound[] {
  const sincePerson = revisions.slice(revisions.findLastIndex((r) => r.by !== undefined) + 1);
  return sincePerson.map((r) => ({ plan: r.plan, review: { verdict: "revise", reasons: r.reasons, summary: r.summary ?? r.reasons.join(" ") } }));
}
