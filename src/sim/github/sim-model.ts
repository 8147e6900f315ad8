/**
 * The GitHub simulator's world: plain records that the routes change and the views render in
 * GitHub's shapes. Times are ISO strings with a zone, as GitHub sends them.
 */
import type { KeyObject } from "node:crypto";
import type { GitStore } from "./git-store.js";

export type SimPermission = "admin" | "maintain" | "write" | "triage" | "read";

export interface SimUser {
  readonly id: number;
  readonly login: string;
  readonly type: "User" | "Bot" | "Organization";
  /** When the account was made (`SimWorld.addUser` sets it); a profile's `created_at`. */
  readonly createdAt?: string;
}

export interface SimApp {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly owner: SimUser;
  /** The bot user the app acts as (`<slug>[bot]`): author of its comments, PRs and check runs. */
  readonly bot: SimUser;
  readonly createdAt: string;
  readonly publicKey: KeyObject | null;
  readonly permissions: Readonly<Record<string, "read" | "write">>;
  readonly events: readonly string[];
  /**
   * The app's OAuth client, for signing people in (`/login/oauth/*`). Every GitHub App has one and
   * `SimWorld.addApp` makes it; optional so that hand-built records stay valid.
   */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** The registered callback URLs; a `redirect_uri` must be exactly one of them. */
  readonly callbackUrls?: readonly string[];
}

export interface SimInstallation {
  readonly id: number;
  readonly appId: number;
  readonly account: SimUser;
  readonly createdAt: string;
}

export interface SimLabel {
  readonly id: number;
  readonly name: string;
  readonly color: string;
  readonly description: string | null;
}

export interface SimIssue {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  readonly user: SimUser;
  state: "open" | "closed";
  labels: string[];
  comments: number;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Set when this issue number belongs to a pull request (GitHub's PRs are issues too). */
  readonly pullRequest: boolean;
}

export interface SimComment {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: SimUser;
  readonly createdAt: string;
  updatedAt: string;
}

export type SimReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export interface SimReaction {
  readonly id: number;
  readonly user: SimUser;
  readonly content: SimReactionContent;
  readonly createdAt: string;
}

export interface SimPull {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  readonly user: SimUser;
  state: "open" | "closed";
  draft: boolean;
  readonly headRef: string;
  headSha: string;
  readonly baseRef: string;
  baseSha: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: SimUser | null;
  mergeCommitSha: string | null;
  requestedReviewers: string[];
}

export interface SimReview {
  readonly id: number;
  readonly pullNumber: number;
  readonly user: SimUser;
  readonly body: string;
  readonly state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  readonly commitId: string;
  readonly submittedAt: string;
}

/**
 * A comment on a line of a pull request's diff (the right side: the file at `commitId`). A thread
 * is a top comment (`inReplyTo` null) and the comments that reply to it; replies repeat its anchor.
 */
export interface SimReviewComment {
  readonly id: number;
  readonly pullNumber: number;
  readonly reviewId: number;
  readonly user: SimUser;
  readonly path: string;
  readonly line: number;
  readonly side: "RIGHT";
  body: string;
  readonly commitId: string;
  readonly inReplyTo: number | null;
  /** Where the line sat in the diff when the comment was made: GitHub's `diff_hunk` and `position`. */
  readonly diffHunk: string;
  readonly position: number;
  readonly createdAt: string;
  updatedAt: string;
}

export type SimCheckStatus = "queued" | "in_progress" | "completed";
export type SimConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";

export interface SimCheckSuite {
  readonly id: number;
  readonly appId: number;
  readonly headSha: string;
  readonly headBranch: string | null;
  status: SimCheckStatus;
  conclusion: SimConclusion | null;
  readonly createdAt: string;
  updatedAt: string;
  /** Set on GitHub Actions' suites: the workflow run the suite belongs to (its own id, not the suite's). */
  readonly workflowRun?: SimWorkflowRun;
}

/** One run of a workflow; re-running any of its jobs starts its next attempt. */
export interface SimWorkflowRun {
  readonly id: number;
  readonly name: string;
  /** The workflow file, `.github/workflows/ci.yml`. */
  readonly path: string;
  readonly workflowId: number;
  /** Counts the repository's workflow runs from 1, as GitHub's run numbers do. */
  readonly runNumber: number;
  readonly event: string;
  readonly actor: SimUser;
  attempt: number;
}

export interface SimAnnotation {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly startColumn: number | null;
  readonly endColumn: number | null;
  readonly level: "notice" | "warning" | "failure";
  readonly title: string | null;
  readonly message: string;
  readonly rawDetails: string | null;
}

/**
 * What makes a check run a GitHub Actions job: the job id is the check run's id (as on GitHub),
 * its workflow run is its suite's `workflowRun`.
 */
export interface SimJob {
  /** The workflow run's attempt this job ran in. */
  readonly runAttempt: number;
  readonly createdAt: string;
  /** The one step that does the work, named as Actions names a `run:` step (`Run node --test`). */
  readonly stepName: string;
  /** The plain-text log GitHub serves once the job has completed. */
  log: string | null;
}

export interface SimCheckRun {
  readonly id: number;
  readonly suiteId: number;
  readonly appId: number;
  readonly name: string;
  readonly headSha: string;
  status: SimCheckStatus;
  conclusion: SimConclusion | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: SimAnnotation[] };
  /** Set on check runs GitHub Actions made: each is a job of a workflow run. */
  readonly job?: SimJob;
}

export interface SimRepo {
  readonly id: number;
  readonly owner: SimUser;
  readonly name: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  readonly description: string | null;
  readonly createdAt: string;
  pushedAt: string;
  readonly git: GitStore;
  readonly collaborators: Map<string, SimPermission>;
  readonly labels: Map<string, SimLabel>;
  readonly issues: Map<number, SimIssue>;
  readonly comments: Map<number, SimComment>;
  /** Reactions on issue comments, by comment id, in the order given; one per user and content. */
  readonly commentReactions: Map<number, SimReaction[]>;
  readonly pulls: Map<number, SimPull>;
  readonly reviews: Map<number, SimReview>;
  readonly reviewComments: Map<number, SimReviewComment>;
  /** The top comments of resolved review threads. */
  readonly resolvedThreads: Set<number>;
  readonly checkSuites: Map<number, SimCheckSuite>;
  readonly checkRuns: Map<number, SimCheckRun>;
  /** Issues and pull requests share one number sequence. */
  nextNumber: number;
}

/** A code GitHub's authorize page handed to a callback: single use, ten minutes. */
export interface SimOAuthCode {
  readonly appId: number;
  readonly login: string;
  /** The redirect_uri it was issued for; the exchange must not name another. */
  readonly redirectUri: string;
  readonly expiresAt: number;
}

/** A user access token (`ghu_`) or refresh token (`ghr_`): a person, through an app. */
export interface SimUserGrant {
  readonly appId: number;
  readonly login: string;
  readonly expiresAt: number;
}

/** Where the simulator is reachable: the REST root and the root of its web pages (html_url). */
export interface SimUrls {
  readonly api: string;
  readonly web: string;
}
