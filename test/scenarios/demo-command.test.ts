import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("npm run demo -- --json", () => {
  it("prints the result as one JSON object on the last line of stdout, with the stable fields", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--scenario", "happy", "--json"], { timeout: 60_000 });
    const last = stdout.trimEnd().split("\n").at(-1) ?? "";
    const result = JSON.parse(last) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(expect.arrayContaining(["scenario", "tasksCreated", "task", "github", "llm", "events", "durationMs"]));
    expect(result).toMatchObject({
      scenario: "happy",
      tasksCreated: 1,
      task: { state: "done", issue: 1, pr: 2 },
      github: { invalidRequests: 0 },
      llm: { leaks: 0 },
    });
    expect(Object.keys(result.task as object)).toEqual(expect.arrayContaining(["id", "state", "issue", "pr", "prUrl", "prFiles"]));
    expect(Object.keys(result.github as object)).toEqual(expect.arrayContaining(["requests", "byOperation", "invalidRequests", "prCreationCalls"]));
    expect(Object.keys(result.llm as object)).toEqual(
      expect.arrayContaining(["calls", "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "costUsd", "byRole", "byProvider", "leaks"]),
    );
    expect(stdout).toContain("Model replies are scripted");
  });

  it("exits with a clear message for an unknown scenario", async () => {
    const failure = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--scenario", "no-such-scenario"], { timeout: 30_000 }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/No scenario at .*no-such-scenario\.yml\. Known scenarios: .*happy/);
  });
});
