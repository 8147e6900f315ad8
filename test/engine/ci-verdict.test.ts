import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../src/config/repo-config.js";
import type { CheckRunSummary } from "../../src/github/github-gateway.js";
import { judgeChecks } from "../../src/engine/phases/ci-result.js";

const ownApp = 4242;
const actions = 15368;
let nextId = 1;
function run(name: string, conclusion: CheckRunSummary["conclusion"], over: Partial<CheckRunSummary> = {}): CheckRunSummary {
  return {
    id: nextId++,
    name,
    status: conclusion === null ? "in_progress" : "completed",
    conclusion,
    appId: actions,
    detailsUrl: null,
    output: { title: null, summary: null, text: null, annotationsCount: 0 },
    ...over,
  };
}
const defaults = parseRepoConfig("");

describe("judgeChecks", () => {
  it("is green when every check but Orchestrator's own has passed", () => {
    expect(judgeChecks([run("test", "success"), run("lint", "neutral"), run("Orchestrator", null, { appId: ownApp })], defaults, ownApp).state).toBe("green");
  });

  it("waits while a check runs, and while no check has reported at all", () => {
    expect(judgeChecks([run("test", "success"), run("lint", null)], defaults, ownApp).state).toBe("pending");
    expect(judgeChecks([], defaults, ownApp).state).toBe("pending");
  });

  it("counts the newest run of a re-run check, not the failed one before it", () => {
    const failed = run("test", "failure");
    const rerun = run("test", "success");
    expect(judgeChecks([rerun, failed], defaults, ownApp).state).toBe("green");
    expect(judgeChecks([failed], defaults, ownApp).state).toBe("red");
  });

  it("keeps two apps' checks of the same name apart: a newer green one does not hide a red one", () => {
    expect(judgeChecks([run("build", "failure", { appId: 99 }), run("build", "success")], defaults, ownApp).state).toBe("red");
  });

  it("with required checks, ignores the others and waits for a required one that has not reported", () => {
    const config = parseRepoConfig("ci:\n  required_checks: [test]\n");
    expect(judgeChecks([run("test", "success"), run("flaky-optional", "failure")], config, ownApp).state).toBe("green");
    const missing = judgeChecks([run("lint", "success")], config, ownApp);
    expect(missing).toMatchObject({ state: "pending", missing: ["test"] });
  });
});
