import { describe, expect, it } from "vitest";
import type { BudgetScope, CallEstimate } from "../../src/engine/budget.js";
import { BudgetExceededError, checkBudget, estimateCall, estimatePromptTokens, startOfUtcDay } from "../../src/engine/budget.js";
import { isRetryable, NeedsHumanError } from "../../src/engine/errors.js";
import { createTask } from "../../src/engine/transitions.js";
import type { LlmRequest } from "../../src/llm/llm-client.js";
import type { ModelEntry } from "../../src/llm/model-catalog.js";
import { costOf, ModelCatalog, pricesFor } from "../../src/llm/model-catalog.js";
import { finishModelCall, startModelCall } from "../../src/store/model-calls.js";
import type { Db } from "../../src/store/open-database.js";
import type { NewTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const catalog = ModelCatalog.builtIn();
const NOW = Date.UTC(2026, 5, 10, 12, 0, 0);
const TODAY = Date.UTC(2026, 5, 10);

function model(provider: string, id: string): ModelEntry {
  const found = catalog.find(provider, id);
  if (!found) throw new Error(`${provider}/${id} is not in the catalog`);
  return found;
}

function newTask(db: Db, overrides: Partial<NewTask> = {}): number {
  return createTask(db, sampleTask(overrides), { at: NOW }).id;
}

/** A finished call as the store records it, with the cost and tokens given. */
function recordSpend(db: Db, taskId: number, spend: { usd: number; tokens?: Partial<Record<"inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens", number>>; at?: number }): void {
  const id = startModelCall(db, { taskId, role: "planner", provider: "anthropic", model: "claude-sonnet-5-5", requestHash: "recorded", startedAt: spend.at ?? NOW });
  const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, ...spend.tokens };
  finishModelCall(db, id, { usage, costUsd: spend.usd, durationMs: 10, response: { id: "r", model: "claude-sonnet-5-5", content: [], stopReason: "end_turn", usage } });
}

function scopeFor(taskId: number): BudgetScope {
  return { taskId, owner: "mona", repo: "calculator", budget: { task_usd: 1, task_tokens: 10_000, daily_usd: 2 }, label: "orchestrator" };
}

function check(db: Db, taskId: number, estimate: CallEstimate): void {
  checkBudget(db, scopeFor(taskId), { role: "planner", model: "anthropic/claude-sonnet-5-5", estimate, now: NOW });
}

function refusal(fn: () => void): BudgetExceededError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BudgetExceededError) return error;
    throw error;
  }
  throw new Error("expected the call to be refused, but the budget allowed it");
}

function textRequest(system: string, user: string, maxTokens: number): LlmRequest {
  return { model: "m", system: [{ type: "text", text: system }], messages: [{ role: "user", content: [{ type: "text", text: user }] }], tools: [], maxTokens };
}

describe("estimatePromptTokens", () => {
  it("counts a token per three characters of every part of the request, plus 16 per message and one more", () => {
    const request: LlmRequest = {
      model: "m",
      system: [{ type: "text", text: "a".repeat(30) }],
      messages: [
        { role: "user", content: [{ type: "text", text: "b".repeat(60) }] },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "read_file", input: { path: "a.ts" } }] },
        { role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "c".repeat(21) }] },
      ],
      tools: [{ name: "read_file", description: "Read a file", inputSchema: { type: "object" } }],
      maxTokens: 100,
    };

    // 30 + 60 + (9 + 15) + 21 + (9 + 11 + 17) = 172 characters → 58 tokens; 3 messages → 16 × 4.
    expect(estimatePromptTokens(request)).toBe(58 + 64);
  });
});

describe("estimateCall", () => {
  it("prices every prompt token as a cache write and every allowed output token", () => {
    // 597 characters → 199 tokens, plus 32 for one message.
    const estimate = estimateCall(model("anthropic", "claude-sonnet-5-5"), textRequest("x".repeat(300), "y".repeat(297), 1000));

    expect(estimate.tokens).toBe(231 + 1000);
    expect(estimate.usd).toBeCloseTo((231 * 2.5 + 1000 * 10) / 1_000_000, 12);
  });

  it("uses the plain input price where it is dearer than a cache write", () => {
    const prices = { input: 3, output: 10, cacheWrite: 1, cacheRead: 0.1 };
    const odd: ModelEntry = { provider: "p", id: "m", tier: "fast", contextWindow: 1000, capabilities: [], prices };

    expect(estimateCall(odd, textRequest("x".repeat(300), "y".repeat(297), 1000)).usd).toBeCloseTo((231 * 3 + 1000 * 10) / 1_000_000, 12);
  });

  it("switches to the long-prompt prices when the prompt passes the model's threshold", () => {
    // 300,002 characters → 100,001 tokens, plus 32: past claude-haiku-5-5's 100,000-token band.
    const estimate = estimateCall(model("anthropic", "claude-haiku-5-5"), textRequest("a".repeat(300_000), "go", 1000));

    expect(estimate.tokens).toBe(100_033 + 1000);
    expect(estimate.usd).toBeCloseTo((100_033 * 0.625 + 1000 * 2.5) / 1_000_000, 12);
  });

  it("is never less than what a split of the same tokens between input, cache reads and cache writes costs", () => {
    const request = textRequest("x".repeat(3000), "y".repeat(900), 2000);
    const prompt = estimatePromptTokens(request);
    for (const entry of catalog.list()) {
      const estimate = estimateCall(entry, request);
      for (const share of [0, 0.25, 0.5, 0.75, 1]) {
        const written = Math.round(prompt * share);
        for (const usage of [
          { inputTokens: prompt - written, cacheWriteTokens: written, cacheReadTokens: 0, outputTokens: request.maxTokens },
          { inputTokens: prompt - written, cacheWriteTokens: 0, cacheReadTokens: written, outputTokens: request.maxTokens },
        ]) {
          expect(costOf(usage, pricesFor(entry, usage)), `${entry.provider}/${entry.id}`).toBeLessThanOrEqual(estimate.usd);
        }
      }
    }
  });
});

