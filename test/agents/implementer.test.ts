import { describe, expect, it } from "vitest";
import { implementPlan, TurnLimitError } from "../../src/agents/implementer.js";
import type { Plan } from "../../src/agents/planner.js";
import { buildRepoContext } from "../../src/agents/prompt-context.js";
import { PermanentError } from "../../src/engine/errors.js";
import type { LlmToolResultBlock } from "../../src/llm/llm-client.js";
import type { LlmToolCall } from "../../src/sim/llm/script.js";
import { PathPolicy } from "../../src/workspace/path-policy.js";
import { Workspace } from "../../src/workspace/workspace.js";
import { useLlmSimulator } from "../sim/llm-test-helpers.js";
import { snapshotOf } from "../support/repo-snapshot.js";
import { lastMessage, recordingAsk } from "./recording-ask.js";

const startSim = useLlmSimulator();

const CALC = "export const add = (a: number, b: number): number => a + b;\n";
const SUB = "export const sub = (a: number, b: number): number => a - b;\n";
const SUB_TEST = 'import { sub } from "../src/calc.js";\nconsole.assert(sub(3, 2) === 1);\n';
const snapshot = snapshotOf({ "src/calc.ts": CALC, ".github/workflows/ci.yml": "on: push\n" });
const issue = { number: 1, title: "Add subtraction", body: "Please add `sub` to src/calc.ts." };
const plan: Plan = { summary: "Add sub.", steps: [{ goal: "Subtract", files: ["src/calc.ts", "test/sub.test.ts"], change: "Export sub.", tests: "test/sub.test.ts" }] };
const finish: LlmToolCall = { name: "finish", input: { summary: "Added sub with a test.", commitMessage: "Add sub\n\nCloses #1" } };

function setUp(): { workspace: Workspace; input: Parameters<typeof implementPlan>[2] } {
  return {
    workspace: new Workspace(snapshot, new PathPolicy()),
    input: { context: buildRepoContext(snapshot, issue, 10_000), issue, plan },
  };
}

function toolResults(content: readonly unknown[]): LlmToolResultBlock[] {
  return content.filter((b): b is LlmToolResultBlock => typeof b === "object" && b !== null && "type" in b && b.type === "tool_result");
}

