import { z } from "zod";
import type { LlmMessage } from "../llm/llm-client.js";
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

/** A round this reviewer already answered: the plan it saw and what it said. */
export interface PlanReviewRound {
  readonly plan: Plan;
  readonly review: PlanReview;
}

/**
 * Reviews `plan`. Earlier rounds of the same review stay in the conversation: the reviewer sees
 * what it asked for and can check that the revision does it, and the conversation so far is a
 * prefix the provider's cache serves.
 */
export async function reviewPlan(
  ask: AskModel,
  input: { context: RepoContext; issue: IssueInput; plan: Plan; earlier?: readonly PlanReviewRound[]; maxTokens?: number },
): Promise<PlanReview> {
  const earlier = input.earlier ?? [];
  const planOfRound = (i: number): Plan => earlier[i]?.plan ?? input.plan;
  return requestStructured(
    ask,
    {
      system: [{ type: "text", text: planReviewerInstructions }, input.context.block],
      messages: [
        { role: "user", content: [{ type: "text", text: `${renderIssue(input.issue)}\n\n## Proposed plan\n\n${renderPlan(planOfRound(0))}\n\nReview this plan.` }] },
        ...earlier.flatMap((round, i): LlmMessage[] => [
          { role: "assistant", content: [{ type: "tool_use", id: `plan_review_${i + 1}`, name: reviewPlanTool.spec.name, input: round.review }] },
          {
            role: "user",
            content: [{ type: "tool_result", toolUseId: `plan_review_${i + 1}`, content: `The planner revised the plan:\n\n${renderPlan(planOfRound(i + 1))}\n\nReview the revised plan.` }],
          },
        ]),
      ],
      tools: [reviewPlanTool.spec],
      maxTokens: input.maxTokens ?? 2048,
    },
    reviewPlanTool,
  );
}
