import type { Octokit } from "@octokit/rest";
import { z } from "zod";
import type { RepoSnapshot } from "../context/repo-snapshot.js";
import type {
  CheckAnnotation,
  CheckRunSummary,
  CheckRunUpdate,
  CommitRequest,
  GitHubGateway,
  PermissionLevel,
  PullRequestRef,
  PullRequestReview,
  PullRequestState,
  RepoRef,
  ReviewThread,
} from "./github-gateway.js";
import { permissionLevels } from "./github-gateway.js";
import { classifyGitHubError, GitHubError, githubStatus } from "./github-errors.js";
import { checkRunsSchema, toCheckRunSummary } from "./check-run-schemas.js";
import { downloadSnapshot } from "./download-snapshot.js";
import { markReadyForReview, queryReviewThreads } from "./graphql-requests.js";
import { annotationLevels, annotationsSchema, branchSchema, commentSchema, contentSchema, gitCommitSchema, idSchema, mergeSchema, permissionSchema, pullSchema, pullStateSchema, refSchema, reviewsSchema, shaSchema } from "./rest-schemas.js";

/** All the gateway needs of Octokit; Probot's installation client and @octokit/rest both provide it. */
export type OctokitLike = Pick<Octokit, "request">;

function isPermissionLevel(value: string): value is PermissionLevel {
  return (permissionLevels as readonly string[]).includes(value);
}

export class OctokitGateway implements GitHubGateway {
  readonly #octokit: OctokitLike;

  constructor(octokit: OctokitLike) {
    this.#octokit = octokit;
  }

