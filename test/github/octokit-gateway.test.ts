import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GitHubError } from "../../src/github/github-errors.js";
import type { CommitRequest, FileChange, RepoRef } from "../../src/github/github-gateway.js";
import { OctokitGateway } from "../../src/github/octokit-gateway.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import { OpenApiValidator } from "../../src/sim/github/openapi/index.js";
import type { SimRequestRecord } from "../../src/sim/github/request-log.js";
import type { SimApp, SimIssue, SimRepo } from "../../src/sim/github/sim-model.js";
import { SimPeople } from "../../src/sim/github/sim-people.js";
import { githubActionsAppId } from "../../src/sim/github/sim-world.js";

const OWNER = "octo-org";
const REPO = "calculator";
const ref: RepoRef = { owner: OWNER, repo: REPO };
const author = { name: "orchestrator[bot]", email: "orchestrator@users.noreply.github.com" };
const fixedDate = "2026-02-27T08:30:00Z";

// Octokit's request log writes every 4xx to console.error; the refusals here are expected.
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let validator: OpenApiValidator;
let sim: GitHubSimulator;
/** The simulator's clock: a retry "later" really is later, so only a fixed commit date can give the same sha. */
let clockMs = 0;

beforeAll(() => {
  // Compiling GitHub's description once keeps a fresh simulator per test cheap.
  validator = OpenApiValidator.load();
});

beforeEach(async () => {
  clockMs = Date.parse("2026-03-01T12:00:00Z");
  sim = new GitHubSimulator({ validator, now: () => new Date(clockMs) });
  await sim.start();
});

afterEach(async () => {
  await sim.stop();
  // Every answer the simulator gave, setup included, must be one GitHub's description allows.
  expect(sim.requests.stats().invalidResponses).toBe(0);
});

interface TestWorld {
  readonly app: SimApp;
  readonly repo: SimRepo;
  readonly gateway: OctokitGateway;
  readonly baseSha: string;
  readonly baseTreeSha: string;
}

function textFiles(entries: Record<string, string>): Map<string, Buffer> {
  return new Map(Object.entries(entries).map(([path, content]) => [path, Buffer.from(content)]));
}

function clientFor(token: string): Octokit {
  return new Octokit({ baseUrl: sim.urls.api, auth: token, log: silent });
}

/** octo-org/calculator with `files` on main, the app installed on octo-org, mona a maintainer. */
function buildWorld(files: ReadonlyMap<string, Buffer>): TestWorld {
  const world = sim.world;
  world.addUser(OWNER, "Organization");
  world.addUser("mona");
  const app = world.addApp({ id: 4242, slug: "orchestrator-test", name: "Orchestrator (test)", owner: OWNER, publicKey: null });
  const installation = world.addInstallation(app.id, OWNER);
  const repo = world.addRepo(OWNER, REPO, files);
  world.setPermission(repo, "mona", "maintain");
  const { token } = world.issueToken(installation.id);
  const baseSha = headOf(repo, "main");
  return { app, repo, gateway: new OctokitGateway(clientFor(token)), baseSha, baseTreeSha: treeOf(repo, baseSha) };
}

function headOf(repo: SimRepo, branch: string): string {
  const sha = repo.git.refs.get(`refs/heads/${branch}`);
  if (sha === undefined) throw new Error(`no branch ${branch}`);
  return sha;
}

function treeOf(repo: SimRepo, commitSha: string): string {
  const commit = repo.git.get(commitSha);
  if (commit?.type !== "commit") throw new Error(`no commit ${commitSha}`);
  return commit.tree;
}

/** The files of a commit as the simulator stores them: path → text. */
function filesAt(repo: SimRepo, commitSha: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [path, file] of repo.git.flatten(treeOf(repo, commitSha))) {
    const blob = repo.git.get(file.sha);
    if (blob?.type !== "blob") throw new Error(`no blob for ${path}`);
    files.set(path, blob.content.toString("utf8"));
  }
  return files;
}

