import { z } from "zod";
import type { LlmMessage } from "../llm/llm-client.js";
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

/** A round this reviewer already answered: the diff it saw and what it said. */
export interface CodeReviewRound {
  readonly diff: string;
  readonly review: CodeReview;
}

const fencedDiff = (diff: string): string => `\`\`\`diff\n${diff}\n\`\`\``;

/**
 * Reviews `diff`. Earlier rounds of the same review stay in the conversation: the reviewer sees
 * its own comments and can check that the revision answers them, and the conversation so far is a
 * prefix the provider's cache serves. The issue and the plan, the same in every round and every
 * cycle of a task, end a cacheable prefix of their own.
 */
export async function reviewCode(
  ask: AskModel,
  input: { context: RepoContext; issue: IssueInput; plan: Plan; diff: string; earlier?: readonly CodeReviewRound[]; maxTokens?: number },
): Promise<CodeReview> {
  const earlier = input.earlier ?? [];
  const diffOfRound = (i: number): string => earlier[i]?.diff ?? input.diff;
  return requestStructured(
    ask,
    {
      system: [{ type: "text", text: codeReviewerInstructions }, input.context.block],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: `${renderIssue(input.issue)}\n\n## Plan\n\n${renderPlan(input.plan)}`, cache: true },
            { type: "text", text: `## Diff\n\n${fencedDiff(diffOfRound(0))}\n\nReview this change.` },
          ],
        },
        ...earlier.flatMap((round, i): LlmMessage[] => [
          { role: "assistant", content: [{ type: "tool_use", id: `code_review_${i + 1}`, name: reviewCodeTool.spec.name, input: round.review }] },
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                toolUseId: `code_review_${i + 1}`,
                content: `The implementer revised the change. The new diff against the base commit:\n\n${fencedDiff(diffOfRound(i + 1))}\n\nReview the revised change.`,
              },
            ],
          },
        ]),
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
