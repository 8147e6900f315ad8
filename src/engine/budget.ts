import type { RepoConfig } from "../config/repo-config.js";
import { repoConfigPath } from "../config/repo-config.js";
import type { LlmRequest } from "../llm/llm-client.js";
import type { ModelEntry } from "../llm/model-catalog.js";
import { costOf, pricesFor } from "../llm/model-catalog.js";
import type { Db } from "../store/open-database.js";
import type { Spend } from "../store/model-calls.js";
import { repoSpendSince, taskSpend } from "../store/model-calls.js";
import { formatUsd } from "../telemetry/format.js";
import { NeedsHumanError } from "./errors.js";

/*
 * Budgets stop spend before it happens: every call is priced before it is made, at the most it
 * could cost (every prompt token written to the cache at the dearest price, every allowed output
 * token used), and a call that could cross a cap is not made. So spend never passes a cap.
 */

/** A generous count of a request's prompt tokens: about 3 characters a token, tool schemas included. */
export function estimatePromptTokens(request: LlmRequest): number {
  let chars = 0;
  for (const block of request.system) chars += block.text.length;
  for (const message of request.messages) {
    for (const block of message.content) {
      if (block.type === "text") chars += block.text.length;
      else if (block.type === "tool_result") chars += block.content.length;
      else chars += JSON.stringify(block.input).length + block.name.length;
    }
  }
  for (const tool of request.tools) chars += tool.name.length + tool.description.length + JSON.stringify(tool.inputSchema).length;
  return Math.ceil(chars / 3) + 16 * (request.messages.length + 1);
}

export interface CallEstimate {
  readonly tokens: number;
  readonly usd: number;
}

/** The most a call can cost: an upper bound, so a cap checked against it cannot be crossed. */
export function estimateCall(model: ModelEntry, request: LlmRequest): CallEstimate {
  const prompt = estimatePromptTokens(request);
  const usage = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: prompt, outputTokens: request.maxTokens };
  const prices = pricesFor(model, usage);
  const dearestInput = Math.max(prices.input, prices.cacheWrite);
  return { tokens: prompt + request.maxTokens, usd: costOf(usage, { ...prices, cacheWrite: dearestInput }) };
}

export interface BudgetScope {
  readonly taskId: number;
  readonly owner: string;
  readonly repo: string;
  readonly budget: RepoConfig["budget"];
  /** The label that restarts a task, for the explanation. */
  readonly label: string;
}

/** A cap would be crossed: the task waits for a person, who can raise the cap. */
export class BudgetExceededError extends NeedsHumanError {
  constructor(
    message: string,
    /** What was spent against the cap that was hit: the task's, or the repository's today. */
    readonly spent: Spend,
    /** The USD cap of that scope (the task's for the token cap too). */
    readonly capUsd: number,
  ) {
    super(message);
  }
}

export function startOfUtcDay(at: number): number {
  const day = new Date(at);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
}

/** Throws BudgetExceededError when the call, at its most, would take the task or the repository past a cap. */
export function checkBudget(db: Db, scope: BudgetScope, call: { role: string; model: string; estimate: CallEstimate; now: number }): void {
  const { budget } = scope;
  const spent = taskSpend(db, scope.taskId);
  const how = `To go on, comment \`/orchestrator budget <usd>\` with a higher cap, then \`/orchestrator retry\` (or raise \`budget.task_usd\` and \`budget.task_tokens\` in ${repoConfigPath} and add the \`${scope.label}\` label again).`;
  const next = `The next model call (${call.role} on ${call.model}) could cost up to ${formatUsd(call.estimate.usd)} and ${call.estimate.tokens.toLocaleString("en-US")} tokens`;
  if (spent.usd + call.estimate.usd > budget.task_usd) {
    throw new BudgetExceededError(
      `Budget reached: this task has spent ${formatUsd(spent.usd)} of its ${formatUsd(budget.task_usd)} cap. ${next}, so it was not made. ${how}`,
      spent,
      budget.task_usd,
    );
  }
  if (spent.tokens + call.estimate.tokens > budget.task_tokens) {
    throw new BudgetExceededError(
      `Token budget reached: this task has used ${spent.tokens.toLocaleString("en-US")} of its ${budget.task_tokens.toLocaleString("en-US")} tokens. ${next}, so it was not made. ${how}`,
      spent,
      budget.task_usd,
    );
  }
  const today = repoSpendSince(db, scope.owner, scope.repo, startOfUtcDay(call.now));
  if (today.usd + call.estimate.usd > budget.daily_usd) {
    throw new BudgetExceededError(
      `Daily budget reached: ${scope.owner}/${scope.repo} has spent ${formatUsd(today.usd)} of its ${formatUsd(budget.daily_usd)} daily cap today (UTC). ${next}, so it was not made. Raise \`budget.daily_usd\` in ${repoConfigPath}, or add the \`${scope.label}\` label again tomorrow.`,
      today,
      budget.daily_usd,
    );
  }
}
