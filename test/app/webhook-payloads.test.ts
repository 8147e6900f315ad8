import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkSuiteCompletedSchema,
  installationEventSchema,
  issuesLabeledSchema,
  pullRequestClosedSchema,
  pullRequestReviewSubmittedSchema,
} from "../../src/app/webhook-payloads.js";

/*
 * GitHub's recorded webhook payloads (@octokit/webhooks-examples) against the schemas intake reads
 * them with: a schema stricter than what GitHub really sends would turn real deliveries into
 * `malformed:` and lose them.
 */
const definitionsSchema = z.array(z.object({ name: z.string(), examples: z.array(z.record(z.string(), z.unknown())) }));
const definitions = definitionsSchema.parse(createRequire(import.meta.url)("@octokit/webhooks-examples"));

type Example = Record<string, unknown>;

function examplesOf(event: string, action?: string): Example[] {
  const examples = definitions.find((d) => d.name === event)?.examples ?? [];
  return action === undefined ? examples : examples.filter((e) => e.action === action);
}

/** Some recordings were made on a repository webhook, which carries no installation; an app's delivery always does. */
function asAppDelivery(example: Example): Example {
  return { installation: { id: 2311213, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMjMxMTIxMw==" }, ...example };
}

function named(examples: readonly Example[]): [string, Example][] {
  return examples.map((example, i) => [`#${i + 1}${typeof example.action === "string" ? ` (${example.action})` : ""}`, example]);
}

function issuesOf(schema: z.ZodType, payload: unknown): string[] {
  const result = schema.safeParse(payload);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

const cases = [
  { event: "issues", action: "labeled", schema: issuesLabeledSchema, recorded: 2 },
  { event: "check_suite", action: "completed", schema: checkSuiteCompletedSchema, recorded: 4 },
  { event: "pull_request_review", action: "submitted", schema: pullRequestReviewSubmittedSchema, recorded: 3 },
  { event: "pull_request", action: "closed", schema: pullRequestClosedSchema, recorded: 2 },
  { event: "installation", action: undefined, schema: installationEventSchema, recorded: 7 },
] as const;

describe.each(cases)("recorded $event.$action deliveries", ({ event, action, schema, recorded }) => {
  const examples = examplesOf(event, action);

  it(`are all there (${recorded})`, () => {
    // Guards against a package update or a typo that would leave nothing to check.
    expect(examples).toHaveLength(recorded);
  });

  it.each(named(examples))("accepts example %s", (_name, example) => {
    expect(issuesOf(schema, asAppDelivery(example))).toEqual([]);
  });
});

describe("what intake reads from recorded deliveries", () => {
  it("reads the label, the issue and the sender of issues.labeled", () => {
    for (const example of examplesOf("issues", "labeled")) {
      const raw = z.object({ issue: z.object({ number: z.number() }), label: z.object({ name: z.string() }), sender: z.object({ login: z.string() }) }).parse(example);
      expect(issuesLabeledSchema.parse(asAppDelivery(example))).toMatchObject({ issue: { number: raw.issue.number }, label: { name: raw.label.name }, sender: { login: raw.sender.login } });
    }
  });

  it("reads the review's state, reviewer and pull request of pull_request_review.submitted", () => {
    for (const example of examplesOf("pull_request_review", "submitted")) {
      const raw = z.object({ review: z.object({ state: z.string(), user: z.object({ login: z.string() }) }), pull_request: z.object({ number: z.number() }) }).parse(example);
      expect(pullRequestReviewSubmittedSchema.parse(asAppDelivery(example))).toMatchObject({
        review: { state: raw.review.state.toLowerCase(), user: { login: raw.review.user.login } },
        pull_request: { number: raw.pull_request.number },
      });
    }
  });

  it("reads the head commit and the app of check_suite.completed", () => {
    for (const example of examplesOf("check_suite", "completed")) {
      const raw = z.object({ check_suite: z.object({ head_sha: z.string(), app: z.object({ id: z.number() }) }) }).parse(example);
      expect(checkSuiteCompletedSchema.parse(asAppDelivery(example)).check_suite).toMatchObject({ head_sha: raw.check_suite.head_sha, app: { id: raw.check_suite.app.id } });
    }
  });

  it("reads whether pull_request.closed merged", () => {
    for (const example of examplesOf("pull_request", "closed")) {
      const raw = z.object({ pull_request: z.object({ number: z.number(), merged: z.boolean() }) }).parse(example);
      expect(pullRequestClosedSchema.parse(asAppDelivery(example)).pull_request).toMatchObject({ number: raw.pull_request.number, merged: raw.pull_request.merged });
    }
  });

  it("covers every installation action Orchestrator handles", () => {
    const actions = new Set(examplesOf("installation").map((e) => installationEventSchema.parse(e).action));
    expect([...actions].sort()).toEqual(["created", "deleted", "new_permissions_accepted", "suspend", "unsuspend"]);
  });
});