/**
 * Runs `action` and returns the REST requests it made (`ops`) and the archives it downloaded from
 * codeload, which is not the REST API; every response the simulator gave must match GitHub's description.
 */
async function during<T>(action: () => Promise<T>): Promise<{ result: T; requests: readonly SimRequestRecord[]; ops: (string | null)[]; downloads: number }> {
  const start = sim.requests.all().length;
  const result = await action();
  const all = sim.requests.all().slice(start);
  expect(all.flatMap((r) => r.responseIssues)).toEqual([]);
  const requests = all.filter((r) => r.operationId !== "codeload/download");
  return { result, requests, ops: requests.map((r) => r.operationId), downloads: all.length - requests.length };
}

function expectNoInvalidTraffic(): void {
  const stats = sim.requests.stats();
  expect(stats.invalidRequests).toBe(0);
  expect(stats.invalidResponses).toBe(0);
}

function commitRequest(world: TestWorld, branch: string, changes: readonly FileChange[], date = fixedDate): CommitRequest {
  return { baseSha: world.baseSha, baseTreeSha: world.baseTreeSha, branch, message: "Add sub\n", changes, date, author };
}

const smallRepo = textFiles({
  "README.md": "# calculator\n",
  "src/calc.js": "export const add = (a, b) => a + b;\n",
  "test/calc.test.js": "import { add } from '../src/calc.js';\n",
});

describe("OctokitGateway.readSnapshot", () => {
  it("reads a three-file repository in two requests with every file, the commit and the tree", async () => {
    const world = buildWorld(smallRepo);
    const { result: snapshot, ops, downloads } = await during(() => world.gateway.readSnapshot(ref, "main"));
    expect(ops).toEqual(["repos/get-branch", "repos/download-tarball-archive"]);
    expect(downloads).toBe(1);
    expect(snapshot).toMatchObject({ owner: OWNER, repo: REPO, branch: "main", commitSha: world.baseSha, treeSha: world.baseTreeSha });
    expect(new Map([...snapshot.files].map(([path, file]) => [path, file.content]))).toEqual(new Map([...smallRepo].map(([p, c]) => [p, c.toString("utf8")])));
    expectNoInvalidTraffic();
  });

  it("reads a 300-file repository in the same two requests", async () => {
    const many = new Map<string, Buffer>();
    for (let i = 0; i < 300; i++) many.set(`src/module-${Math.floor(i / 30)}/file-${i}.ts`, Buffer.from(`export const value${i} = ${i};\n`));
    const world = buildWorld(many);
    const { result: snapshot, ops, downloads } = await during(() => world.gateway.readSnapshot(ref, "main"));
    expect(ops).toEqual(["repos/get-branch", "repos/download-tarball-archive"]);
    expect(downloads).toBe(1);
    expect(snapshot.files.size).toBe(300);
    for (const [path, content] of many) expect(snapshot.files.get(path)?.content, path).toBe(content.toString("utf8"));
    expect(snapshot.commitSha).toBe(world.baseSha);
    expect(snapshot.treeSha).toBe(world.baseTreeSha);
    expectNoInvalidTraffic();
  });

  it("reads a branch whose name has slashes", async () => {
    const world = buildWorld(smallRepo);
    const { commitSha } = await world.gateway.commitFiles(ref, commitRequest(world, "release/2026/q1", [{ kind: "write", path: "NEW.md", content: "new\n" }]));
    const { result: snapshot, ops, downloads } = await during(() => world.gateway.readSnapshot(ref, "release/2026/q1"));
    expect(ops).toEqual(["repos/get-branch", "repos/download-tarball-archive"]);
    expect(downloads).toBe(1);
    expect(snapshot).toMatchObject({ branch: "release/2026/q1", commitSha });
    expect(snapshot.files.get("NEW.md")?.content).toBe("new\n");
    expectNoInvalidTraffic();
  });

  it("reads a given commit in two requests, even after the branch has moved on", async () => {
    const world = buildWorld(smallRepo);
    await world.gateway.commitFiles(ref, commitRequest(world, "main-next", [{ kind: "write", path: "NEW.md", content: "new\n" }]));
    world.repo.git.refs.set("refs/heads/main", headOf(world.repo, "main-next"));
    const { result: snapshot, ops, downloads } = await during(() => world.gateway.readSnapshotAt(ref, "main", world.baseSha));
    expect(ops).toEqual(["git/get-commit", "repos/download-tarball-archive"]);
    expect(downloads).toBe(1);
    expect(snapshot).toMatchObject({ branch: "main", commitSha: world.baseSha, treeSha: world.baseTreeSha });
    expect([...snapshot.files.keys()].sort()).toEqual([...smallRepo.keys()].sort());
    expectNoInvalidTraffic();
  });
});

