/**
 * Everything Orchestrator asks of GitHub, as one interface. The engine sees only this; the Octokit
 * implementation lives in octokit-gateway.ts, and tests reach GitHub through the simulator.
 */
import type { RepoSnapshot } from "../context/repo-snapshot.js";

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export const permissionLevels = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type PermissionLevel = (typeof permissionLevels)[number];

export type FileChange =
  | { readonly kind: "write"; readonly path: string; readonly content: string; readonly executable?: boolean }
  | { readonly kind: "delete"; readonly path: string };

export interface CommitRequest {
  readonly baseSha: string;
  readonly baseTreeSha: string;
  readonly branch: string;
  readonly message: string;
  readonly changes: readonly FileChange[];
  /** Fixed author date: the same change committed again yields the same commit sha, so retries are idempotent. */
  readonly date: string;
  readonly author: { readonly name: string; readonly email: string };
}

export interface PullRequestRef {
  readonly number: number;
  readonly url: string;
  readonly headSha: string;
}

export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required" | "stale";

export interface CheckRunSummary {
  readonly id: number;
  readonly name: string;
  readonly status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  readonly conclusion: CheckConclusion | null;
  readonly appId: number | null;
  readonly detailsUrl: string | null;
  readonly output: {
    readonly title: string | null;
    readonly summary: string | null;
    readonly text: string | null;
    readonly annotationsCount: number;
  };
}

export interface CheckAnnotation {
  readonly path: string;
  readonly startLine: number;
  readonly level: "notice" | "warning" | "failure";
  readonly title: string | null;
  readonly message: string;
}

export interface PullRequestState {
  readonly number: number;
  readonly nodeId: string;
  readonly state: "open" | "closed";
  readonly merged: boolean;
  readonly draft: boolean;
  readonly headSha: string;
  readonly headRef: string;
  /** The head repository's full name: a fork's differs from the base's. */
  readonly headRepo: string | null;
}

export interface PullRequestReview {
  readonly id: number;
  readonly user: { readonly login: string; readonly type: string } | null;
  readonly state: string;
  readonly body: string;
  readonly commitId: string | null;
  readonly submittedAt: string | null;
}

/** A conversation on a line of the pull request's diff: its first comment and the replies. */
export interface ReviewThread {
  readonly id: string;
  readonly resolved: boolean;
  readonly outdated: boolean;
  readonly path: string;
  readonly line: number | null;
  readonly comments: readonly { readonly id: number; readonly author: string | null; readonly body: string }[];
}

export interface CheckRunOutput {
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
}

export interface CheckRunUpdate {
  readonly status: "in_progress" | "completed";
  readonly conclusion?: CheckConclusion;
  readonly output: CheckRunOutput;
}

export interface GitHubGateway {
  getPermission(repo: RepoRef, username: string): Promise<PermissionLevel>;
  /** The branch's head commit and every file in it, in two requests whatever the repository's size. */
  readSnapshot(repo: RepoRef, branch: string): Promise<RepoSnapshot>;
  /** The same at a known commit (a later phase reads the commit the plan was made on, even if the branch moved). */
  readSnapshotAt(repo: RepoRef, branch: string, commitSha: string): Promise<RepoSnapshot>;
  /** The tree of a commit, in one request. */
  getCommitTree(repo: RepoRef, commitSha: string): Promise<string>;
  /** One commit with all changes on a new `branch`: three requests, four when a retry finds its own branch. Never overwrites a branch. */
  commitFiles(repo: RepoRef, commit: CommitRequest): Promise<{ readonly commitSha: string }>;
  /** Opens the pull request, or finds the one already open for `head` (a retried job). */
  openPullRequest(
    repo: RepoRef,
    pr: { readonly head: string; readonly base: string; readonly title: string; readonly body: string; readonly draft: boolean },
  ): Promise<PullRequestRef>;
  requestReviewers(repo: RepoRef, prNumber: number, reviewers: readonly string[]): Promise<void>;
  /** Creates the comment, or edits it when `commentId` is known, or finds it by `marker` after a restart. */
  upsertIssueComment(
    repo: RepoRef,
    issueNumber: number,
    comment: { readonly commentId: number | null; readonly marker: string; readonly body: string; readonly since?: string },
  ): Promise<{ readonly id: number }>;
  /** Creates the check run named `name` on `headSha`, or updates the one with `checkRunId` or the same external id. */
  upsertCheckRun(
    repo: RepoRef,
    run: { readonly checkRunId: number | null; readonly name: string; readonly headSha: string; readonly externalId: string; readonly detailsUrl?: string } & CheckRunUpdate,
  ): Promise<{ readonly id: number }>;
  listCheckRuns(repo: RepoRef, ref: string): Promise<CheckRunSummary[]>;
  /** A file's text on a branch, or null when it does not exist. */
  readFile(repo: RepoRef, path: string, ref: string): Promise<string | null>;
  /**
   * One more commit on an existing branch whose head is `parentSha`: tree, commit and a
   * fast-forward of the ref, three requests. A retry finds its own commit already there; a branch
   * someone else moved is never overwritten.
   */
  commitOnBranch(repo: RepoRef, commit: CommitRequest & { readonly parentSha: string }): Promise<{ readonly commitSha: string }>;
  getPullRequest(repo: RepoRef, prNumber: number): Promise<PullRequestState>;
  /** Takes a draft out of draft (GraphQL: REST cannot). */
  markReadyForReview(repo: RepoRef, pr: { readonly nodeId: string }): Promise<void>;
  mergePullRequest(repo: RepoRef, prNumber: number, headSha: string): Promise<{ readonly merged: boolean; readonly message: string }>;
  listCheckAnnotations(repo: RepoRef, checkRunId: number): Promise<CheckAnnotation[]>;
  /** The log of a GitHub Actions job (a check run made by Actions has the job's id). */
  readJobLog(repo: RepoRef, jobId: number): Promise<string>;
  rerunJob(repo: RepoRef, jobId: number): Promise<void>;
  listReviews(repo: RepoRef, prNumber: number): Promise<PullRequestReview[]>;
  listReviewThreads(repo: RepoRef, prNumber: number): Promise<ReviewThread[]>;
  replyToReviewComment(repo: RepoRef, prNumber: number, commentId: number, body: string): Promise<{ readonly id: number }>;
}
