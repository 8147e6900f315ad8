import { reviewCode } from "../../agents/code-reviewer.js";
import { planSchema } from "../../agents/planner.js";
import { saveArtifact } from "../../store/task-artifacts.js";
import type { Task } from "../../store/tasks.js";
import { renderUnifiedDiff } from "../../workspace/render-diff.js";
import { changeSetSchema } from "../change-set.js";
import type { EngineDeps } from "../engine-deps.js";
import { advanceJob } from "../job-kinds.js";
import { authorsSchema, codeReviewsSchema, readArtifact, reviewCycle } from "../phase-artifacts.js";
import { preparePhase } from "../prepare-phase.js";
import { askAs } from "../task-context.js";
import { approveCode, awaitChangeApproval, handToHuman, requestCodeChanges } from "../transitions.js";
import { assessRisk } from "../../llm/router.js";
import { listTaskEvents } from "../../store/task-events.js";

/**
 * A model that wrote none of the change reviews its diff. Approved, it is pushed; changes
 * requested, the implementer revises, until the rounds allowed are used up: then the task waits
 * for a person instead of opening a pull request its reviewer rejected.
 */
export async function runCodeReview(deps: EngineDeps, task: Task): Promise<void> {
  const { db, clock } = deps;
  const { snapshot, config, issue, context } = await preparePhase(deps, task);
  const plan = readArtifact(db, task.id, "plan", planSchema);
  const changeSet = readArtifact(db, task.id, "changes", changeSetSchema);
  const authors = readArtifact(db, task.id, "change_authors", authorsSchema, []);
  const reviews = readArtifact(db, task.id, "code_reviews", codeReviewsSchema, []);
  // A person's revision of the pull request (or a replan) starts a new cycle with its own rounds.
  const cycle = reviewCycle(db, task.id);

  const reviewer = askAs(deps, task, "code_reviewer", { config, paths: changeSet.changes.map((c) => c.path), avoid: authors });
  const diff = renderUnifiedDiff(snapshot, changeSet.changes);
  // This cycle's earlier rounds, if each kept its diff (tasks from before diffs were kept start afresh).
  const thisCycle = reviews.filter((r) => r.cycle === cycle);
  const earlier = thisCycle.every((r) => r.diff !== undefined) ? thisCycle.map((r) => ({ diff: r.diff ?? "", review: r.review })) : [];
  const review = await reviewCode(reviewer.ask, { context, issue, plan, diff, earlier });
  const round = thisCycle.length + 1;
  const at = clock.now();
  const reviewerRef = reviewer.answeredBy.at(-1) ?? reviewer.route.chain[0] ?? { provider: "unknown", model: "unknown" };
  const detail = { round, cycle, verdict: review.verdict, summary: review.summary, comments: review.comments.length, reviewer: reviewer.answeredBy, authors };
  db.transaction(() => {
    saveArtifact(db, task.id, "code_reviews", [...reviews, { review, reviewer: reviewerRef, cycle, diff }], at);
    if (review.verdict === "approve") {
      // The plan's risk decided whether a person approves the plan; the change's paths may say more.
      const risk = assessRisk(config, task.issueLabels, changeSet.changes.map((c) => c.path));
      const approvedByPerson = listTaskEvents(db, task.id).some((e) => e.kind === "plan_approved" || e.kind === "change_approved");
      if (config.plan_approval.risks.includes(risk.value) && !approvedByPerson) {
        awaitChangeApproval(db, task.id, { at, detail: { ...detail, risk: risk.value, riskReason: risk.reason }, enqueue: advanceJob(task.id, at) });
      } else {
        approveCode(db, task.id, { at, detail, enqueue: advanceJob(task.id, at) });
      }
    } else if (round >= config.limits.code_review_rounds) {
      handToHuman(db, task.id, {
        at,
        patch: {
          failure: `The code reviewer still asked for changes after ${round} round${round === 1 ? "" : "s"} (the limit is \`limits.code_review_rounds\`: ${config.limits.code_review_rounds}): ${review.summary} Clarify the issue, or raise the limit, then remove and add the \`${deps.settings.label}\` label.`,
        },
        detail,
        enqueue: advanceJob(task.id, at),
      });
    } else {
      requestCodeChanges(db, task.id, { at, detail, enqueue: advanceJob(task.id, at) });
    }
  })();
}
