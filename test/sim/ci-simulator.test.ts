import { existsSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { CiSimulator } from "../../src/sim/ci/ci-simulator.js";
import type { GitTreeEntry } from "../../src/sim/github/git-store.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import { OpenApiValidator } from "../../src/sim/github/openapi/index.js";
import type { SimChange } from "../../src/sim/github/sim-changes.js";
import type { SimRepo } from "../../src/sim/github/sim-model.js";
import { ciCheckSchema } from "../../src/sim/scenario/scenario-schema.js";

/*
 * GitHub Actions as the app meets it: a pull request is opened over HTTP, the CI simulator runs
 * the scripted checks (real commands in a checkout of the head commit), and the app reads jobs,
 * annotations and logs, and re-runs jobs, through Octokit against the started simulator.
 */
const validator = OpenApiValidator.load();
const OWNER = "octo-org";
const REPO = "calculator";

const CALC = "export const add = (a, b) => a + b;\n";
const PASSING_TEST = `import { test } from "node:test";
import assert from "node:assert/strict";
import { add } from "../src/calc.js";

test("adds two numbers", () => {
  assert.equal(add(1, 2), 3);
});
`;
const FAILING_TEST = `import { test } from "node:test";
import assert from "node:assert/strict";
import { add } from "../src/calc.js";

test("adds two numbers", () => {
  assert.equal(add(1, 2), 3);
});

test("adds a negative number", () => {
  assert.equal(add(2, -1), 3, "two plus minus one");
});
`;

type Files = Record<string, string | { content: string; mode: GitTreeEntry["mode"] }>;

interface Setup {
  readonly sim: GitHubSimulator;
  readonly ci: CiSimulator;
  readonly octokit: Octokit;
  readonly repo: SimRepo;
  readonly headSha: string;
  /** The check changes as they were announced: `check_run.<action>:<id>:<conclusion>`, `check_suite.completed:<conclusion>`. */
  readonly checkChanges: string[];
}

const started: GitHubSimulator[] = [];

afterEach(async () => {
  for (const sim of started.splice(0)) {
    expect(sim.requests.all().flatMap((r) => r.responseIssues)).toEqual([]);
    await sim.stop();
  }
});

/** A simulator with octo-org/calculator, a branch `feature` holding `files`, and a pull request from it opened through the API. */
async function openPullRequest(checks: unknown[], files: Files): Promise<Setup> {
  const sim = new GitHubSimulator({ validator });
  await sim.start();
  started.push(sim);
  const world = sim.world;
  world.addUser(OWNER, "Organization");
  const app = world.addApp({ id: 4242, slug: "orchestrator-test", name: "Orchestrator (test)", owner: OWNER, publicKey: null });
  const installation = world.addInstallation(app.id, OWNER);
  const repo = world.addRepo(OWNER, REPO, new Map([["README.md", Buffer.from("# calculator\n")]]));
  const base = repo.git.refs.get("refs/heads/main") ?? "";
  const flat = new Map(
    Object.entries(files).map(([path, file]) => {
      const { content, mode } = typeof file === "string" ? { content: file, mode: "100644" as const } : file;
      return [path, { sha: repo.git.putBlob(Buffer.from(content)), mode }];
    }),
  );
  const author = { name: "mona", email: "mona@example.com", date: world.now() };
  const headSha = repo.git.putCommit({ tree: repo.git.writeTree(flat), parents: [base], author, committer: author, message: "Add calc" });
  repo.git.refs.set("refs/heads/feature", headSha);
  const ci = new CiSimulator(sim, { checks: checks.map((c) => ciCheckSchema.parse(c)) });
  const checkChanges: string[] = [];
  sim.onChange((change) => checkChanges.push(...describeCheckChange(change)));
  const quiet = (): void => undefined;
  const octokit = new Octokit({ auth: world.issueToken(installation.id).token, baseUrl: sim.urls.api, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
  await octokit.rest.pulls.create({ owner: OWNER, repo: REPO, head: "feature", base: "main", title: "Add calc" });
  return { sim, ci, octokit, repo, headSha, checkChanges };
}

const project = (test: string): Files => ({ "package.json": '{ "type": "module" }\n', "src/calc.js": CALC, "test/calc.test.js": test });

async function checkRuns(octokit: Octokit, ref: string, filter: "latest" | "all" = "latest") {
  const { data } = await octokit.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref, filter });
  return data.check_runs;
}

async function onlyRun(octokit: Octokit, ref: string) {
  const [run, ...others] = await checkRuns(octokit, ref);
  expect(others).toEqual([]);
  if (!run) throw new Error("no check run");
  return run;
}

function describeCheckChange(c: SimChange): string[] {
  if (c.kind === "check_run") return [`check_run.${c.action}:${c.run.id}:${c.run.conclusion ?? "-"}`];
  if (c.kind === "check_suite.completed") return [`check_suite.completed:${c.suite.conclusion ?? "-"}`];
  return [];
}

describe("a `run` check runs its command in a checkout of the pull request's head", () => {
  // Node 20 reports in TAP when its output is no terminal, Node 23 on in spec: both are read.
  it.each(["node --test", "node --test --test-reporter=spec"])("fails `%s` with the failing test's name in its output, an annotation at the failed assertion, and the whole log", async (command) => {
    const { ci, octokit, headSha } = await openPullRequest([{ name: "test", run: command }], project(FAILING_TEST));
    await ci.idle();

    const run = await onlyRun(octokit, headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toBe("1 test failed");
    expect(run.output.summary).toContain("adds a negative number");
    expect(run.output.text).toContain("adds a negative number");
    expect(run.output.annotations_count).toBe(1);

    const { data: annotations } = await octokit.rest.checks.listAnnotations({ owner: OWNER, repo: REPO, check_run_id: run.id });
    expect(annotations).toEqual([expect.objectContaining({ path: "test/calc.test.js", start_line: 10, end_line: 10, annotation_level: "failure", title: "adds a negative number" })]);
    expect(annotations[0]?.message).toContain("two plus minus one");

    const { data: log } = await octokit.rest.actions.downloadJobLogsForWorkflowRun({ owner: OWNER, repo: REPO, job_id: run.id });
    expect(typeof log).toBe("string");
    expect(String(log).split("\n")[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z ##\[group\]Run node --test/);
    expect(String(log)).toContain("two plus minus one");
    expect(String(log)).toMatch(/##\[error\]Process completed with exit code 1\.$/m);
  });

  it("passes on a tree whose tests pass", async () => {
    const { ci, octokit, headSha } = await openPullRequest([{ name: "test", run: "node --test" }], project(PASSING_TEST));
    await ci.idle();
    const run = await onlyRun(octokit, headSha);
    expect([run.conclusion, run.output.title, run.output.annotations_count]).toEqual(["success", "1 test passed", 0]);
  });

  it("keeps file modes, hides the simulator's environment, and removes the checkout afterwards", async () => {
    process.env.ORCHESTRATOR_TEST_SECRET = "hush";
    try {
      const script = '#!/bin/sh\ntest -z "$ORCHESTRATOR_TEST_SECRET" && test "$CI" = true && pwd\n';
      const { ci, octokit, headSha } = await openPullRequest([{ name: "script", run: "./check.sh" }], { "check.sh": { content: script, mode: "100755" } });
      await ci.idle();
      const run = await onlyRun(octokit, headSha);
      expect(run.conclusion).toBe("success");
      const checkout = run.output.text?.trim() ?? "";
      expect(checkout).toMatch(/orchestrator-ci-/);
      expect(existsSync(checkout)).toBe(false);
    } finally {
      delete process.env.ORCHESTRATOR_TEST_SECRET;
    }
  });

  it("times out a command that runs past its limit", async () => {
    const { ci, octokit, headSha } = await openPullRequest([{ name: "slow", run: "sleep 20", timeoutMs: 300 }], project(PASSING_TEST));
    await ci.idle();
    const run = await onlyRun(octokit, headSha);
    expect([run.conclusion, run.output.title]).toEqual(["timed_out", "Timed out"]);
  });
});

describe("a check run GitHub Actions made is a job", () => {
  it("re-runs a failed job as a new check run in the same suite, which passes with the next scripted conclusion", async () => {
    const { ci, octokit, headSha, checkChanges } = await openPullRequest([{ name: "test", conclusions: ["failure", "success"], summary: "runner lost its connection" }], {});
    await ci.idle();
    const failed = await onlyRun(octokit, headSha);
    expect(failed.conclusion).toBe("failure");

    const { data: job } = await octokit.rest.actions.getJobForWorkflowRun({ owner: OWNER, repo: REPO, job_id: failed.id });
    expect(job).toMatchObject({ id: failed.id, head_sha: headSha, status: "completed", conclusion: "failure", run_attempt: 1, check_run_url: failed.url });
    expect(job.steps?.find((s) => s.conclusion === "failure")?.name).toBe("Run test");
    expect(job.run_id).not.toBe(failed.check_suite?.id);
    expect(failed.details_url).toBe(job.html_url);

    const { status } = await octokit.rest.actions.reRunJobForWorkflowRun({ owner: OWNER, repo: REPO, job_id: failed.id });
    expect(status).toBe(201);
    await ci.idle();

    const rerun = await onlyRun(octokit, headSha);
    expect(rerun.id).not.toBe(failed.id);
    expect([rerun.name, rerun.conclusion, rerun.check_suite?.id]).toEqual(["test", "success", failed.check_suite?.id]);
    expect((await checkRuns(octokit, headSha, "all")).map((r) => r.conclusion)).toEqual(["failure", "success"]);
    expect(checkChanges).toEqual([
      `check_run.created:${failed.id}:-`,
      `check_run.completed:${failed.id}:failure`,
      "check_suite.completed:failure",
      `check_run.created:${rerun.id}:-`,
      `check_run.completed:${rerun.id}:success`,
      "check_suite.completed:success",
    ]);

    const { data: workflowRun } = await octokit.rest.actions.getWorkflowRun({ owner: OWNER, repo: REPO, run_id: job.run_id });
    expect(workflowRun).toMatchObject({ id: job.run_id, check_suite_id: failed.check_suite?.id, run_attempt: 2, status: "completed", conclusion: "success", head_sha: headSha });
    const { data: jobs } = await octokit.rest.actions.listJobsForWorkflowRun({ owner: OWNER, repo: REPO, run_id: job.run_id });
    expect(jobs.jobs.map((j) => [j.id, j.run_attempt, j.conclusion])).toEqual([[rerun.id, 2, "success"]]);
  });

  it("refuses to re-run a job while its workflow run is still going, as GitHub does", async () => {
    const { ci, octokit, headSha } = await openPullRequest([{ name: "test", conclusion: "failure", durationMs: 300 }], {});
    const running = await onlyRun(octokit, headSha);
    await expect(octokit.rest.actions.reRunJobForWorkflowRun({ owner: OWNER, repo: REPO, job_id: running.id })).rejects.toMatchObject({ status: 403, message: expect.stringContaining("This workflow is already running") as unknown });
    await expect(octokit.rest.actions.downloadJobLogsForWorkflowRun({ owner: OWNER, repo: REPO, job_id: running.id })).rejects.toMatchObject({ status: 404 });
    await ci.idle();
  });

  it("answers 404 for an app's own check run, which is no job", async () => {
    const { ci, octokit, headSha } = await openPullRequest([], {});
    const { data: own } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "orchestrator",
      head_sha: headSha,
      status: "completed",
      conclusion: "neutral",
      output: { title: "Notes", summary: "One note", annotations: [{ path: "src/calc.js", start_line: 1, end_line: 1, annotation_level: "notice", message: "Consider sub" }] },
    });
    await expect(octokit.rest.actions.getJobForWorkflowRun({ owner: OWNER, repo: REPO, job_id: own.id })).rejects.toMatchObject({ status: 404 });
    const { data: annotations } = await octokit.rest.checks.listAnnotations({ owner: OWNER, repo: REPO, check_run_id: own.id });
    expect(annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.message])).toEqual([["src/calc.js", 1, "notice", "Consider sub"]]);
    await ci.idle();
  });

  it("reports scripted output and annotations on a fixed conclusion", async () => {
    const check = { name: "lint", conclusion: "failure", summary: "1 problem", text: "src/calc.js:1 no-var", annotations: [{ path: "src/calc.js", line: 1, message: "Unexpected var" }] };
    const { ci, octokit, headSha } = await openPullRequest([check], {});
    await ci.idle();
    const run = await onlyRun(octokit, headSha);
    expect([run.output.summary, run.output.text, run.output.annotations_count]).toEqual(["1 problem", "src/calc.js:1 no-var", 1]);
    const { data: annotations } = await octokit.rest.checks.listAnnotations({ owner: OWNER, repo: REPO, check_run_id: run.id });
    expect(annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.message])).toEqual([["src/calc.js", 1, "failure", "Unexpected var"]]);
  });
});

describe("a CI check script", () => {
  it("takes exactly one of conclusion, conclusions or run, and says which to give", () => {
    const refused = ciCheckSchema.safeParse({ name: "test", conclusion: "success", run: "node --test" });
    expect(refused.error?.issues.map((i) => i.message)).toEqual([expect.stringContaining("give exactly one of `conclusion: failure`")]);
    expect(ciCheckSchema.safeParse({ name: "test" }).success).toBe(false);
    expect(ciCheckSchema.safeParse({ name: "test", run: "node --test", summary: "x" }).error?.issues[0]?.message).toContain("a `run` check reports its command's own output");
    expect(ciCheckSchema.parse({ name: "test", conclusions: ["failure", "success"] }).conclusions).toEqual(["failure", "success"]);
  });
});
