import { describe, expect, it } from "vitest";
import type { CodeReview } from "../../src/agents/code-reviewer.js";
import { reviewCode } from "../../src/agents/code-reviewer.js";
import type { PlanReview } from "../../src/agents/plan-reviewer.js";
import { reviewPlan } from "../../src/agents/plan-reviewer.js";
import type { Plan } from "../../src/agents/planner.js";
import { buildRepoContext } from "../../src/agents/prompt-context.js";
import type { LlmRequest } from "../../src/llm/llm-client.js";
import { useLlmSimulator } from "../sim/llm-test-helpers.js";
import { snapshotOf } from "../support/repo-snapshot.js";
import { recordingAsk } from "./recording-ask.js";

const startSim = useLlmSimulator();

const snapshot = snapshotOf({
  "src/calc.ts": "export const add = (a: number, b: number): number => a + b;\n",
  // Enough of a repository for its context to pass the 1,024 tokens a prefix needs to be cached.
  "docs/GUIDE.md": `# Guide\n\n${"Every operation takes two finite numbers and returns one. ".repeat(80)}\n`,
});
const issue = { number: 1, title: "Add subtraction", body: "Please add `sub` to src/calc.ts." };
const plan = (change: string): Plan => ({ summary: "Add sub.", steps: [{ goal: "Subtract", files: ["src/calc.ts"], change, tests: "npm test" }] });
const context = buildRepoContext(snapshot, issue, 10_000);

/** Every field of `later` up to the length of `earlier`'s messages equals `earlier`'s: it continues that conversation. */
function continues(later: LlmRequest | undefined, earlier: LlmRequest | undefined): void {
  expect(later?.system).toEqual(earlier?.system);
  const before = earlier?.messages ?? [];
  expect(later?.messages.slice(0, before.length)).toEqual(before);
}

describe("reviewers keep their earlier rounds in the conversation", () => {
  it("shows the plan reviewer its own verdict and the revised plan, and reads the first round from the cache", async () => {
    const revise: PlanReview = { verdict: "revise", reasons: ["Say how sub handles NaN."], summary: "Nearly." };
    const approve: PlanReview = { verdict: "approve", reasons: [], summary: "Good." };
    const sim = await startSim({
      replies: [
        { id: "first", match: { text: "Review this plan." }, reply: { toolCalls: [{ name: "review_plan", input: revise }] } },
        { id: "second", match: { text: "The planner revised the plan" }, reply: { toolCalls: [{ name: "review_plan", input: approve }] } },
      ],
    });
    const { ask, sent } = recordingAsk(sim);
    const first = plan("Export sub(a, b).");
    const second = plan("Export sub(a, b); NaN in, NaN out.");

    expect(await reviewPlan(ask, { context, issue, plan: first })).toEqual(revise);
    expect(await reviewPlan(ask, { context, issue, plan: second, earlier: [{ plan: first, review: revise }] })).toEqual(approve);

    continues(sent[1], sent[0]);
    const round2 = sent[1]?.messages ?? [];
    expect(round2[1]).toMatchObject({ role: "assistant", content: [{ type: "tool_use", name: "review_plan", input: revise }] });
    expect(JSON.stringify(round2[2])).toContain("NaN in, NaN out.");
    // The second round reads all of the first request from the cache and writes only what is new.
    const records = sim.records().flatMap((r) => (r.outcome === "replied" ? [r.usage] : []));
    const firstPrompt = (records[0]?.cacheWriteTokens ?? 0) + (records[0]?.inputTokens ?? 0);
    expect(records[0]?.inputTokens).toBe(0);
    expect(records[1]?.cacheReadTokens).toBe(firstPrompt);
    expect(sim.unusedReplies()).toEqual([]);
  });

  it("shows the code reviewer its comments and the new diff, with the issue and the plan as a cacheable prefix of their own", async () => {
    const changes: CodeReview = { verdict: "request_changes", summary: "Missing a test.", comments: [{ path: "test/calc.test.ts", body: "Test sub." }] };
    const approve: CodeReview = { verdict: "approve", summary: "Good.", comments: [] };
    const sim = await startSim({
      replies: [
        { id: "first", match: { text: "Review this change." }, reply: { toolCalls: [{ name: "review_code", input: changes }] } },
        { id: "second", match: { text: "The implementer revised the change" }, reply: { toolCalls: [{ name: "review_code", input: approve }] } },
      ],
    });
    const { ask, sent } = recordingAsk(sim);
    const thePlan = plan("Export sub(a, b).");
    const diff1 = "+export const sub = (a: number, b: number): number => a - b;";
    const diff2 = `${diff1}\n+test("sub", () => assert.equal(sub(3, 1), 2));`;

    await reviewCode(ask, { context, issue, plan: thePlan, diff: diff1 });
    await reviewCode(ask, { context, issue, plan: thePlan, diff: diff2, earlier: [{ diff: diff1, review: changes }] });

    continues(sent[1], sent[0]);
    const opening = sent[0]?.messages[0]?.content ?? [];
    expect(opening[0]).toMatchObject({ type: "text", cache: true });
    expect(JSON.stringify(opening[0])).toContain("## Plan");
    expect(JSON.stringify(opening[0])).not.toContain(diff1);
    expect(JSON.stringify(sent[1]?.messages.at(-1))).toContain('test(\\"sub\\"');
    const records = sim.records().flatMap((r) => (r.outcome === "replied" ? [r.usage] : []));
    expect(records[1]?.cacheReadTokens).toBe((records[0]?.cacheWriteTokens ?? 0) + (records[0]?.cacheReadTokens ?? 0));
    expect(sim.unusedReplies()).toEqual([]);
  });
});
