import type { SimCheckRun, SimCheckSuite, SimComment, SimIssue, SimLabel, SimPull, SimRepo, SimReview, SimReviewComment, SimUser } from "./sim-model.js";

/** What an edit changed: GitHub names each edited field with its value before. */
export interface SimIssueEdits {
  readonly title?: { readonly from: string };
  readonly body?: { readonly from: string };
}

/** What happened in the simulated GitHub; each change becomes webhooks and may start simulated CI. */
export type SimChange =
  | { readonly kind: "issues.labeled"; readonly repo: SimRepo; readonly issue: SimIssue; readonly label: SimLabel; readonly sender: SimUser }
  | { readonly kind: "issues.unlabeled"; readonly repo: SimRepo; readonly issue: SimIssue; readonly label: SimLabel; readonly sender: SimUser }
  | { readonly kind: "issues.closed"; readonly repo: SimRepo; readonly issue: SimIssue; readonly sender: SimUser }
  | { readonly kind: "issues.edited"; readonly repo: SimRepo; readonly issue: SimIssue; readonly changes: SimIssueEdits; readonly sender: SimUser }
  | { readonly kind: "issue_comment.created"; readonly repo: SimRepo; readonly issue: SimIssue; readonly comment: SimComment; readonly sender: SimUser }
  | {
      readonly kind: "pull_request";
      readonly action: "opened" | "synchronize" | "closed" | "ready_for_review";
      readonly repo: SimRepo;
      readonly pull: SimPull;
      readonly sender: SimUser;
      readonly before?: string;
      readonly after?: string;
    }
  | { readonly kind: "pull_request_review.submitted"; readonly repo: SimRepo; readonly pull: SimPull; readonly review: SimReview; readonly sender: SimUser }
  | { readonly kind: "pull_request_review_comment.created"; readonly repo: SimRepo; readonly pull: SimPull; readonly comment: SimReviewComment; readonly sender: SimUser }
  | { readonly kind: "check_run"; readonly action: "created" | "completed"; readonly repo: SimRepo; readonly run: SimCheckRun; readonly sender: SimUser }
  | { readonly kind: "check_suite.completed"; readonly repo: SimRepo; readonly suite: SimCheckSuite; readonly sender: SimUser }
  | { readonly kind: "push"; readonly repo: SimRepo; readonly ref: string; readonly before: string; readonly after: string; readonly sender: SimUser };
