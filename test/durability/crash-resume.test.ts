import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { runScenario } from "../../src/sim/scenario/run-scenario.js";

describe("crash and restart (the crash-resume scenario)", () => {
  it("finishes a task after its process is killed mid-call, paying for no call twice and writing nothing twice on GitHub", async () => {
    const result = await runScenario(loadScenario("crash-resume"));
    expect(result.expectations.failures).toEqual([]);
    expect(result.task?.state).toBe("done");
    // The implementer's call was cut off by the kill: recorded as failed, asked again once, answered once.
    expect(result.llm.byRole).toMatchObject({ planner: { calls: 1 }, plan_reviewer: { calls: 1 }, implementer: { calls: 1 }, code_reviewer: { calls: 1 } });
    expect(result.llm.byProvider.anthropic?.failed).toBe(1);
    expect(result.llm.duplicateCalls).toBe(0);
    expect(result.github.duplicateSideEffects).toBe(0);
    expect(result.github.byOperation["pulls/create"]).toBe(1);
    expect(result.github.byOperation["git/create-commit"]).toBe(1);
    expect(result.github.byOperation["issues/create-comment"]).toBe(1);
    expect(result.github.byOperation["checks/create"]).toBe(1);
    expect(result.github.invalidRequests).toBe(0);
  }, 90_000);
});
