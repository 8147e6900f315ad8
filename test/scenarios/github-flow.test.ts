import { describe, expect, it } from "vitest";
import { OpenApiValidator } from "../../src/sim/github/openapi/openapi-validator.js";
import { loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { runScenario } from "../../src/sim/scenario/run-scenario.js";
import type { Scenario } from "../../src/sim/scenario/scenario-schema.js";
import { embedGateReport, gateCheckName } from "../../src/gates/gate-report.js";

/** GitHub's API description, compiled once for the file. */
const githubValidator = OpenApiValidator.load();

const ops = (result: Awaited<ReturnType<typeof runScenario>>, id: string): number => result.github.byOperation[id] ?? 0;

describe("the CI loop", () => {
  it("ci-failure: the real quality gate fails on a real test, one fix with its findings, green, ready for review, done", async () => {
    const result = await runScenario(loadScenario("ci-failure"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task).toMatchObject({ state: "done", fixAttempts: 1 });
    expect(result.events.map((e) => e.kind)).toEqual(expect.arrayContaining(["ci_failed", "submit_fix", "ci_passed"]));
    // The draft became ready through GraphQL once CI was green; the evidence was the gate's own report, read from its check run.
    expect(ops(result, "graphql/markPullRequestReadyForReview")).toBe(1);
    expect(ops(result, "checks/list-annotations")).toBe(0);
    expect(ops(result, "actions/download-job-logs-for-workflow-run")).toBe(0);
    // Two commits on one branch, one pull request.
    expect(ops(result, "pulls/create")).toBe(1);
    expect(ops(result, "git/update-ref")).toBe(1);
  });

  it("ci-stuck: the same failure after a fix stops the loop with one account of it", async () => {
    const result = await runScenario(loadScenario("ci-stuck"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.state).toBe("needs_human");
    expect(result.task?.fixAttempts).toBe(1);
    expect(result.task?.failure).toMatch(/the same failure came back after a fix attempt\. Failing: `Orchestrator quality gate` \(tests\) — test\/operations\.test\.js:\d+ tests: subtract > subtracts two numbers: Expected values to be strictly equal/);
    expect(result.github.issueComments).toBe(1);
  });

  it("the quality gate's machine-readable findings reach the implementer as the evidence", async () => {
    const base = loadScenario("ci-failure");
    const report = embedGateReport({
      conclusion: "failure",
      findings: [
        { gate: "tests", severity: "error", path: "test/operations.test.js", line: 11, message: "subtract(5, 3) returned 8, expected 2", rule: null, test: "subtract > subtracts two numbers", new: true, failing: true },
        { gate: "lint", severity: "warning", path: "src/cli.js", line: 3, message: "an old warning on an unchanged line", rule: "no-unused-vars", new: false, failing: false },
      ],
    });
    const fix = (base.llm.replies ?? []).find((r) => r.id === "fix-ci");
    if (!fix) throw new Error("ci-failure has no fix-ci reply");
    const scenario: Scenario = {
      ...base,
      name: "gate-findings",
      // The only fix reply answers a request that carries the gate's finding: unmatched otherwise.
      // A finding that does not fail the gate is not evidence: it must not reach the model (the raw JSON would carry it).
      llm: { ...base.llm, forbidden: ["an old warning on an unchanged line"], replies: (base.llm.replies ?? []).map((r) => (r === fix ? { ...fix, id: "fix-from-gate", match: { tool: "write_file", text: "returned 8, expected 2" } } : r)) },
      ci: { checks: [{ name: gateCheckName, conclusions: ["failure", "success"], text: report, durationMs: 20 }] },
      expect: { state: "done", fixAttempts: 1, modelCalls: 5 },
    };
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.llm.unmatched).toBe(0);
    expect(result.llm.leaks).toBe(0);
    // Read from the check run's text: no annotation request was needed.
    expect(ops(result, "checks/list-annotations")).toBe(0);
  });

  it("an infrastructure failure is re-run once, not fixed", async () => {
    const happy = loadScenario("happy");
    const scenario: Scenario = {
      ...happy,
      name: "flaky-runner",
      ci: { checks: [{ name: "test", conclusions: ["failure", "success"], text: "npm ERR! code ECONNRESET\nnpm ERR! network socket hang up", durationMs: 20 }] },
    };
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task).toMatchObject({ state: "done", fixAttempts: 0 });
    expect(result.events.map((e) => e.kind)).toContain("ci_rerun");
    expect(ops(result, "actions/re-run-job-for-workflow-run")).toBe(1);
    expect(result.llm.calls).toBe(4);
  });

  it("no-ci: with no check ever reported, the pull request still goes to review after ci.no_checks_minutes", async () => {
    const result = await runScenario(loadScenario("no-ci"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.events.map((e) => e.kind)).toContain("ci_passed");
    expect(ops(result, "graphql/markPullRequestReadyForReview")).toBe(1);
  });

  it("missed-webhook: lost CI deliveries are found by reconciliation", async () => {
    const result = await runScenario(loadScenario("missed-webhook"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.webhooks.failed).toBe(3);
    expect(result.events.map((e) => e.kind)).toContain("ci_passed");
    expect(ops(result, "pulls/get")).toBeGreaterThanOrEqual(1);
  });
});

describe("the review gate", () => {
  it("changes-requested: one revision commit, reviewed by another model, every thread answered", async () => {
    const result = await runScenario(loadScenario("changes-requested"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task).toMatchObject({ state: "done", revisions: 1 });
    expect(result.github.threadReplies).toBe(2);
    expect(result.llm.crossReviewViolations).toBe(0);
    expect(result.events.map((e) => e.kind)).toEqual(expect.arrayContaining(["request_revision", "submit_revision", "approve_code"]));
  });

  it("a bot's review is ignored unless trust.allow_bots names it; then it steers like a person's", async () => {
    const base = loadScenario("changes-requested");
    const withBot = (allow: string[]): Scenario => ({
      ...base,
      name: "bot-review",
      repo: { ...base.repo, files: { ".github/orchestrator.yml": `trust:\n  allow_bots: [${allow.join(", ")}]\n` } },
      actors: [...base.actors, { login: "review-bot", permission: "write", bot: true }],
      steps: [
        { label: { by: "mona" } },
        { waitFor: { state: "awaiting_review" } },
        { review: { by: "review-bot", event: "request_changes", body: "Please describe subtract.", comments: [] } },
        { waitFor: { quiet: true } },
      ],
      expect: {},
    });
    const ignored = await runScenario(withBot([]), { githubValidator });
    expect(ignored.task?.state).toBe("awaiting_review");
    expect(ignored.task?.revisions).toBe(0);
    const trusted = await runScenario(withBot(["review-bot"]), { githubValidator });
    expect(trusted.task?.revisions).toBe(1);
  });

  it("cancel: closing the pull request cancels the task and spends nothing more", async () => {
    const result = await runScenario(loadScenario("cancel"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.state).toBe("cancelled");
    expect(result.llm.calls).toBe(4);
  });
});

describe("commands, plan approval, config and trust", () => {
  it("plan-approval: a high-risk plan waits for approve-plan", async () => {
    const result = await runScenario(loadScenario("plan-approval"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    const kinds = result.events.map((e) => e.kind);
    expect(kinds.indexOf("await_plan_approval")).toBeLessThan(kinds.indexOf("plan_approved"));
    expect(kinds).toContain("command");
  });

  it("a change that touches riskier paths than its plan waits for approval before it is pushed, and is not implemented again", async () => {
    const happy = loadScenario("happy");
    const narrowPlan = {
      id: "narrow-plan",
      match: { tool: "submit_plan" },
      reply: { toolCalls: [{ name: "submit_plan", input: { summary: "Add subtract to the operations.", steps: [{ goal: "Implement subtract", files: ["src/operations.js"], change: "Add subtract(a, b).", tests: "npm test" }] } }] },
    };
    const scenario: Scenario = {
      ...happy,
      name: "risky-change",
      repo: { ...happy.repo, files: { ".github/orchestrator.yml": 'risk:\n  paths:\n    - { pattern: "src/cli.js", risk: high }\n' } },
      llm: { ...happy.llm, replies: [narrowPlan, ...(happy.llm.replies ?? []).filter((r) => r.id !== "plan")] },
      steps: [
        { label: { by: "mona" } },
        { waitFor: { state: "awaiting_plan_approval" } },
        { waitFor: { quiet: true } },
        { comment: { by: "mona", body: "/orchestrator approve-plan", on: "issue" } },
        { waitFor: { state: "awaiting_review" } },
        { review: { by: "mona", event: "approve", body: "OK.", comments: [] } },
        { waitFor: { state: "done" } },
      ],
      expect: { state: "done", modelCalls: 4, commentContains: ["Change for approval (risk: high)", "change approved"] },
    };
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    const kinds = result.events.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["approve_plan", "await_change_approval", "change_approved"]));
    expect(kinds).not.toContain("await_plan_approval");
  });

  it("budget and retry: a task stopped by its budget carries on after the cap is raised", async () => {
    const stopped = loadScenario("budget-exceeded");
    const scenario: Scenario = {
      ...stopped,
      name: "budget-raised",
      steps: [
        ...stopped.steps,
        { comment: { by: "mona", body: "/orchestrator budget 3", on: "issue" } },
        { waitFor: { quiet: true } },
        { comment: { by: "mona", body: "Carry on please.\n/orchestrator retry", on: "issue" } },
        { waitFor: { state: "awaiting_review", afterEvent: "resume" } },
        { review: { by: "mona", event: "approve", body: "Thanks.", comments: [] } },
        { waitFor: { state: "done" } },
      ],
      expect: { state: "done", modelCalls: 4, commentContains: ["this task's budget is now $3", "carrying on from implementing"] },
    };
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.budget.capUsd).toBe(3);
    expect(result.events.map((e) => e.kind)).toEqual(expect.arrayContaining(["budget_changed", "resume"]));
  });

  it("a command from someone without write access is refused and changes nothing", async () => {
    const base = loadScenario("late-edit");
    const scenario: Scenario = {
      ...base,
      name: "outsider-command",
      steps: [{ label: { by: "mona" } }, { waitFor: { state: "awaiting_review" } }, { comment: { by: "mallory", body: "/orchestrator cancel", on: "pr" } }, { waitFor: { quiet: true } }],
      expect: { state: "awaiting_review" },
    };
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.events.map((e) => e.kind)).toContain("command_refused");
  });

  it("a merge after the approval finished the task is recorded once, as a note (cost per merged pull request counts it)", async () => {
    const base = loadScenario("happy");
    const scenario: Scenario = {
      ...base,
      name: "approved-then-merged",
      steps: [...base.steps, { close: { by: "mona", merge: true } }, { waitFor: { quiet: true } }],
    };
    const result = await runScenario(scenario, { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    const merges = result.events.filter((e) => e.kind === "merged");
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({ from: null, to: null });
    expect(result.task?.state).toBe("done");
  });

  it("invalid-config: one comment naming the bad keys, no task, no model call", async () => {
    const result = await runScenario(loadScenario("invalid-config"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.tasksCreated).toBe(0);
    expect(result.llm.simulatorRequests).toBe(0);
  });

  it("late-edit: an edit after the label does not steer the task", async () => {
    const result = await runScenario(loadScenario("late-edit"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.llm.leaks).toBe(0);
  });

  it("many-files: 25 files in one commit, at most five REST calls", async () => {
    const result = await runScenario(loadScenario("many-files"), { githubValidator });
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.prFiles).toHaveLength(25);
    expect(result.github.prCreationCalls).toBeLessThanOrEqual(5);
    expect(ops(result, "git/create-blob")).toBe(0);
  });
});
