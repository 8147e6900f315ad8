import { describe, expect, it } from "vitest";
import { checkRunsSchema, toCheckRunSummary } from "../../src/github/check-run-schemas.js";

function run(status: string, conclusion: string | null): unknown {
  return { total_count: 1, check_runs: [{ id: 1, name: "ci", status, conclusion, app: { id: 15368 } }] };
}

describe("reading check runs GitHub reports", () => {
  it("keeps the statuses and conclusions it knows", () => {
    expect(checkRunsSchema.parse(run("completed", "success")).check_runs.map(toCheckRunSummary)).toMatchObject([{ status: "completed", conclusion: "success", appId: 15368 }]);
  });

  it("reads a conclusion it does not know as a failure, so an unknown outcome never passes as green", () => {
    expect(checkRunsSchema.parse(run("completed", "startup_failure")).check_runs[0]?.conclusion).toBe("failure");
  });

  it("reads a status it does not know as still running, rather than failing the task", () => {
    expect(checkRunsSchema.parse(run("expected", null)).check_runs[0]?.status).toBe("pending");
  });
});