describe("OctokitGateway.commitFiles", () => {
  it("commits one change to a new branch in three requests", async () => {
    const world = buildWorld(smallRepo);
    const change: FileChange = { kind: "write", path: "src/sub.js", content: "export const sub = (a, b) => a - b;\n" };
    const { result, ops } = await during(() => world.gateway.commitFiles(ref, commitRequest(world, "orchestrator/issue-1", [change])));
    expect(ops).toEqual(["git/create-tree", "git/create-commit", "git/create-ref"]);
    expect(headOf(world.repo, "orchestrator/issue-1")).toBe(result.commitSha);
    const expected = new Map([...smallRepo].map(([p, c]) => [p, c.toString("utf8")]));
    expected.set("src/sub.js", change.content);
    expect(filesAt(world.repo, result.commitSha)).toEqual(expected);
    const commit = world.repo.git.get(result.commitSha);
    expect(commit?.type === "commit" ? { parents: commit.parents, date: commit.author.date, message: commit.message } : undefined).toEqual({
      parents: [world.baseSha],
      date: fixedDate,
      message: "Add sub\n",
    });
    expectNoInvalidTraffic();
  });

  it("commits fifty changes, writes and deletes, in the same three requests", async () => {
    const base = new Map<string, Buffer>();
    for (let i = 0; i < 20; i++) base.set(`lib/part-${i}.js`, Buffer.from(`// part ${i}\n`));
    const world = buildWorld(base);
    const changes: FileChange[] = [
      ...Array.from({ length: 45 }, (_, i): FileChange => ({ kind: "write", path: `generated/g-${i}.js`, content: `export default ${i};\n` })),
      { kind: "write", path: "lib/part-0.js", content: "// part 0, rewritten\n" },
      { kind: "write", path: "bin/run.sh", content: "#!/bin/sh\necho run\n", executable: true },
      { kind: "delete", path: "lib/part-1.js" },
      { kind: "delete", path: "lib/part-2.js" },
      { kind: "delete", path: "lib/part-3.js" },
    ];
    expect(changes).toHaveLength(50);
    const { result, ops } = await during(() => world.gateway.commitFiles(ref, commitRequest(world, "orchestrator/issue-2", changes)));
    expect(ops).toEqual(["git/create-tree", "git/create-commit", "git/create-ref"]);
    expect(headOf(world.repo, "orchestrator/issue-2")).toBe(result.commitSha);
    const expected = new Map([...base].map(([p, c]) => [p, c.toString("utf8")]));
    for (const change of changes) {
      if (change.kind === "write") expected.set(change.path, change.content);
      else expected.delete(change.path);
    }
    expect(filesAt(world.repo, result.commitSha)).toEqual(expected);
    expect(world.repo.git.flatten(treeOf(world.repo, result.commitSha)).get("bin/run.sh")?.mode).toBe("100755");
    expectNoInvalidTraffic();
  });

  it("yields the same commit when the same change is committed again, and accepts the branch an earlier attempt made", async () => {
    const world = buildWorld(smallRepo);
    const request = commitRequest(world, "orchestrator/issue-3", [{ kind: "write", path: "src/sub.js", content: "export const sub = 1;\n" }]);
    const first = await world.gateway.commitFiles(ref, request);
    clockMs += 90_000;
    const { result: retried, ops, requests } = await during(() => world.gateway.commitFiles(ref, request));
    expect(retried.commitSha).toBe(first.commitSha);
    expect(ops).toEqual(["git/create-tree", "git/create-commit", "git/create-ref", "git/get-ref"]);
    expect(requests.filter((r) => r.invalid !== null).map((r) => [r.operationId, r.status, r.invalid])).toEqual([["git/create-ref", 422, "Reference already exists"]]);
    expect(headOf(world.repo, "orchestrator/issue-3")).toBe(first.commitSha);
  });

  it("never overwrites a branch that holds other commits, and says so without retrying", async () => {
    const world = buildWorld(smallRepo);
    const branch = "orchestrator/issue-4";
    const first = await world.gateway.commitFiles(ref, commitRequest(world, branch, [{ kind: "write", path: "a.txt", content: "someone's work\n" }]));
    const refusal = await world.gateway.commitFiles(ref, commitRequest(world, branch, [{ kind: "write", path: "a.txt", content: "another attempt\n" }])).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(GitHubError);
    expect((refusal as GitHubError).retryable).toBe(false);
    expect((refusal as GitHubError).message).toMatch(/Branch orchestrator\/issue-4 already exists .* will not overwrite it/);
    expect(headOf(world.repo, branch)).toBe(first.commitSha);
    expect(filesAt(world.repo, first.commitSha).get("a.txt")).toBe("someone's work\n");
  });
});

