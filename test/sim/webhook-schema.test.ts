import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { validateWebhookPayload } from "../../src/sim/github/webhook-schema.js";

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

function examplesOf(eventName: string, action: string): Record<string, unknown>[] {
  const found = definitions.find((d) => d.name === eventName)?.examples.filter((e) => e.action === action) ?? [];
  if (found.length === 0) throw new Error(`no recorded ${eventName}.${action} example`);
  return found;
}

/**
 * Some recordings predate fields the schemas now require (e.g. `repository.visibility`); the
 * simulator must send today's shape, so the current recordings are the reference.
 */
function isCurrent(payload: Record<string, unknown>): boolean {
  const repository = payload.repository;
  return typeof repository === "object" && repository !== null && "visibility" in repository;
}

function currentExample(eventName: string, action: string): Record<string, unknown> {
  const example = examplesOf(eventName, action).find(isCurrent);
  if (example === undefined) throw new Error(`no current ${eventName}.${action} example`);
  return structuredClone(example);
}

describe("validateWebhookPayload", () => {
  it.each([
    ["issues", "labeled"],
    ["pull_request_review", "submitted"],
    ["check_suite", "completed"],
  ])("accepts every current recorded %s.%s delivery", (eventName, action) => {
    const current = examplesOf(eventName, action).filter(isCurrent);
    expect(current.length).toBeGreaterThan(0);
    for (const payload of current) expect(validateWebhookPayload(eventName, payload)).toEqual([]);
  });

  it("refuses an issues.labeled payload without its issue", () => {
    const { issue: _issue, ...payload } = currentExample("issues", "labeled");
    expect(validateWebhookPayload("issues", payload)).toEqual([
      { where: "body", message: "issues.labeled payload/issue: must have required property 'issue'", pointer: "/issue" },
    ]);
  });

  it("refuses a submitted review whose review lacks a state", () => {
    const payload = currentExample("pull_request_review", "submitted");
    const review = payload.review as Record<string, unknown>;
    delete review.state;
    expect(validateWebhookPayload("pull_request_review", payload).map((i) => i.message)).toEqual([
      "pull_request_review.submitted payload/review/state: must have required property 'state'",
    ]);
  });

  it("refuses a completed check suite with a conclusion GitHub never sends", () => {
    const payload = currentExample("check_suite", "completed");
    (payload.check_suite as Record<string, unknown>).conclusion = "great";
    const messages = validateWebhookPayload("check_suite", payload).map((i) => i.message);
    expect(messages).toEqual([expect.stringMatching(/^check_suite\.completed payload\/check_suite\/conclusion: must be equal to one of the allowed values/)]);
  });

  it("refuses a recording older than the schema, so stale shapes are caught", () => {
    const stale = examplesOf("check_suite", "completed").find((e) => !isCurrent(e));
    expect(stale).toBeDefined();
    expect(validateWebhookPayload("check_suite", stale).map((i) => i.message)).toContain(
      "check_suite.completed payload/repository/visibility: must have required property 'visibility'",
    );
  });

  it("checks events without an action against their bare schema", () => {
    expect(validateWebhookPayload("push", { ref: "refs/heads/main" }).map((i) => i.message)).toContain(
      "push payload/before: must have required property 'before'",
    );
  });

  it("reports an unknown action or event as one issue", () => {
    const unknownAction = validateWebhookPayload("issues", { ...currentExample("issues", "labeled"), action: "teleported" });
    expect(unknownAction).toHaveLength(1);
    expect(unknownAction[0]?.message).toMatch(/^no webhook schema for issues\.teleported \(known: assigned, closed, .*labeled/);
    expect(validateWebhookPayload("telepathy", {})).toEqual([{ where: "body", message: 'no webhook schema for telepathy (unknown event "telepathy")' }]);
  });
});
