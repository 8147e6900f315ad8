import { z } from "zod";
import type { AskModel } from "./ask-model.js";
import type { Plan } from "./planner.js";
import { renderPlan } from "./planner.js";
import type { IssueInput, RepoContext } from "./prompt-context.js";
import { renderIssue } from "./prompt-context.js";
import { requestStructured } from "./request-structured.js";
import { defineTool } from "./tool-schema.js";

export const planReviewSchema = z
  .object({
    verdict: z.enum(["approve", "revise"]).describe("approve: the plan is sound and complete; revise: it must change first"),
    reasons: z.array(z.string().min(1)).max(20).describe("What is wrong or missing and what to do instead; required to revise"),
    summary: z.string().min(1).describe("One or two sentences on the plan's quality"),
  })
  .refine((review) => review.verdict === "approve" || review.reasons.length > 0, { message: "a revise verdict needs at least one reason", path: ["reasons"] });

export type PlanReview = z.infer<typeof planReviewSchema>;

export const reviewPlanTool = defineTool("review_plan", "Submit your review of the plan.", planReviewSchema);

const planReviewerInstructions = `You are the plan reviewer of Orchestrator, a demanding senior engineer reviewing another engineer's plan before any code is written. Approve a plan that solves the issue completely, touches the right files, and says how each step is tested. Ask for a revision when a step is missing, wrong, unsafe, untested or out of scope, and give concrete reasons the planner can act on. Do not ask for changes of taste. Submit your verdict with the review_plan tool.`;

export async function reviewPlan(ask: AskModel, input: { context: RepoContext; issue: IssueInput; plan: Plan; maxTokens?: number }): Promise<PlanReview> {
  return requestStructured(
    ask,
    {
      system: [{ type: "text", text: planReviewerInstructions }, input.context.block],
      messages: [{ role: "user", content: [{ type: "text", text: `${renderIssue(input.issue)}\n\n## Proposed plan\n\n${renderPlan(input.plan)}\n\nReview this plan.` }] }],
      tools: [reviewPlanTool.spec],
      maxTokens: input.maxTokens ?? 2048,
    },
    reviewPlanTool,
  );
}