describe("OctokitGateway.openPullRequest", () => {
  it("opens a pull request once and finds the same one when asked again for the same head", async () => {
    const world = buildWorld(smallRepo);
    await world.gateway.commitFiles(ref, commitRequest(world, "orchestrator/issue-1", [{ kind: "write", path: "x.txt", content: "x\n" }]));
    const pr = { head: "orchestrator/issue-1", base: "main", title: "Add sub", body: "Closes #1", draft: true };
    const { result: opened, ops: openOps } = await during(() => world.gateway.openPullRequest(ref, pr));
    expect(openOps).toEqual(["pulls/create"]);
    expectNoInvalidTraffic();
    const { result: again, ops: againOps } = await during(() => world.gateway.openPullRequest(ref, pr));
    expect(againOps).toEqual(["pulls/create", "pulls/list"]);
    expect(again).toEqual(opened);
    expect(opened.headSha).toBe(headOf(world.repo, "orchestrator/issue-1"));
    expect(opened.url).toMatch(new RegExp(`/${OWNER}/${REPO}/pull/${opened.number}$`));
    expect([...world.repo.pulls.values()].map((p) => [p.number, p.draft, p.headRef])).toEqual([[opened.number, true, "orchestrator/issue-1"]]);
  });

  it("reports a refusal it cannot explain by an open pull request as a non-retryable error", async () => {
    const world = buildWorld(smallRepo);
    const refusal = world.gateway.openPullRequest(ref, { head: "no-such-branch", base: "main", title: "t", body: "b", draft: false });
    await expect(refusal).rejects.toBeInstanceOf(GitHubError);
    await expect(refusal).rejects.toMatchObject({ status: 422, retryable: false });
  });
});

