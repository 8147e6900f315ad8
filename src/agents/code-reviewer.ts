import { z } from "zod";
import type { AskModel } from "./ask-model.js";
import type { Plan } from "./planner.js";
import { renderPlan } from "./planner.js";
import type { IssueInput, RepoContext } from "./prompt-context.js";
import { renderIssue } from "./prompt-context.js";
import { requestStructured } from "./request-structured.js";
import { defineTool } from "./tool-schema.js";

export const codeReviewSchema = z
  .object({
    verdict: z.enum(["approve", "request_changes"]).describe("approve: ready for a pull request; request_changes: it must change first"),
    summary: z.string().min(1).describe("The review in a few sentences"),
    comments: z
      .array(
        z.object({
          path: z.string().min(1).describe("The file the comment is about"),
          line: z.number().int().min(1).optional().describe("The line in the new version of the file, when the comment is about one line"),
          body: z.string().min(1).describe("What to change and why"),
        }),
      )
      .max(50)
      .describe("Comments on files and lines; required to request changes"),
  })
  .refine((review) => review.verdict === "approve" || review.comments.length > 0, { message: "request_changes needs at least one comment", path: ["comments"] });

export type CodeReview = z.infer<typeof codeReviewSchema>;

export const reviewCodeTool = defineTool("review_code", "Submit your review of the change.", codeReviewSchema);

const codeReviewerInstructions = `You are the code reviewer of Orchestrator, a demanding senior engineer reviewing a change before it becomes a pull request. Check that the diff does what the issue and the plan ask, is correct, is tested, handles errors, matches the repository's style, and adds nothing unrelated or unsafe. Approve a change that is ready. Otherwise request changes with comments that name the file (and line, in the new version of the file) and say exactly what to do. Do not ask for changes of taste. Submit your verdict with the review_code tool.`;

export async function reviewCode(ask: AskModel, input: { context: RepoContext; issue: IssueInput; plan: Plan; diff: string; maxTokens?: number }): Promise<CodeReview> {
  return requestStructured(
    ask,
    {
      system: [{ type: "text", text: codeReviewerInstructions }, input.context.block],
      messages: [
        {
          role: "user",
          content: [{ type: "text", text: `${renderIssue(input.issue)}\n\n## Plan\n\n${renderPlan(input.plan)}\n\n## Diff\n\n\`\`\`diff\n${input.diff}\n\`\`\`\n\nReview this change.` }],
        },
      ],
      tools: [reviewCodeTool.spec],
      maxTokens: input.maxTokens ?? 4096,
    },
    reviewCodeTool,
  );
}

export function renderCodeReview(review: CodeReview): string {
  return [
    `The code reviewer asked for changes: ${review.summary}`,
    ...review.comments.map((c) => `- \`${c.path}${c.line === undefined ? "" : `:${String(c.line)}`}\`: ${c.body}`),
  ].join("\n");
}
