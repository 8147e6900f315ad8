import type { LlmMessage, LlmToolResultBlock, LlmToolUseBlock } from "../llm/llm-client.js";
import type { Workspace } from "../workspace/workspace.js";
import type { AskModel } from "./ask-model.js";
import { cacheUserTurns } from "./cache-turns.js";
import type { FinishInput } from "./implementer-tools.js";
import { applyEditTool, finishTool, implementerTools } from "./implementer-tools.js";
import type { Plan } from "./planner.js";
import { renderPlan } from "./planner.js";
import type { IssueInput, RepoContext } from "./prompt-context.js";
import { renderIssue } from "./prompt-context.js";
import { PermanentError } from "../engine/errors.js";
import { describeZodError } from "./tool-schema.js";
import type { CodeReview } from "./code-reviewer.js";
import { renderCodeReview } from "./code-reviewer.js";

/** The model kept editing without finishing; the limit fails closed. */
export class TurnLimitError extends PermanentError {}

/**
 * The change came back (from the code reviewer, from CI, or from a person's review of the pull
 * request): what is already applied, and what to change, as rendered feedback.
 */
export interface ImplementationRevision {
  readonly diff: string;
  readonly feedback: string;
}

/** A code reviewer's request for changes as revision feedback. */
export function codeReviewFeedback(review: CodeReview): string {
  return `${renderCodeReview(review)}\n\nMake the changes the reviewer asked for.`;
}

function renderRevision(revision: ImplementationRevision): string {
  return [
    "Your earlier implementation is already applied to the files; this is its diff:",
    "",
    "```diff",
    revision.diff,
    "```",
    "",
    revision.feedback,
    "",
    "Make the changes with the tools, then call finish. Do not redo edits that are already applied.",
  ].join("\n");
}

export interface Implementation {
  readonly finish: FinishInput;
  readonly turns: number;
  readonly failedEdits: number;
}

const implementerInstructions = `You are the implementer of Orchestrator, a careful senior engineer. Carry out the plan by editing files with the tools: write_file, replace_in_file, delete_file. Make every change the plan needs, including its tests, and nothing else. Match the repository's style. An edit that fails comes back to you with the reason; fix it. When all edits are made, call finish with a summary and a commit message.`;

/**
 * Runs the edit loop: each reply's tool calls are applied to the workspace and their results go
 * back to the model, until it calls `finish` with every edit of that reply applied, or the turn
 * limit is reached. The limit fails closed: an unfinished implementation is never committed.
 */
export async function implementPlan(
  ask: AskModel,
  workspace: Workspace,
  input: { context: RepoContext; issue: IssueInput; plan: Plan; revision?: ImplementationRevision; maxTurns?: number; maxTokens?: number },
): Promise<Implementation> {
  const maxTurns = input.maxTurns ?? 8;
  const messages: LlmMessage[] = [
    {
      role: "user",
      content: [
        // The issue and the plan are the same for every round of this task's implementation: a second
        // cache breakpoint after them, so a revision round reads them from the cache and only its
        // feedback is new.
        { type: "text", text: `${renderIssue(input.issue)}\n\n## Plan\n\n${renderPlan(input.plan)}`, cache: true },
        { type: "text", text: input.revision ? renderRevision(input.revision) : "Implement the plan now." },
      ],
    },
  ];
  let failedEdits = 0;
  for (let turn = 1; turn <= maxTurns; turn += 1) {
    const response = await ask({
      system: [{ type: "text", text: implementerInstructions }, input.context.block],
      messages: cacheUserTurns(messages),
      tools: implementerTools.map((t) => t.spec),
      maxTokens: input.maxTokens ?? 16_000,
    });
    messages.push({ role: "assistant", content: response.content.length > 0 ? response.content : [{ type: "text", text: "(no reply)" }] });
    const calls = response.content.filter((b): b is LlmToolUseBlock => b.type === "tool_use");
    if (calls.length === 0) {
      messages.push({ role: "user", content: [{ type: "text", text: "Use the tools to make the edits, then call finish." }] });
      continue;
    }
    const results: LlmToolResultBlock[] = [];
    let finish: FinishInput | undefined;
    let failedThisTurn = 0;
    for (const call of calls) {
      if (call.name === finishTool.spec.name) {
        const parsed = finishTool.schema.safeParse(call.input);
        if (parsed.success) finish = parsed.data;
        results.push({ type: "tool_result", toolUseId: call.id, content: parsed.success ? "noted" : `invalid input: ${describeZodError(parsed.error)}`, ...(parsed.success ? {} : { isError: true }) });
        continue;
      }
      const result = applyEditTool(workspace, call.name, call.input);
      if (!result.ok) failedThisTurn += 1;
      results.push({ type: "tool_result", toolUseId: call.id, content: result.message, ...(result.ok ? {} : { isError: true }) });
    }
    failedEdits += failedThisTurn;
    if (finish && failedThisTurn === 0) return { finish, turns: turn, failedEdits };
    messages.push({
      role: "user",
      content: finish
        ? [...results, { type: "text", text: `${failedThisTurn} edit(s) failed, so finish was not accepted. Fix them, then call finish again.` }]
        : results,
    });
  }
  throw new TurnLimitError(`The implementer did not finish within ${maxTurns} turns (${failedEdits} edits failed along the way).`);
}