describe("OctokitGateway.upsertIssueComment", () => {
  function openIssue(world: TestWorld): SimIssue {
    return new SimPeople(sim).openIssue(world.repo, "mona", "Add sub", "Please add sub.");
  }

  it("creates the comment when there is none, edits it by id, and finds it by its marker when the id is unknown", async () => {
    const world = buildWorld(smallRepo);
    const issue = openIssue(world);
    const marker = "<!-- orchestrator:task=7 -->";
    const { result: created, ops: createOps } = await during(() =>
      world.gateway.upsertIssueComment(ref, issue.number, { commentId: null, marker, body: `${marker}\nPlanning…` }),
    );
    expect(createOps).toEqual(["issues/list-comments", "issues/create-comment"]);
    expect(world.repo.comments.get(created.id)?.body).toBe(`${marker}\nPlanning…`);

    const { result: edited, ops: editOps } = await during(() =>
      world.gateway.upsertIssueComment(ref, issue.number, { commentId: created.id, marker, body: `${marker}\nImplementing…` }),
    );
    expect(editOps).toEqual(["issues/update-comment"]);
    expect(edited.id).toBe(created.id);
    expect(world.repo.comments.get(created.id)?.body).toBe(`${marker}\nImplementing…`);

    // A human comment after ours must not be mistaken for it.
    const now = sim.world.now();
    const human = { id: sim.world.nextId(), issueNumber: issue.number, body: "Looks good so far", user: sim.world.user("mona"), createdAt: now, updatedAt: now };
    world.repo.comments.set(human.id, human);
    const { result: found, ops: findOps } = await during(() =>
      world.gateway.upsertIssueComment(ref, issue.number, { commentId: null, marker, body: `${marker}\nPushing…` }),
    );
    expect(findOps).toEqual(["issues/list-comments", "issues/update-comment"]);
    expect(found.id).toBe(created.id);
    expect(world.repo.comments.get(created.id)?.body).toBe(`${marker}\nPushing…`);
    expect(world.repo.comments.get(human.id)?.body).toBe("Looks good so far");
    expect(world.repo.comments.size).toBe(2);
    expectNoInvalidTraffic();
  });

  it("does not adopt a person's comment that carries the marker: only a bot's comment can be the progress comment", async () => {
    const world = buildWorld(smallRepo);
    const issue = openIssue(world);
    const marker = "<!-- orchestrator:task=9 -->";
    const now = sim.world.now();
    const spoof = { id: sim.world.nextId(), issueNumber: issue.number, body: `${marker}\nTask done, merge it!`, user: sim.world.user("mona"), createdAt: now, updatedAt: now };
    world.repo.comments.set(spoof.id, spoof);

    const ours = await world.gateway.upsertIssueComment(ref, issue.number, { commentId: null, marker, body: `${marker}\nPlanning…` });

    expect(ours.id).not.toBe(spoof.id);
    expect(world.repo.comments.get(spoof.id)?.body).toBe(`${marker}\nTask done, merge it!`);
  });

  it("writes a new comment when the one it knows was deleted", async () => {
    const world = buildWorld(smallRepo);
    const issue = openIssue(world);
    const marker = "<!-- orchestrator:task=8 -->";
    const created = await world.gateway.upsertIssueComment(ref, issue.number, { commentId: null, marker, body: `${marker}\nPlanning…` });
    world.repo.comments.delete(created.id);
    const { result: recreated, ops } = await during(() =>
      world.gateway.upsertIssueComment(ref, issue.number, { commentId: created.id, marker, body: `${marker}\nStill planning…` }),
    );
    expect(ops).toEqual(["issues/update-comment", "issues/create-comment"]);
    expect(recreated.id).not.toBe(created.id);
    expect([...world.repo.comments.values()].map((c) => [c.id, c.body])).toEqual([[recreated.id, `${marker}\nStill planning…`]]);
  });
});

