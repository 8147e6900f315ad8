import { describe, expect, it } from "vitest";
import { listScenarios, loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { OpenApiValidator } from "../../src/sim/github/openapi/openapi-validator.js";
import { runScenario } from "../../src/sim/scenario/run-scenario.js";

/** GitHub's API description, compiled once for the file: its cost is the simulator's, paid once. */
const githubValidator = OpenApiValidator.load();

describe("scenario files", () => {
  it("every scenario in fixtures/scenarios parses", () => {
    const names = listScenarios();
    expect(names).toEqual(expect.arrayContaining(["happy", "unauthorized", "duplicate-delivery"]));
    for (const name of names) expect(loadScenario(name).name).toBe(name);
  });

  it("a scenario that extends another takes its keys and replaces those it sets", () => {
    const happy = loadScenario("happy");
    const duplicate = loadScenario("duplicate-delivery");
    expect(duplicate.llm).toEqual(happy.llm);
    expect(duplicate.steps).not.toEqual(happy.steps);
  });
});

describe("happy: label to approved pull request", () => {
  it("plans, reviews the plan, implements, reviews the code, opens a PR that closes the issue, and finishes on approval", async () => {
    const result = await runScenario(loadScenario("happy"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.state).toBe("done");
    expect(result.task?.prUrl).toMatch(/\/acme\/calculator\/pull\/\d+$/);
    expect(result.task?.prFiles).toEqual(["README.md", "src/cli.js", "src/index.js", "src/operations.js", "test/operations.test.js"]);
    expect(result.github.invalidRequests).toBe(0);
    expect(result.github.invalidResponses).toBe(0);
    expect(result.github.prCreationCalls).toBeLessThanOrEqual(5);
    expect(result.llm.calls).toBeGreaterThanOrEqual(2);
    expect(Object.keys(result.llm.byRole).sort()).toEqual(["code_reviewer", "implementer", "plan_reviewer", "planner"]);
    // Authors on the default provider, reviewers on the other one: nobody reviews their own work.
    expect(result.llm.byProvider.anthropic?.calls).toBe(2);
    expect(result.llm.byProvider.openai?.calls).toBe(2);
    expect(result.llm.crossReviewViolations).toBe(0);
    expect(result.task?.rounds).toEqual({ plan: 1, codeReview: 1 });
    expect(result.budget.capUsd).toBe(5);
    expect(result.budget.spentUsd).toBeCloseTo(result.llm.costUsd, 6);
    expect(result.llm.costUsd).toBeGreaterThan(0);
    expect(result.llm.leaks).toBe(0);
    expect(result.webhooks.failed).toBe(0);
    expect(result.webhooks.invalidPayloads).toBe(0);
    expect(result.events.map((e) => e.to).filter((s) => s !== null)).toEqual([
      "queued",
      "planning",
      "plan_review",
      "implementing",
      "code_review",
      "pushing",
      "awaiting_ci",
      "awaiting_review",
      "done",
    ]);
    expect(result.dashboard).toContain("| 1 | planner | anthropic/claude-sonnet-5-5 |");
    expect(result.dashboard).toContain("**Total**");
  });
});

describe("unauthorized: an outsider adds the label", () => {
  it("creates no task, calls no model and answers with one comment", async () => {
    const result = await runScenario(loadScenario("unauthorized"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.tasksCreated).toBe(0);
    expect(result.llm.calls).toBe(0);
    expect(result.llm.simulatorRequests).toBe(0);
    expect(result.github.issueComments).toBe(1);
    expect(result.github.byOperation["issues/create-comment"]).toBe(1);
    expect(result.github.byOperation["git/create-ref"]).toBeUndefined();
  });
});

describe("duplicate-delivery: the same X-GitHub-Delivery twice", () => {
  it("makes one task and one pull request", async () => {
    const result = await runScenario(loadScenario("duplicate-delivery"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.webhooks.redeliveries).toBe(1);
    expect(result.tasksCreated).toBe(1);
    expect(result.github.byOperation["pulls/create"]).toBe(1);
    expect(result.llm.byRole.planner?.calls).toBe(1);
  });
});

describe("red-ci-needs-human: CI fails", () => {
  it("hands the task to a person with the failing check named, and finishes when they approve", async () => {
    const result = await runScenario(loadScenario("red-ci-needs-human"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.events.map((e) => e.kind)).toContain("hand_to_human");
    expect(result.events.at(-1)).toMatchObject({ kind: "approve", from: "needs_human", to: "done" });
    expect(result.task?.failure).toBeNull();
    expect(result.dashboard).not.toContain("Stopped");
  });
});

describe("issue-closed: the issue is closed while the PR waits for review", () => {
  it("cancels the task and says who stopped it", async () => {
    const result = await runScenario(loadScenario("issue-closed"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.failure).toBe("@mona closed the issue.");
  });
});

describe("relabelling a task that waits for a person", () => {
  it("cancels it and starts a new task on a branch and pull request of its own", async () => {
    const red = loadScenario("red-ci-needs-human");
    const scenario = {
      ...red,
      name: "relabel-restart",
      llm: { ...red.llm, replies: (red.llm.replies ?? []).map((reply) => ({ ...reply, times: 2 })) },
      steps: [
        { label: { by: "mona" } },
        { waitFor: { state: "needs_human" as const } },
        { unlabel: { by: "mona" } },
        { label: { by: "mona" } },
        { waitFor: { state: "needs_human" as const } },
      ],
      expect: {},
    };
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.tasksCreated).toBe(2);
    expect(result.task).toMatchObject({ id: 2, state: "needs_human", pr: 3 });
    expect(result.task?.failure).toMatch(/^CI failed and Orchestrator stopped: the fix attempts allowed are used up \(`ci.fix_attempts`: 0\)\. Failing: `test` \(tests\).*`\/orchestrator retry`/);
    expect(result.github.byOperation["pulls/create"]).toBe(2);
    expect(result.github.invalidRequests).toBe(0);
    expect(result.llm.byRole.planner?.calls).toBe(2);
  });
});

describe("the agent engine's scenarios", () => {
  it("plan-revision: the reviewer sends the first plan back; the revised plan is approved", async () => {
    const result = await runScenario(loadScenario("plan-revision"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.rounds).toEqual({ plan: 2, codeReview: 1 });
    expect(result.events.map((e) => e.kind)).toEqual(expect.arrayContaining(["revise_plan", "approve_plan"]));
    expect(result.llm.byRole.planner?.calls).toBe(2);
    expect(result.llm.crossReviewViolations).toBe(0);
  });

  it("code-review-revision: the requested change is made on top of the first one and reaches the PR", async () => {
    const result = await runScenario(loadScenario("code-review-revision"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.rounds).toEqual({ plan: 1, codeReview: 2 });
    expect(result.events.map((e) => e.kind)).toEqual(expect.arrayContaining(["request_code_changes", "approve_code"]));
    expect(result.task?.prFiles).toEqual(["README.md", "src/cli.js", "src/index.js", "src/operations.js", "test/operations.test.js"]);
  });

  it("malformed-output: one repair round, then the task carries on", async () => {
    const result = await runScenario(loadScenario("malformed-output"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.llm.byRole.planner?.calls).toBe(2);
    expect(result.task?.state).toBe("done");
  });

  it("provider-outage: failures move to the fallback, the circuit opens, and reviews stay crossed", async () => {
    const result = await runScenario(loadScenario("provider-outage"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.llm.byProvider.anthropic).toMatchObject({ calls: 0, failed: 3 });
    expect(result.llm.byProvider.openai?.calls).toBe(4);
    expect(result.llm.crossReviewViolations).toBe(0);
    // Three failed calls opened the circuit, so the fourth call never went to Anthropic.
    expect(result.events.filter((e) => e.kind === "fallback")).toHaveLength(4);
    expect(result.llm.simulatorRequests).toBe(3 * 2 + 4);
  });

  it("budget-exceeded: the call that could cross the cap is not made; the task waits with the spend shown", async () => {
    const result = await runScenario(loadScenario("budget-exceeded"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.budget.capUsd).toBe(0.1);
    expect(result.budget.spentUsd).toBeGreaterThan(0);
    expect(result.budget.spentUsd).toBeLessThanOrEqual(0.1);
    expect(result.llm.byRole.implementer).toBeUndefined();
    expect(result.task?.failure).toMatch(/^Budget reached: this task has spent \$0\.0\d+ of its \$0\.1000 cap\. The next model call \(implementer/);
  });

  it("secret-redaction: a key in a file the model reads never reaches a provider", async () => {
    const scenario = loadScenario("secret-redaction");
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(scenario.llm.forbidden).toHaveLength(1);
    expect(result.llm.leaks).toBe(0);
    expect(result.task?.state).toBe("done");
  });

  it("protected-path: a workflow edit and a planted key are refused, told to the model, and kept out of the PR", async () => {
    const result = await runScenario(loadScenario("protected-path"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.prFiles).toEqual(["src/operations.js"]);
    expect(result.task?.refusals).toEqual([
      expect.stringMatching(/^\.github\/workflows\/ci\.yml: .*is protected/),
      expect.stringMatching(/^src\/telemetry\.js: the content contains what looks like a secret \(openai-key\)/),
    ]);
  });
});
