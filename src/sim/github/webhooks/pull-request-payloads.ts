import type { SimPull, SimReview, SimReviewComment, SimUrls } from "../sim-model.js";
import type { FindUser } from "../views/pull-views.js";
import { reviewView } from "../views/pull-views.js";
import { reviewCommentView } from "../views/review-comment-views.js";
import { deliveryEnvelope, type DeliveryContext } from "./delivery-envelope.js";
import { webhookPullRequest, webhookSimplePullRequest } from "./webhook-pull-request.js";

export interface PullRequestPayloadInput extends DeliveryContext {
  readonly action: "opened" | "synchronize" | "closed" | "ready_for_review";
  readonly pull: SimPull;
  /** synchronize only: the head before the push (required) and after it (defaults to the pull's head). */
  readonly before?: string;
  readonly after?: string;
  /** Resolves requested reviewers; defaults to the users the repository's records mention. */
  readonly findUser?: FindUser;
}

/** Only synchronize carries the push's before and after; the other actions' schemas forbid them. */
function pushRange(input: PullRequestPayloadInput) {
  if (input.action !== "synchronize") return {};
  if (input.before === undefined) throw new Error(`pull_request.synchronize for #${input.pull.number} needs the head before the push ("before")`);
  return { before: input.before, after: input.after ?? input.pull.headSha };
}

/** `pull_request` / opened, synchronize, closed, ready_for_review. */
export function pullRequestPayload(urls: SimUrls, input: PullRequestPayloadInput) {
  return {
    action: input.action,
    number: input.pull.number,
    ...pushRange(input),
    pull_request: webhookPullRequest(urls, input.repo, input.pull, input.findUser),
    ...deliveryEnvelope(urls, input),
  };
}

/** Webhook reviews spell their state in lower case; the REST API in upper case. */
const WEBHOOK_REVIEW_STATE = { APPROVED: "approved", CHANGES_REQUESTED: "changes_requested", COMMENTED: "commented" } as const;

/** `pull_request_review` / `submitted`. */
export function pullRequestReviewSubmittedPayload(
  urls: SimUrls,
  input: DeliveryContext & { readonly pull: SimPull; readonly review: SimReview; readonly findUser?: FindUser },
) {
  return {
    action: "submitted" as const,
    review: { ...reviewView(urls, input.repo, input.review), state: WEBHOOK_REVIEW_STATE[input.review.state] },
    pull_request: webhookSimplePullRequest(urls, input.repo, input.pull, input.findUser),
    ...deliveryEnvelope(urls, input),
  };
}

/** `pull_request_review_comment` / `created`: a comment on a line, in a review or as a reply. */
export function pullRequestReviewCommentCreatedPayload(
  urls: SimUrls,
  input: DeliveryContext & { readonly pull: SimPull; readonly comment: SimReviewComment; readonly findUser?: FindUser },
) {
  return {
    action: "created" as const,
    comment: reviewCommentView(urls, input.repo, input.comment),
    pull_request: webhookSimplePullRequest(urls, input.repo, input.pull, input.findUser),
    ...deliveryEnvelope(urls, input),
  };
}