describe("OctokitGateway check runs", () => {
  const output = { title: "Orchestrator", summary: "Planning" };

  it("creates a check run, updates it by id, and finds it again by external id", async () => {
    const world = buildWorld(smallRepo);
    const base = { name: "orchestrator", headSha: world.baseSha, externalId: "task-7" };
    const { result: created, ops: createOps } = await during(() =>
      world.gateway.upsertCheckRun(ref, { ...base, checkRunId: null, status: "in_progress", output }),
    );
    expect(createOps).toEqual(["checks/list-for-ref", "checks/create"]);
    expect(world.repo.checkRuns.get(created.id)).toMatchObject({ name: "orchestrator", externalId: "task-7", status: "in_progress", conclusion: null, appId: world.app.id });

    const { result: updated, ops: updateOps } = await during(() =>
      world.gateway.upsertCheckRun(ref, { ...base, checkRunId: created.id, status: "in_progress", output: { ...output, summary: "Implementing" } }),
    );
    expect(updateOps).toEqual(["checks/update"]);
    expect(updated.id).toBe(created.id);
    expect(world.repo.checkRuns.get(created.id)?.output.summary).toBe("Implementing");

    // Another task's run with the same name on the same commit is not ours.
    await world.gateway.upsertCheckRun(ref, { ...base, externalId: "task-9", checkRunId: null, status: "in_progress", output });
    const { result: found, ops: findOps } = await during(() =>
      world.gateway.upsertCheckRun(ref, { ...base, checkRunId: null, status: "completed", conclusion: "success", output: { ...output, summary: "Done" } }),
    );
    expect(findOps).toEqual(["checks/list-for-ref", "checks/update"]);
    expect(found.id).toBe(created.id);
    expect(world.repo.checkRuns.get(created.id)).toMatchObject({ status: "completed", conclusion: "success", output: { summary: "Done" } });
    expect(world.repo.checkRuns.size).toBe(2);
    expectNoInvalidTraffic();
  });

  it("lists the check runs on a commit with the id of the app that made each", async () => {
    const world = buildWorld(smallRepo);
    const actions = sim.world.addApp({ id: githubActionsAppId, slug: "github-actions", name: "GitHub Actions", owner: OWNER, publicKey: null });
    const ci = new OctokitGateway(clientFor(sim.world.issueToken(sim.world.addInstallation(actions.id, OWNER).id).token));
    await ci.upsertCheckRun(ref, { checkRunId: null, name: "test", headSha: world.baseSha, externalId: "ci-1", status: "completed", conclusion: "failure", output: { title: "Tests", summary: "1 failed" } });
    await world.gateway.upsertCheckRun(ref, { checkRunId: null, name: "orchestrator", headSha: world.baseSha, externalId: "task-1", status: "in_progress", output });
    const { result: runs, ops } = await during(() => world.gateway.listCheckRuns(ref, "main"));
    expect(ops).toEqual(["checks/list-for-ref"]);
    expect(runs.map((r) => [r.name, r.appId, r.status, r.conclusion]).sort()).toEqual([
      ["orchestrator", world.app.id, "in_progress", null],
      ["test", githubActionsAppId, "completed", "failure"],
    ]);
    expectNoInvalidTraffic();
  });
});

describe("OctokitGateway.getPermission", () => {
  it("reads the role name, telling maintain from write and triage from read", async () => {
    const world = buildWorld(smallRepo);
    sim.world.setPermission(world.repo, "hubot", "triage");
    sim.world.setPermission(world.repo, "octocat", "write");
    expect(await world.gateway.getPermission(ref, "mona")).toBe("maintain");
    expect(await world.gateway.getPermission(ref, "hubot")).toBe("triage");
    expect(await world.gateway.getPermission(ref, "octocat")).toBe("write");
    expect(await world.gateway.getPermission(ref, OWNER)).toBe("admin");
    expectNoInvalidTraffic();
  });

  it("answers none for a user GitHub does not know", async () => {
    const world = buildWorld(smallRepo);
    const { result, requests } = await during(() => world.gateway.getPermission(ref, "no-such-user"));
    expect(result).toBe("none");
    expect(requests.map((r) => [r.operationId, r.status])).toEqual([["repos/get-collaborator-permission-level", 404]]);
  });
});

describe("OctokitGateway errors", () => {
  it("refuses to request a review from the pull request's author with a non-retryable error", async () => {
    const world = buildWorld(smallRepo);
    await world.gateway.commitFiles(ref, commitRequest(world, "orchestrator/issue-1", [{ kind: "write", path: "x.txt", content: "x\n" }]));
    const pr = await world.gateway.openPullRequest(ref, { head: "orchestrator/issue-1", base: "main", title: "t", body: "b", draft: false });
    await world.gateway.requestReviewers(ref, pr.number, ["mona"]);
    expect(world.repo.pulls.get(pr.number)?.requestedReviewers).toEqual(["mona"]);

    const refusal = world.gateway.requestReviewers(ref, pr.number, [world.app.bot.login]);
    await expect(refusal).rejects.toBeInstanceOf(GitHubError);
    await expect(refusal).rejects.toMatchObject({ status: 422, retryable: false, message: expect.stringContaining("request reviews from") as unknown });
  });

  it("classifies a GitHub that cannot be reached as retryable", async () => {
    const world = buildWorld(smallRepo);
    await sim.stop();
    const failure = world.gateway.readSnapshot(ref, "main");
    await expect(failure).rejects.toBeInstanceOf(GitHubError);
    await expect(failure).rejects.toMatchObject({ retryable: true });
  });
});