describe("implementPlan", () => {
  it("applies the edits and returns once a reply's edits all applied and it calls finish", async () => {
    const sim = await startSim({
      replies: [
        {
          match: { text: "Implement the plan now" },
          reply: {
            toolCalls: [
              { name: "replace_in_file", input: { path: "src/calc.ts", old: "a + b;\n", new: `a + b;\n${SUB}` } },
              { name: "write_file", input: { path: "test/sub.test.ts", content: SUB_TEST } },
              finish,
            ],
          },
        },
      ],
    });
    const { ask } = recordingAsk(sim);
    const { workspace, input } = setUp();

    const result = await implementPlan(ask, workspace, input);

    expect(result).toEqual({ finish: finish.input, turns: 1, failedEdits: 0 });
    expect(workspace.changes()).toEqual([
      { kind: "write", path: "src/calc.ts", content: CALC + SUB },
      { kind: "write", path: "test/sub.test.ts", content: SUB_TEST },
    ]);
  });

  it("sends failed edits back as errors and refuses finish until a reply's edits all apply", async () => {
    const sim = await startSim({
      replies: [
        {
          match: { text: "Implement the plan now" },
          reply: {
            toolCalls: [
              { name: "replace_in_file", input: { path: "src/calc.ts", old: "export const mul", new: SUB } },
              { name: "write_file", input: { path: ".github/workflows/ci.yml", content: "on: never\n" } },
              { name: "write_file", input: { path: "test/sub.test.ts", content: SUB_TEST } },
              finish,
            ],
          },
        },
        {
          match: { text: "2 edit(s) failed, so finish was not accepted" },
          reply: { toolCalls: [{ name: "replace_in_file", input: { path: "src/calc.ts", old: "a + b;\n", new: `a + b;\n${SUB}` } }, finish] },
        },
      ],
    });
    const { ask, sent } = recordingAsk(sim);
    const { workspace, input } = setUp();

    const result = await implementPlan(ask, workspace, input);

    expect(result).toEqual({ finish: finish.input, turns: 2, failedEdits: 2 });
    const results = toolResults(lastMessage(sent[1]).content);
    expect(results.map((r) => ({ isError: r.isError ?? false, content: r.content }))).toEqual([
      { isError: true, content: "the text to replace was not found in src/calc.ts" },
      { isError: true, content: expect.stringMatching(/^refused: \.github\/workflows\/ci\.yml is protected/) as unknown },
      { isError: false, content: "created test/sub.test.ts" },
      { isError: false, content: "noted" },
    ]);
    expect(workspace.refusals).toEqual([expect.stringMatching(/^\.github\/workflows\/ci\.yml: /) as unknown]);
    expect(workspace.changes().map((c) => c.path)).toEqual(["src/calc.ts", "test/sub.test.ts"]);
  });

  it("keeps going after a reply with edits but no finish, and after a malformed finish", async () => {
    const sim = await startSim({
      replies: [
        { match: { text: "Implement the plan now" }, reply: { toolCalls: [{ name: "write_file", input: { path: "test/sub.test.ts", content: SUB_TEST } }] } },
        { match: { text: "created test/sub.test.ts" }, reply: { toolCalls: [{ name: "finish", input: { summary: "Added a test." } }] } },
        { match: { text: "commitMessage" }, reply: { toolCalls: [finish] } },
      ],
    });
    const { ask, sent } = recordingAsk(sim);
    const { workspace, input } = setUp();

    const result = await implementPlan(ask, workspace, input);

    expect(result).toEqual({ finish: finish.input, turns: 3, failedEdits: 0 });
    expect(toolResults(lastMessage(sent[2]).content)).toEqual([expect.objectContaining({ isError: true, content: expect.stringContaining("invalid input: commitMessage") as unknown })]);
  });

  it("fails closed with a TurnLimitError when the model never finishes", async () => {
    const sim = await startSim({ replies: [{ reply: { text: "Let me think about it." }, times: "always" }] });
    const { ask, sent } = recordingAsk(sim);
    const { workspace, input } = setUp();

    let error: unknown;
    try {
      await implementPlan(ask, workspace, { ...input, maxTurns: 3 });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(TurnLimitError);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain("within 3 turns");
    expect(sent).toHaveLength(3);
    expect(lastMessage(sent[2])).toEqual({ role: "user", content: [{ type: "text", text: "Use the tools to make the edits, then call finish.", cache: true }] });
    // Every user turn ends a cacheable prefix: each turn reads all the earlier ones from the cache.
    const marks = (sent[2]?.messages ?? []).filter((m) => m.role === "user").map((m) => m.content.at(-1));
    expect(marks).toHaveLength(3);
    for (const mark of marks) expect(mark).toMatchObject({ cache: true });
    expect(workspace.changes()).toEqual([]);
  });

  it("puts a cache breakpoint after the issue and the plan, so a revision round differs from the first only after it", async () => {
    const sim = await startSim({ replies: [{ match: { text: "Implement the plan now" }, reply: { toolCalls: [finish] } }, { match: { text: "Rename it" }, reply: { toolCalls: [finish] } }] });
    const { ask, sent } = recordingAsk(sim);
    const first = setUp();
    await implementPlan(ask, first.workspace, first.input);
    const second = setUp();
    await implementPlan(ask, second.workspace, { ...second.input, revision: { diff: "+export const sub", feedback: "Rename it to subtract." } });

    const [round1, round2] = sent.map((request) => request.messages[0]?.content ?? []);
    expect(round1?.[0]).toMatchObject({ type: "text", cache: true });
    expect(round1?.[0]).toEqual(round2?.[0]);
    expect(JSON.stringify(round1?.[0])).toContain("## Plan");
    expect(round1?.[1]).toEqual({ type: "text", text: "Implement the plan now.", cache: true });
    expect(round2?.[1]?.type).toBe("text");
    expect(JSON.stringify(round2?.[1])).toContain("Rename it to subtract.");
  });
});