describe("checkBudget", () => {
  it("allows a call that could at most bring the task exactly to its cap", () => {
    const db = database();
    const taskId = newTask(db);
    recordSpend(db, taskId, { usd: 0.5, tokens: { inputTokens: 4000 } });

    expect(() => {
      check(db, taskId, { usd: 0.5, tokens: 6000 });
    }).not.toThrow();
  });

  it("refuses a call that could take the task past its USD cap, saying how to go on", () => {
    const db = database();
    const taskId = newTask(db);
    recordSpend(db, taskId, { usd: 0.5, tokens: { inputTokens: 100 } });
    recordSpend(db, taskId, { usd: 0.25, tokens: { outputTokens: 50 } });

    const error = refusal(() => {
      check(db, taskId, { usd: 0.5, tokens: 1000 });
    });

    expect(error).toBeInstanceOf(NeedsHumanError);
    expect(isRetryable(error)).toBe(false);
    expect(error.spent).toEqual({ usd: 0.75, tokens: 150 });
    expect(error.capUsd).toBe(1);
    expect(error.message).toContain("Budget reached: this task has spent $0.7500 of its $1.00 cap");
    expect(error.message).toContain("The next model call (planner on anthropic/claude-sonnet-5-5) could cost up to $0.5000 and 1,000 tokens");
    expect(error.message).toContain("raise `budget.task_usd`");
    expect(error.message).toContain("the `orchestrator` label");
  });

  it("counts input, output, cache-read and cache-write tokens toward the task's token cap", () => {
    const db = database();
    const taskId = newTask(db);
    recordSpend(db, taskId, { usd: 0.01, tokens: { inputTokens: 1000, outputTokens: 2000, cacheReadTokens: 3000, cacheWriteTokens: 3000 } });

    expect(() => {
      check(db, taskId, { usd: 0.01, tokens: 1000 });
    }).not.toThrow();
    const error = refusal(() => {
      check(db, taskId, { usd: 0.01, tokens: 1001 });
    });
    expect(error.message).toContain("Token budget reached: this task has used 9,000 of its 10,000 tokens");
    expect(error.spent.tokens).toBe(9000);
  });

  it("does not count another task's spend against this task's cap", () => {
    const db = database();
    const taskId = newTask(db, { issueNumber: 1 });
    const other = newTask(db, { issueNumber: 2, repo: "elsewhere" });
    recordSpend(db, other, { usd: 0.9, tokens: { inputTokens: 9000 } });

    expect(() => {
      check(db, taskId, { usd: 0.9, tokens: 9000 });
    }).not.toThrow();
  });

  it("refuses a call that could take the repository past its daily cap, counting every task of the repository today", () => {
    const db = database();
    const taskId = newTask(db, { issueNumber: 1 });
    const earlier = newTask(db, { issueNumber: 2 });
    recordSpend(db, earlier, { usd: 1.75, at: TODAY });

    const error = refusal(() => {
      check(db, taskId, { usd: 0.5, tokens: 10 });
    });

    expect(error.message).toContain("Daily budget reached: mona/calculator has spent $1.75 of its $2.00 daily cap today (UTC)");
    expect(error.message).toContain("Raise `budget.daily_usd`");
  });

  it("reports the daily cap and the repository's spend today on a daily refusal, not the task's", () => {
    const db = database();
    const taskId = newTask(db, { issueNumber: 1 });
    const earlier = newTask(db, { issueNumber: 2 });
    recordSpend(db, earlier, { usd: 1.75, tokens: { inputTokens: 500 }, at: TODAY });

    const error = refusal(() => {
      check(db, taskId, { usd: 0.5, tokens: 10 });
    });

    expect(error.capUsd).toBe(2);
    expect(error.spent).toEqual({ usd: 1.75, tokens: 500 });
  });

  it("leaves yesterday's spend and other repositories' spend out of today's total", () => {
    const db = database();
    const taskId = newTask(db, { issueNumber: 1 });
    const yesterday = newTask(db, { issueNumber: 2 });
    const otherRepo = newTask(db, { issueNumber: 3, repo: "elsewhere" });
    const otherOwner = newTask(db, { issueNumber: 4, owner: "octo" });
    recordSpend(db, yesterday, { usd: 1.9, at: TODAY - 1 });
    recordSpend(db, otherRepo, { usd: 1.9, at: NOW });
    recordSpend(db, otherOwner, { usd: 1.9, at: NOW });

    expect(() => {
      check(db, taskId, { usd: 1, tokens: 10 });
    }).not.toThrow();
    recordSpend(db, yesterday, { usd: 1, at: TODAY });
    expect(() => {
      check(db, taskId, { usd: 1, tokens: 10 });
    }).not.toThrow();
    recordSpend(db, yesterday, { usd: 0.25, at: NOW });
    expect(() => {
      check(db, taskId, { usd: 1, tokens: 10 });
    }).toThrow(/Daily budget reached: mona\/calculator has spent \$1\.25/);
  });
});

describe("startOfUtcDay", () => {
  it("is midnight UTC of the same day, and midnight maps to itself", () => {
    expect(startOfUtcDay(Date.UTC(2026, 0, 15, 23, 59, 59, 999))).toBe(Date.UTC(2026, 0, 15));
    expect(startOfUtcDay(Date.UTC(2026, 0, 15))).toBe(Date.UTC(2026, 0, 15));
    expect(startOfUtcDay(Date.UTC(2026, 0, 15) - 1)).toBe(Date.UTC(2026, 0, 14));
  });
});
