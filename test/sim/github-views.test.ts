import { describe, expect, it } from "vitest";
import { GitStore } from "../../src/sim/github/git-store.js";
import { OpenApiValidator, type MatchedOperation, type ValidationIssue } from "../../src/sim/github/openapi/index.js";
import type { SimPermission, SimPull } from "../../src/sim/github/sim-model.js";
import {
  blobView,
  branchView,
  checkRunView,
  checkSuiteView,
  collaboratorPermissionView,
  contentFileView,
  diffEntryViews,
  fullRepositoryView,
  gitCommitView,
  gitRefView,
  gitTreeView,
  installationTokenView,
  installationView,
  integrationView,
  issueCommentView,
  issueView,
  labelView,
  pullSimpleView,
  pullView,
  reviewView,
  shortBlobView,
  UnknownUserError,
} from "../../src/sim/github/views/index.js";
import { diffLines, splitLines, unifiedPatch } from "../../src/sim/github/views/line-diff.js";
import { at, buildWorld, CALC_V1, CALC_V2, later, urls } from "./sample-world.js";

const validator = OpenApiValidator.load();
const world = buildWorld();
const { repo } = world;

function route(method: string, path: string): MatchedOperation {
  const matched = validator.match(method, path);
  if (matched === undefined) throw new Error(`${method} ${path} matched no operation`);
  return matched;
}

function check(method: string, path: string, status: number, body: unknown): ValidationIssue[] {
  return validator.validateResponse(route(method, path), status, body);
}

function commitTree(sha: string): string {
  const commit = repo.git.get(sha);
  if (commit?.type !== "commit") throw new Error(`${sha} is no commit`);
  return commit.tree;
}

function blobAt(path: string): string {
  const file = repo.git.flatten(commitTree(world.headSha)).get(path);
  if (file === undefined) throw new Error(`no ${path} at head`);
  return file.sha;
}

function requireSuite() {
  const suite = repo.checkSuites.get(80);
  if (suite === undefined) throw new Error("no suite 80");
  return suite;
}

function requireIssue(number: number) {
  const issue = repo.issues.get(number);
  if (issue === undefined) throw new Error(`no issue ${number}`);
  return issue;
}

const R = "/repos/mona/calculator";
const label = labelView(urls, repo, { id: 30, name: "orchestrator", color: "0e8a16", description: "Let the orchestrator work on it" });
const comment = () => {
  const found = repo.comments.get(50);
  if (found === undefined) throw new Error("no comment 50");
  return issueCommentView(urls, repo, found);
};
const review = () => {
  const found = repo.reviews.get(70);
  if (found === undefined) throw new Error("no review 70");
  return reviewView(urls, repo, found);
};
const runViews = () => world.runs.map((run) => checkRunView(urls, repo, run, world.app));

