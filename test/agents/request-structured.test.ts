import { describe, expect, it } from "vitest";
import { z } from "zod";
import { requestStructured } from "../../src/agents/request-structured.js";
import { defineTool, MalformedOutputError } from "../../src/agents/tool-schema.js";
import { isRetryable } from "../../src/engine/errors.js";
import type { LlmRequest } from "../../src/llm/llm-client.js";
import { useLlmSimulator } from "../sim/llm-test-helpers.js";
import { lastMessage, recordingAsk } from "./recording-ask.js";

const startSim = useLlmSimulator();

const verdictTool = defineTool(
  "submit_verdict",
  "Submit the review verdict.",
  z.object({ approved: z.boolean(), reasons: z.array(z.string().min(1)).min(1).describe("Why, one point each") }),
);

const request: LlmRequest = {
  model: "claude-sonnet-5-5",
  system: [{ type: "text", text: "You review plans." }],
  messages: [{ role: "user", content: [{ type: "text", text: "Review this plan: add sub to src/calc.ts." }] }],
  tools: [],
  maxTokens: 1024,
};

const malformed = { name: "submit_verdict", input: { approved: true } };
const wellFormed = { name: "submit_verdict", input: { approved: true, reasons: ["small and tested"] } };

describe("requestStructured", () => {
  it("returns the tool input checked against its schema, forcing that one tool", async () => {
    const sim = await startSim({ replies: [{ match: { tool: "submit_verdict" }, reply: { toolCalls: [wellFormed] } }] });
    const { ask, sent } = recordingAsk(sim);

    const verdict = await requestStructured(ask, request, verdictTool);

    expect(verdict).toEqual({ approved: true, reasons: ["small and tested"] });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.tools).toEqual([verdictTool.spec]);
    expect(sent[0]?.toolChoice).toEqual({ type: "tool", name: "submit_verdict" });
  });

  it("gives a malformed reply one repair round that names the missing field, then accepts the corrected input", async () => {
    const sim = await startSim({
      replies: [
        { id: "malformed", match: { text: "Review this plan" }, reply: { toolCalls: [malformed] } },
        // Matches only if the repair message names the field that was wrong.
        { id: "repaired", match: { text: "reasons" }, reply: { toolCalls: [wellFormed] } },
      ],
    });
    const { ask, sent } = recordingAsk(sim);

    const verdict = await requestStructured(ask, request, verdictTool);

    expect(verdict).toEqual(wellFormed.input);
    expect(sent).toHaveLength(2);
    const [assistant, repair] = sent[1]?.messages.slice(-2) ?? [];
    const call = assistant?.role === "assistant" ? assistant.content.find((b) => b.type === "tool_use") : undefined;
    expect(call).toMatchObject({ type: "tool_use", name: "submit_verdict", input: { approved: true } });
    expect(repair?.role).toBe("user");
    expect(repair?.content).toEqual([
      { type: "tool_result", toolUseId: call?.type === "tool_use" ? call.id : "?", isError: true, content: expect.stringContaining("reasons") as unknown, cache: true },
    ]);
    // Each user turn ends a cacheable prefix, so the repair reads the first request from the cache.
    expect(sent[0]?.messages[0]?.content.at(-1)).toMatchObject({ cache: true });
    expect(sent[1]?.messages[0]).toEqual(sent[0]?.messages[0]);
    expect(sim.unusedReplies()).toEqual([]);
  });

  it("gives up with a MalformedOutputError after a second malformed reply", async () => {
    const sim = await startSim({ replies: [{ reply: { toolCalls: [malformed] }, times: "always" }] });
    const { ask } = recordingAsk(sim);

    let error: unknown;
    try {
      await requestStructured(ask, request, verdictTool);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(MalformedOutputError);
    expect(isRetryable(error)).toBe(false);
    expect((error as Error).message).toMatch(/submit_verdict output was malformed after 2 attempts: reasons: /);
    expect(sim.stats().requests).toBe(2);
  });

  it("asks again for the tool when the reply answers in prose", async () => {
    const sim = await startSim({
      replies: [
        { id: "prose", match: { text: "Review this plan" }, reply: { text: "Looks fine to me." } },
        { id: "tool", match: { text: "Call the submit_verdict tool" }, reply: { toolCalls: [wellFormed] } },
      ],
    });
    const { ask, sent } = recordingAsk(sim);

    const verdict = await requestStructured(ask, request, verdictTool);

    expect(verdict).toEqual(wellFormed.input);
    expect(lastMessage(sent[1])).toEqual({ role: "user", content: [{ type: "text", text: "Call the submit_verdict tool with your answer.", cache: true }] });
  });
});

describe("defineTool", () => {
  it("generates an object JSON schema from the zod schema, without $schema", () => {
    const schema = verdictTool.spec.inputSchema;

    expect(verdictTool.spec).toMatchObject({ name: "submit_verdict", description: "Submit the review verdict." });
    expect(schema).not.toHaveProperty("$schema");
    expect(schema).toMatchObject({
      type: "object",
      required: ["approved", "reasons"],
      properties: {
        approved: { type: "boolean" },
        reasons: { type: "array", minItems: 1, description: "Why, one point each", items: { type: "string", minLength: 1 } },
      },
    });
  });

  it("checks input with the same schema it describes", () => {
    expect(verdictTool.schema.safeParse(wellFormed.input).success).toBe(true);
    expect(verdictTool.schema.safeParse(malformed.input).success).toBe(false);
  });
});
