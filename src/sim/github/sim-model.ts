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
  output: { title: string | null; summary: string | null; text: string | null; annotationsCount: number };
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
  readonly pulls: Map<number, SimPull>;
  readonly reviews: Map<number, SimReview>;
  readonly checkSuites: Map<number, SimCheckSuite>;
  readonly checkRuns: Map<number, SimCheckRun>;
  /** Issues and pull requests share one number sequence. */
  nextNumber: number;
}

/** Where the simulator is reachable: the REST root and the root of its web pages (html_url). */
export interface SimUrls {
  readonly api: string;
  readonly web: string;
}