describe("REST views match GitHub's OpenAPI description", () => {
  it.each<[string, string, string, number, () => unknown]>([
    ["repos/get", "GET", R, 200, () => fullRepositoryView(urls, repo)],
    ["repos/get-branch", "GET", `${R}/branches/main`, 200, () => branchView(urls, repo, "main", world.baseSha)],
    ["repos/get-content", "GET", `${R}/contents/src/calc.js`, 200, () => contentFileView(urls, repo, "src/calc.js", blobAt("src/calc.js"), "orchestrator/issue-1")],
    ["repos/get-collaborator-permission-level", "GET", `${R}/collaborators/hubot/permission`, 200, () => collaboratorPermissionView(urls, world.hubot, "write")],
    ["git/get-ref", "GET", `${R}/git/ref/heads/main`, 200, () => gitRefView(urls, repo, "refs/heads/main", world.baseSha)],
    ["git/create-ref", "POST", `${R}/git/refs`, 201, () => gitRefView(urls, repo, "refs/heads/orchestrator/issue-1", world.headSha)],
    ["git/update-ref", "PATCH", `${R}/git/refs/heads/main`, 200, () => gitRefView(urls, repo, "refs/heads/main", world.headSha)],
    ["git/get-commit", "GET", `${R}/git/commits/${world.headSha}`, 200, () => gitCommitView(urls, repo, world.headSha)],
    ["git/create-commit", "POST", `${R}/git/commits`, 201, () => gitCommitView(urls, repo, world.baseSha)],
    ["git/get-tree", "GET", `${R}/git/trees/${commitTree(world.headSha)}`, 200, () => gitTreeView(urls, repo, commitTree(world.headSha), false)],
    ["git/create-tree", "POST", `${R}/git/trees`, 201, () => gitTreeView(urls, repo, commitTree(world.headSha), true)],
    ["git/get-blob", "GET", `${R}/git/blobs/${blobAt("README.md")}`, 200, () => blobView(urls, repo, blobAt("README.md"))],
    ["git/create-blob", "POST", `${R}/git/blobs`, 201, () => shortBlobView(urls, repo, blobAt("README.md"))],
    ["issues/get", "GET", `${R}/issues/1`, 200, () => issueView(urls, repo, requireIssue(1))],
    ["issues/get (a pull request)", "GET", `${R}/issues/2`, 200, () => issueView(urls, repo, requireIssue(2))],
    ["issues/update", "PATCH", `${R}/issues/1`, 200, () => issueView(urls, repo, requireIssue(1))],
    ["issues/update (closed)", "PATCH", `${R}/issues/1`, 200, () => issueView(urls, repo, { ...requireIssue(1), state: "closed", closedAt: later })],
    ["issues/list-comments", "GET", `${R}/issues/1/comments`, 200, () => [comment()]],
    ["issues/create-comment", "POST", `${R}/issues/1/comments`, 201, comment],
    ["issues/get-comment", "GET", `${R}/issues/comments/50`, 200, comment],
    ["issues/update-comment", "PATCH", `${R}/issues/comments/50`, 200, comment],
    ["issues/list-labels-on-issue", "GET", `${R}/issues/1/labels`, 200, () => [label]],
    ["issues/add-labels", "POST", `${R}/issues/1/labels`, 200, () => [label]],
    ["issues/remove-label", "DELETE", `${R}/issues/1/labels/orchestrator`, 200, () => [label]],
    ["pulls/list", "GET", `${R}/pulls`, 200, () => [pullSimpleView(urls, repo, world.pull)]],
    ["pulls/create", "POST", `${R}/pulls`, 201, () => pullView(urls, repo, world.pull)],
    ["pulls/get", "GET", `${R}/pulls/2`, 200, () => pullView(urls, repo, world.pull)],
    ["pulls/update", "PATCH", `${R}/pulls/2`, 200, () => pullView(urls, repo, world.pull)],
    ["pulls/request-reviewers", "POST", `${R}/pulls/2/requested_reviewers`, 201, () => pullSimpleView(urls, repo, world.pull)],
    ["pulls/list-files", "GET", `${R}/pulls/2/files`, 200, () => diffEntryViews(urls, repo, world.baseSha, world.headSha)],
    ["pulls/list-reviews", "GET", `${R}/pulls/2/reviews`, 200, () => [review()]],
    ["pulls/create-review", "POST", `${R}/pulls/2/reviews`, 200, review],
    ["pulls/get-review", "GET", `${R}/pulls/2/reviews/70`, 200, review],
    ["checks/create", "POST", `${R}/check-runs`, 201, () => runViews()[1]],
    ["checks/get", "GET", `${R}/check-runs/90`, 200, () => runViews()[0]],
    ["checks/update", "PATCH", `${R}/check-runs/90`, 200, () => runViews()[0]],
    ["checks/list-for-ref", "GET", `${R}/commits/${world.headSha}/check-runs`, 200, () => ({ total_count: 2, check_runs: runViews() })],
    ["checks/list-for-suite", "GET", `${R}/check-suites/80/check-runs`, 200, () => ({ total_count: 2, check_runs: runViews() })],
    ["checks/create-suite", "POST", `${R}/check-suites`, 201, () => checkSuiteView(urls, repo, requireSuite(), world.app)],
    [
      "checks/list-suites-for-ref",
      "GET",
      `${R}/commits/${world.headSha}/check-suites`,
      200,
      () => ({ total_count: 1, check_suites: [checkSuiteView(urls, repo, requireSuite(), world.app)] }),
    ],
    ["apps/get-authenticated", "GET", "/app", 200, () => integrationView(urls, world.app)],
    ["apps/get-repo-installation", "GET", `${R}/installation`, 200, () => installationView(urls, world.installation, world.app)],
    [
      "apps/create-installation-access-token",
      "POST",
      "/app/installations/20/access_tokens",
      201,
      () => installationTokenView("ghs_sim", "2026-01-01T01:00:00Z", world.app.permissions),
    ],
  ])("%s", (operationId, method, path, status, render) => {
    expect(route(method, path).operationId).toBe(operationId.replace(/ \(.*\)$/, ""));
    expect(check(method, path, status, render())).toEqual([]);
  });

  it.each<SimPermission | "none">(["admin", "maintain", "write", "triage", "read", "none"])("renders a %s collaborator permission", (permission) => {
    expect(check("GET", `${R}/collaborators/hubot/permission`, 200, collaboratorPermissionView(urls, world.hubot, permission))).toEqual([]);
  });

  it("renders a merged pull request and a draft one", () => {
    const merged: SimPull = { ...world.pull, state: "closed", closedAt: later, mergedAt: later, mergedBy: world.mona, mergeCommitSha: world.headSha };
    const draft: SimPull = { ...world.pull, draft: true };
    expect(check("GET", `${R}/pulls/2`, 200, pullView(urls, repo, merged))).toEqual([]);
    expect(check("GET", `${R}/pulls`, 200, [pullSimpleView(urls, repo, draft)])).toEqual([]);
    expect(pullView(urls, repo, merged)).toMatchObject({ merged: true, mergeable: null, merged_by: { login: "mona" } });
    expect(pullView(urls, repo, draft)).toMatchObject({ draft: true, mergeable_state: "draft" });
  });
});