  async #call<T>(doing: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw classifyGitHubError(doing, error);
    }
  }

  async getPermission(repo: RepoRef, username: string): Promise<PermissionLevel> {
    let data: unknown;
    try {
      ({ data } = await this.#octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { ...repo, username }));
    } catch (error) {
      if (githubStatus(error) === 404) return "none";
      throw classifyGitHubError(`read the permission of @${username}`, error);
    }
    const parsed = permissionSchema.parse(data);
    // role_name distinguishes maintain and triage, which the legacy `permission` folds into write and read.
    const role = parsed.role_name ?? parsed.permission;
    return isPermissionLevel(role) ? role : isPermissionLevel(parsed.permission) ? parsed.permission : "none";
  }

  async readSnapshot(repo: RepoRef, branch: string): Promise<RepoSnapshot> {
    const { data } = await this.#call(`read branch ${branch}`, () =>
      this.#octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...repo, branch }),
    );
    const head = branchSchema.parse(data).commit;
    return downloadSnapshot(this.#octokit, repo, { branch, commitSha: head.sha, treeSha: head.commit.tree.sha });
  }

  async readSnapshotAt(repo: RepoRef, branch: string, commitSha: string): Promise<RepoSnapshot> {
    return downloadSnapshot(this.#octokit, repo, { branch, commitSha, treeSha: await this.getCommitTree(repo, commitSha) });
  }

  async getCommitTree(repo: RepoRef, commitSha: string): Promise<string> {
    const { data } = await this.#call(`read commit ${commitSha}`, () =>
      this.#octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...repo, commit_sha: commitSha }),
    );
    return gitCommitSchema.parse(data).tree.sha;
  }

  async commitFiles(repo: RepoRef, commit: CommitRequest): Promise<{ commitSha: string }> {
    const commitSha = await this.#createCommit(repo, commit, commit.baseSha);
    try {
      await this.#octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: `refs/heads/${commit.branch}`, sha: commitSha });
    } catch (error) {
      if (githubStatus(error) !== 422) throw classifyGitHubError(`create branch ${commit.branch}`, error);
      // The branch exists. Only an earlier attempt of this same commit is ours (same content and date,
      // same sha); anything else is someone's work, and is never overwritten.
      const existing = await this.#branchHead(repo, commit.branch);
      if (existing !== commitSha) {
        throw new GitHubError(`Branch ${commit.branch} already exists at ${existing.slice(0, 7)} with other commits; Orchestrator will not overwrite it. Delete it or rename it, then start the task again.`, 422, {
          retryable: false,
          cause: error,
        });
      }
    }
    return { commitSha };
  }

  /** Tree (inline content, the base tree's other files kept) and commit: two requests. Same input, same sha. */
  async #createCommit(repo: RepoRef, commit: CommitRequest, parentSha: string): Promise<string> {
    const tree = commit.changes.map((change) =>
      change.kind === "write"
        ? { path: change.path, mode: change.executable ? ("100755" as const) : ("100644" as const), type: "blob" as const, content: change.content }
        : { path: change.path, mode: "100644" as const, type: "blob" as const, sha: null },
    );
    const treeSha = shaSchema.parse(
      (await this.#call("create the commit tree", () => this.#octokit.request("POST /repos/{owner}/{repo}/git/trees", { ...repo, base_tree: commit.baseTreeSha, tree })))
        .data,
    ).sha;
    const signature = { ...commit.author, date: commit.date };
    return shaSchema.parse(
      (
        await this.#call("create the commit", () =>
          this.#octokit.request("POST /repos/{owner}/{repo}/git/commits", {
            ...repo,
            message: commit.message,
            tree: treeSha,
            parents: [parentSha],
            author: signature,
            committer: signature,
          }),
        )
      ).data,
    ).sha;
  }

  async openPullRequest(
    repo: RepoRef,
    pr: { head: string; base: string; title: string; body: string; draft: boolean },
  ): Promise<PullRequestRef> {
    try {
      const { data } = await this.#octokit.request("POST /repos/{owner}/{repo}/pulls", { ...repo, ...pr });
      const created = pullSchema.parse(data);
      return { number: created.number, url: created.html_url, headSha: created.head.sha };
    } catch (error) {
      if (githubStatus(error) !== 422) throw classifyGitHubError(`open a pull request from ${pr.head}`, error);
      const { data } = await this.#call(`find the pull request from ${pr.head}`, () =>
        this.#octokit.request("GET /repos/{owner}/{repo}/pulls", { ...repo, head: `${repo.owner}:${pr.head}`, state: "open" }),
      );
      const existing = z.array(pullSchema).parse(data)[0];
      if (!existing) throw classifyGitHubError(`open a pull request from ${pr.head}`, error);
      return { number: existing.number, url: existing.html_url, headSha: existing.head.sha };
    }
  }

  async requestReviewers(repo: RepoRef, prNumber: number, reviewers: readonly string[]): Promise<void> {
    if (reviewers.length === 0) return;
    await this.#call(`request reviews from ${reviewers.join(", ")}`, () =>
      this.#octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", { ...repo, pull_number: prNumber, reviewers: [...reviewers] }),
    );
  }

  async upsertIssueComment(
    repo: RepoRef,
    issueNumber: number,
    comment: { commentId: number | null; marker: string; body: string; since?: string },
  ): Promise<{ id: number }> {
    let commentId = comment.commentId;
    if (commentId === null) {
      const { data } = await this.#call(`list comments of #${issueNumber}`, () =>
        this.#octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...repo,
          issue_number: issueNumber,
          per_page: 100,
          ...(comment.since ? { since: comment.since } : {}),
        }),
      );
      // Only a bot's comment can be ours: anyone can paste a marker into a comment of their own.
      commentId = z.array(commentSchema).parse(data).find((c) => c.user?.type === "Bot" && c.body?.includes(comment.marker))?.id ?? null;
    }
    if (commentId !== null) {
      try {
        const { data } = await this.#octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: commentId, body: comment.body });
        return idSchema.parse(data);
      } catch (error) {
        // Someone deleted the comment: write a new one rather than lose the progress report.
        if (githubStatus(error) !== 404) throw classifyGitHubError(`edit comment ${commentId}`, error);
      }
    }
    const { data } = await this.#call(`comment on #${issueNumber}`, () =>
      this.#octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: issueNumber, body: comment.body }),
    );
    return idSchema.parse(data);
  }

  async upsertCheckRun(
    repo: RepoRef,
    run: { checkRunId: number | null; name: string; headSha: string; externalId: string; detailsUrl?: string } & CheckRunUpdate,
  ): Promise<{ id: number }> {
    const fields = {
      status: run.status,
      ...(run.conclusion ? { conclusion: run.conclusion } : {}),
      output: run.output,
      ...(run.detailsUrl ? { details_url: run.detailsUrl } : {}),
    };
    let checkRunId = run.checkRunId;
    if (checkRunId === null) {
      const { data } = await this.#call(`list check runs named ${run.name}`, () =>
        // filter=all: by default GitHub lists only the latest run per name, which may be another task's.
        this.#octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ...repo, ref: run.headSha, check_name: run.name, filter: "all", per_page: 100 }),
      );
      checkRunId = checkRunsSchema.parse(data).check_runs.find((c) => c.external_id === run.externalId)?.id ?? null;
    }
    if (checkRunId !== null) {
      const id = checkRunId;
      const { data } = await this.#call(`update check run ${id}`, () =>
        this.#octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { ...repo, check_run_id: id, ...fields }),
      );
      return idSchema.parse(data);
    }
    const { data } = await this.#call(`create check run ${run.name}`, () =>
      this.#octokit.request("POST /repos/{owner}/{repo}/check-runs", { ...repo, name: run.name, head_sha: run.headSha, external_id: run.externalId, ...fields }),
    );
    return idSchema.parse(data);
  }

  async readFile(repo: RepoRef, path: string, ref: string): Promise<string | null> {
    let data: unknown;
    try {
      ({ data } = await this.#octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...repo, path, ref }));
    } catch (error) {
      if (githubStatus(error) === 404) return null;
      throw classifyGitHubError(`read ${path} on ${ref}`, error);
    }
    const file = contentSchema.safeParse(data);
    if (!file.success || file.data.type !== "file") throw new GitHubError(`${path} on ${ref} is not a file.`, 422, { retryable: false });
    return Buffer.from(file.data.content ?? "", file.data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
  }

  async commitOnBranch(repo: RepoRef, commit: CommitRequest & { parentSha: string }): Promise<{ commitSha: string }> {
    const commitSha = await this.#createCommit(repo, commit, commit.parentSha);
    try {
      await this.#octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref: `heads/${commit.branch}`, sha: commitSha, force: false });
    } catch (error) {
      if (githubStatus(error) !== 422) throw classifyGitHubError(`update branch ${commit.branch}`, error);
      const existing = await this.#branchHead(repo, commit.branch);
      // A retry after the ref moved: the branch already points at this very commit.
      if (existing !== commitSha) {
        throw new GitHubError(
          `Branch ${commit.branch} moved to ${existing.slice(0, 7)} (expected ${commit.parentSha.slice(0, 7)}): someone else pushed to it, and Orchestrator will not overwrite their commits.`,
          422,
          { retryable: false, cause: error },
        );
      }
    }
    return { commitSha };
  }

  async getPullRequest(repo: RepoRef, prNumber: number): Promise<PullRequestState> {
    const { data } = await this.#call(`read pull request #${prNumber}`, () => this.#octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: prNumber }));
    const pr = pullStateSchema.parse(data);
    return {
      number: pr.number,
      nodeId: pr.node_id,
      state: pr.state,
      merged: pr.merged === true || (pr.merged_at ?? null) !== null,
      draft: pr.draft === true,
      headSha: pr.head.sha,
      headRef: pr.head.ref,
      headRepo: pr.head.repo?.full_name ?? null,
    };
  }

  async markReadyForReview(_repo: RepoRef, pr: { nodeId: string }): Promise<void> {
    await this.#call("mark the pull request ready for review", () => markReadyForReview(this.#octokit, pr.nodeId));
  }

  async mergePullRequest(repo: RepoRef, prNumber: number, headSha: string): Promise<{ merged: boolean; message: string }> {
    try {
      const { data } = await this.#octokit.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", { ...repo, pull_number: prNumber, sha: headSha });
      return mergeSchema.parse(data);
    } catch (error) {
      const status = githubStatus(error);
      // 405: not mergeable (branch protection, conflicts); 409: the head moved. Both are answers, not faults.
      if (status === 405 || status === 409 || status === 422) return { merged: false, message: error instanceof Error ? error.message : String(error) };
      throw classifyGitHubError(`merge pull request #${prNumber}`, error);
    }
  }

  async listCheckAnnotations(repo: RepoRef, checkRunId: number): Promise<CheckAnnotation[]> {
    const { data } = await this.#call(`list annotations of check run ${checkRunId}`, () =>
      this.#octokit.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", { ...repo, check_run_id: checkRunId, per_page: 50 }),
    );
    return annotationsSchema.parse(data).map((a) => ({
      path: a.path,
      startLine: a.start_line,
      level: annotationLevels.find((l) => l === a.annotation_level) ?? "failure",
      title: a.title ?? null,
      message: a.message ?? "",
    }));
  }

  async readJobLog(repo: RepoRef, jobId: number): Promise<string> {
    // GitHub answers with a redirect to the log file, which fetch follows.
    const { data } = await this.#call(`read the log of job ${jobId}`, () => this.#octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", { ...repo, job_id: jobId }));
    if (typeof data === "string") return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
    return String(data);
  }

  async rerunJob(repo: RepoRef, jobId: number): Promise<void> {
    await this.#call(`re-run job ${jobId}`, () => this.#octokit.request("POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun", { ...repo, job_id: jobId }));
  }

  async listReviews(repo: RepoRef, prNumber: number): Promise<PullRequestReview[]> {
    const { data } = await this.#call(`list reviews of #${prNumber}`, () =>
      this.#octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { ...repo, pull_number: prNumber, per_page: 100 }),
    );
    return reviewsSchema.parse(data).map((r) => ({
      id: r.id,
      user: r.user,
      state: r.state.toLowerCase(),
      body: r.body ?? "",
      commitId: r.commit_id ?? null,
      submittedAt: r.submitted_at ?? null,
    }));
  }

  async listReviewThreads(repo: RepoRef, prNumber: number): Promise<ReviewThread[]> {
    return this.#call(`read the review threads of #${prNumber}`, () => queryReviewThreads(this.#octokit, repo, prNumber));
  }

  async replyToReviewComment(repo: RepoRef, prNumber: number, commentId: number, body: string): Promise<{ id: number }> {
    const { data } = await this.#call(`reply to review comment ${commentId}`, () =>
      this.#octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies", { ...repo, pull_number: prNumber, comment_id: commentId, body }),
    );
    return idSchema.parse(data);
  }

  async #branchHead(repo: RepoRef, branch: string): Promise<string> {
    const { data } = await this.#call(`read branch ${branch}`, () => this.#octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${branch}` }));
    return refSchema.parse(data).object.sha;
  }

  async listCheckRuns(repo: RepoRef, ref: string): Promise<CheckRunSummary[]> {
    const { data } = await this.#call(`list check runs on ${ref}`, () =>
      this.#octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ...repo, ref, per_page: 100 }),
    );
    return checkRunsSchema.parse(data).check_runs.map(toCheckRunSummary);
  }
}