/**
 * Answers GitHub's refusals that the simulator never gives (rate limits, a failing gateway): a bare
 * loopback server with GitHub's status, headers and error body, in front of the real Octokit.
 */
async function refusingGitHub(status: number, headers: Record<string, string>, message: string): Promise<{ gateway: OctokitGateway; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify({ message, documentation_url: "https://docs.github.com/rest" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const gateway = new OctokitGateway(new Octokit({ baseUrl: `http://127.0.0.1:${port}`, auth: "ghs_test", log: silent }));
  return {
    gateway,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe("OctokitGateway error classification", () => {
  it.each([
    ["a server error (502)", 502, {}, "Server Error", undefined],
    ["a secondary rate limit (403 with retry-after)", 403, { "retry-after": "60", "x-ratelimit-remaining": "4000" }, "You have exceeded a secondary rate limit.", 60_000],
    ["a secondary rate limit (429 with retry-after)", 429, { "retry-after": "30" }, "You have exceeded a secondary rate limit.", 30_000],
  ] as const)("classifies %s as retryable", async (_what, status, headers, message, retryAfterMs) => {
    const github = await refusingGitHub(status, headers, message);
    try {
      const failure = github.gateway.listCheckRuns(ref, "main");
      await expect(failure).rejects.toBeInstanceOf(GitHubError);
      await expect(failure).rejects.toMatchObject({ status, retryable: true, retryAfterMs });
    } finally {
      await github.close();
    }
  });

  it("waits for the primary rate limit to reset before retrying", async () => {
    const resetAt = Math.floor(Date.now() / 1000) + 600;
    const github = await refusingGitHub(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetAt) }, "API rate limit exceeded for installation ID 1.");
    try {
      const error: unknown = await github.gateway.listCheckRuns(ref, "main").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitHubError);
      expect(error).toMatchObject({ status: 403, retryable: true });
      const waitMs = (error as GitHubError).retryAfterMs ?? 0;
      expect(waitMs).toBeGreaterThan(590_000);
      expect(waitMs).toBeLessThanOrEqual(601_000);
    } finally {
      await github.close();
    }
  });

  it("classifies a plain 403 (no rate limit) as not retryable", async () => {
    const github = await refusingGitHub(403, { "x-ratelimit-remaining": "4999" }, "Resource not accessible by integration");
    try {
      await expect(github.gateway.listCheckRuns(ref, "main")).rejects.toMatchObject({ status: 403, retryable: false });
    } finally {
      await github.close();
    }
  });
});

describe("OctokitGateway follow-up commits", () => {
  it("adds a commit on the branch in three requests, keeps the earlier one as its parent, and finds its own commit on a retry", async () => {
    const world = buildWorld(smallRepo);
    const branch = "orchestrator/issue-5";
    const first = await world.gateway.commitFiles(ref, commitRequest(world, branch, [{ kind: "write", path: "src/sub.js", content: "export const sub = (a, b) => a + b;\n" }]));
    // The change set is the whole change against the base: the fix rewrites the same file.
    const fix = { ...commitRequest(world, branch, [{ kind: "write", path: "src/sub.js", content: "export const sub = (a, b) => a - b;\n" }], "2026-03-01T12:05:00Z"), parentSha: first.commitSha };
    const { result, ops } = await during(() => world.gateway.commitOnBranch(ref, fix));
    expect(ops).toEqual(["git/create-tree", "git/create-commit", "git/update-ref"]);
    expectNoInvalidTraffic();
    expect(headOf(world.repo, branch)).toBe(result.commitSha);
    const commit = world.repo.git.get(result.commitSha);
    expect(commit?.type === "commit" ? commit.parents : []).toEqual([first.commitSha]);
    expect(filesAt(world.repo, result.commitSha).get("src/sub.js")).toBe("export const sub = (a, b) => a - b;\n");
    expect(filesAt(world.repo, result.commitSha).get("README.md")).toBe("# calculator\n");

    clockMs += 60_000;
    const again = await world.gateway.commitOnBranch(ref, fix);
    expect(again.commitSha).toBe(result.commitSha);
    expect(headOf(world.repo, branch)).toBe(result.commitSha);
  });

  it("refuses to move a branch someone else pushed to, without retrying", async () => {
    const world = buildWorld(smallRepo);
    const branch = "orchestrator/issue-6";
    const first = await world.gateway.commitFiles(ref, commitRequest(world, branch, [{ kind: "write", path: "a.txt", content: "ours\n" }]));
    const theirs = await world.gateway.commitOnBranch(ref, { ...commitRequest(world, branch, [{ kind: "write", path: "a.txt", content: "theirs\n" }], "2026-03-01T12:01:00Z"), parentSha: first.commitSha });
    const refusal = await world.gateway
      .commitOnBranch(ref, { ...commitRequest(world, branch, [{ kind: "write", path: "a.txt", content: "our fix\n" }], "2026-03-01T12:02:00Z"), parentSha: first.commitSha })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refusal).toBeInstanceOf(GitHubError);
    expect((refusal as GitHubError).retryable).toBe(false);
    expect((refusal as GitHubError).message).toMatch(/Branch orchestrator\/issue-6 moved to .*someone else pushed to it/);
    expect(headOf(world.repo, branch)).toBe(theirs.commitSha);
  });
});