describe("the validator catches a broken view", () => {
  it("reports a full repository without its html_url", () => {
    const { html_url: _htmlUrl, ...body } = fullRepositoryView(urls, repo);
    expect(check("GET", R, 200, body).map((issue) => issue.message)).toEqual(["response 200 body/html_url: must have required property 'html_url'"]);
  });

  it("reports a pull request whose state GitHub never sends", () => {
    const body = { ...pullView(urls, repo, world.pull), state: "merged" };
    expect(check("GET", `${R}/pulls/2`, 200, body).map((issue) => issue.message)).toEqual([expect.stringContaining("/state")]);
  });

  it("reports a check run list that lacks its total", () => {
    expect(check("GET", `${R}/commits/${world.headSha}/check-runs`, 200, { check_runs: runViews() })).not.toEqual([]);
  });
});

describe("what the views say", () => {
  it("builds GitHub's url patterns from the simulator's roots", () => {
    const issue = issueView(urls, repo, requireIssue(1));
    expect(issue).toMatchObject({
      url: "http://127.0.0.1:4010/repos/mona/calculator/issues/1",
      html_url: "http://127.0.0.1:4010/web/mona/calculator/issues/1",
      user: { url: "http://127.0.0.1:4010/users/mona", html_url: "http://127.0.0.1:4010/web/mona", avatar_url: "https://avatars.githubusercontent.com/u/1?v=4" },
      labels: [{ name: "orchestrator", url: "http://127.0.0.1:4010/repos/mona/calculator/labels/orchestrator" }],
      author_association: "OWNER",
    });
    expect(issue).not.toHaveProperty("pull_request");
    expect(pullView(urls, repo, world.pull).html_url).toBe("http://127.0.0.1:4010/web/mona/calculator/pull/2");
  });

  it("gives a pull request's issue the pull_request link and a bot author its app page", () => {
    const issue = issueView(urls, repo, requireIssue(2));
    expect(issue.pull_request).toEqual({
      url: `${urls.api}${R}/pulls/2`,
      html_url: `${urls.web}/mona/calculator/pull/2`,
      diff_url: `${urls.web}/mona/calculator/pull/2.diff`,
      patch_url: `${urls.web}/mona/calculator/pull/2.patch`,
      merged_at: null,
    });
    expect(issue.user).toMatchObject({ url: `${urls.api}/users/orchestrator%5Bbot%5D`, html_url: `${urls.web}/apps/orchestrator`, type: "Bot" });
  });

  it("sizes a pull request from its trees and resolves requested reviewers", () => {
    expect(pullView(urls, repo, world.pull)).toMatchObject({
      commits: 1,
      additions: 3,
      deletions: 0,
      changed_files: 2,
      mergeable: true,
      mergeable_state: "clean",
      requested_reviewers: [{ login: "hubot", id: 2 }],
      head: { ref: "orchestrator/issue-1", sha: world.headSha, label: "mona:orchestrator/issue-1", repo: { full_name: "mona/calculator" } },
      base: { ref: "main", sha: world.baseSha },
    });
  });

  it("refuses a requested reviewer it cannot resolve", () => {
    const pull: SimPull = { ...world.pull, requestedReviewers: ["nobody"] };
    expect(() => pullView(urls, repo, pull)).toThrow(UnknownUserError);
    expect(pullView(urls, repo, pull, (login) => (login === "nobody" ? { id: 3, login, type: "User" } : undefined)).requested_reviewers).toMatchObject([{ login: "nobody" }]);
  });

  it("lists changed files with GitHub's unified patches", () => {
    const files = diffEntryViews(urls, repo, world.baseSha, world.headSha);
    expect(files.map((f) => [f.filename, f.status, f.additions, f.deletions, f.changes])).toEqual([
      ["src/calc.js", "modified", 1, 0, 1],
      ["test/calc.test.js", "added", 2, 0, 2],
    ]);
    expect(files[0]?.patch).toBe("@@ -1 +1,2 @@\n export const add = (a, b) => a + b;\n+export const sub = (a, b) => a - b;");
    expect(files[1]?.patch).toBe('@@ -0,0 +1,2 @@\n+import { add } from "../src/calc.js";\n+console.assert(add(1, 2) === 3);');
    expect(files[0]?.blob_url).toBe(`${urls.web}/mona/calculator/blob/${world.headSha}/src/calc.js`);
  });

  it("reports renames, removals and binary files without patches", () => {
    const next = repo.git.commitFiles(
      new Map([
        ["docs/README.md", Buffer.from("# hi\n")],
        ["src/calc.js", Buffer.from(CALC_V2)],
        ["logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])],
      ]),
      "Reshuffle",
      { name: "Mona", email: "mona@example.com", date: later },
      [world.headSha],
    );
    const files = diffEntryViews(urls, repo, world.headSha, next);
    expect(files.map((f) => ({ filename: f.filename, status: f.status, changes: f.changes, patch: "patch" in f, previous: f.previous_filename }))).toEqual([
      { filename: "docs/README.md", status: "renamed", changes: 0, patch: false, previous: "README.md" },
      { filename: "logo.png", status: "added", changes: 0, patch: false, previous: undefined },
      { filename: "test/calc.test.js", status: "removed", changes: 2, patch: true, previous: undefined },
    ]);
    expect(check("GET", `${R}/pulls/2/files`, 200, files)).toEqual([]);
  });

  it("marks a missing final newline and keeps distant changes in separate hunks", () => {
    const before = Array.from({ length: 12 }, (_, i) => `line ${i + 1}\n`);
    const after = [...before];
    after[0] = "first\n";
    after[11] = "line 12";
    const patch = unifiedPatch(diffLines(splitLines(before.join("")), splitLines(after.join(""))));
    expect(patch.split("\n")).toEqual([
      "@@ -1,4 +1,4 @@",
      "-line 1",
      "+first",
      " line 2",
      " line 3",
      " line 4",
      "@@ -9,4 +9,4 @@",
      " line 9",
      " line 10",
      " line 11",
      "-line 12",
      "+line 12",
      "\\ No newline at end of file",
    ]);
  });

  it("returns file content in base64 that decodes to the blob", () => {
    const file = contentFileView(urls, repo, "src/calc.js", blobAt("src/calc.js"), "main");
    expect(Buffer.from(file.content, "base64").toString("utf8")).toBe(CALC_V2);
    expect(file).toMatchObject({ name: "calc.js", path: "src/calc.js", size: CALC_V2.length, download_url: `${urls.web}/mona/calculator/raw/main/src/calc.js` });
    expect(Buffer.from(blobView(urls, repo, blobAt("README.md")).content, "base64").toString("utf8")).toBe("# hi\n");
  });

  it("lists a subtree's entries after it only when asked to recurse", () => {
    const tree = commitTree(world.headSha);
    expect(gitTreeView(urls, repo, tree, false).tree.map((e) => [e.path, e.type])).toEqual([
      ["README.md", "blob"],
      ["src", "tree"],
      ["test", "tree"],
    ]);
    expect(gitTreeView(urls, repo, tree, true).tree.map((e) => e.path)).toEqual(["README.md", "src", "src/calc.js", "test", "test/calc.test.js"]);
  });

  it("folds maintain and triage into the legacy permission but keeps the role", () => {
    expect(collaboratorPermissionView(urls, world.hubot, "maintain")).toMatchObject({ permission: "write", role_name: "maintain", user: { permissions: { maintain: true, admin: false } } });
    expect(collaboratorPermissionView(urls, world.hubot, "triage")).toMatchObject({ permission: "read", role_name: "triage", user: { permissions: { triage: true, push: false } } });
    expect(collaboratorPermissionView(urls, world.hubot, "none")).toMatchObject({ permission: "none", user: { permissions: { pull: false } } });
  });

  it("lists only open pull requests at a check's head and falls back to the app's page for details", () => {
    const [done, running] = runViews();
    expect(done).toMatchObject({ external_id: "task-1", details_url: `${urls.web}/apps/orchestrator`, pull_requests: [{ number: 2 }], check_suite: { id: 80 } });
    expect(running).toMatchObject({ external_id: "", details_url: "https://example.com/runs/91" });
    expect(checkSuiteView(urls, repo, requireSuite(), world.app)).toMatchObject({ before: world.baseSha, after: world.headSha, latest_check_runs_count: 2 });
  });

  it("signs no commit", () => {
    expect(gitCommitView(urls, repo, world.headSha)).toMatchObject({
      parents: [{ sha: world.baseSha }],
      author: { name: "orchestrator[bot]", date: later },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    });
  });
});

describe("GitStore hashes objects as git does", () => {
  it("hashes a blob as `git hash-object`", () => {
    expect(new GitStore().putBlob(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("hashes the empty tree as git's well-known empty tree", () => {
    expect(new GitStore().putTree([])).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  });

  it("hashes a nested tree and a commit as `git write-tree` and `git commit-tree` (which ends the message with a newline)", () => {
    const git = new GitStore();
    const sha = git.commitFiles(new Map([["README.md", Buffer.from("# hi\n")], ["src/calc.js", Buffer.from(CALC_V1)]]), "Initial commit\n", {
      name: "Mona",
      email: "mona@example.com",
      date: at,
    });
    const commit = git.get(sha);
    expect(commit?.type === "commit" ? commit.tree : undefined).toBe("7f09109ef8a08d9bd030e5f46cc85822f97eff97");
    expect(sha).toBe("24bc3f7dc0d1f59147edb2e550c0edf4c2d48fba");
  });
});