describe("OctokitGateway pull request reads and writes", () => {
  it("reads a file on a branch, and null for one that does not exist without counting as a bad request", async () => {
    const world = buildWorld(smallRepo);
    expect(await world.gateway.readFile(ref, "README.md", "main")).toBe("# calculator\n");
    expect(await world.gateway.readFile(ref, ".github/orchestrator.yml", "main")).toBeNull();
    expectNoInvalidTraffic();
  });

  it("takes a draft out of draft once, through GraphQL", async () => {
    const world = buildWorld(smallRepo);
    await world.gateway.commitFiles(ref, commitRequest(world, "orchestrator/issue-7", [{ kind: "write", path: "x.txt", content: "x\n" }]));
    const opened = await world.gateway.openPullRequest(ref, { head: "orchestrator/issue-7", base: "main", title: "t", body: "b", draft: true });
    const before = await world.gateway.getPullRequest(ref, opened.number);
    expect(before).toMatchObject({ number: opened.number, state: "open", draft: true, merged: false, headRef: "orchestrator/issue-7" });
    await world.gateway.markReadyForReview(ref, before);
    expect((await world.gateway.getPullRequest(ref, opened.number)).draft).toBe(false);
    expectNoInvalidTraffic();
  });

  it("merges a pull request at its head, and answers a refused merge instead of throwing", async () => {
    const world = buildWorld(smallRepo);
    await world.gateway.commitFiles(ref, commitRequest(world, "orchestrator/issue-8", [{ kind: "write", path: "x.txt", content: "x\n" }]));
    const draft = await world.gateway.openPullRequest(ref, { head: "orchestrator/issue-8", base: "main", title: "t", body: "b", draft: true });
    expect(await world.gateway.mergePullRequest(ref, draft.number, draft.headSha)).toMatchObject({ merged: false });
    await world.gateway.markReadyForReview(ref, await world.gateway.getPullRequest(ref, draft.number));
    expect(await world.gateway.mergePullRequest(ref, draft.number, draft.headSha)).toMatchObject({ merged: true });
    expect((await world.gateway.getPullRequest(ref, draft.number)).merged).toBe(true);
  });
});
