import type { SimIssueEdits } from "../sim-changes.js";
import type { SimComment, SimIssue, SimLabel, SimUrls } from "../sim-model.js";
import { issueCommentView, issueView, labelView } from "../views/issue-views.js";
import { deliveryEnvelope, type DeliveryContext } from "./delivery-envelope.js";

type LabelInput = DeliveryContext & { readonly issue: SimIssue; readonly label: SimLabel };

function labelPayload<A extends "labeled" | "unlabeled">(action: A, urls: SimUrls, input: LabelInput) {
  return {
    action,
    issue: issueView(urls, input.repo, input.issue),
    label: labelView(urls, input.repo, input.label),
    ...deliveryEnvelope(urls, input),
  };
}

/** `issues` / `labeled`. */
export function issuesLabeledPayload(urls: SimUrls, input: LabelInput) {
  return labelPayload("labeled", urls, input);
}

/** `issues` / `unlabeled`. */
export function issuesUnlabeledPayload(urls: SimUrls, input: LabelInput) {
  return labelPayload("unlabeled", urls, input);
}

/** `issues` / `closed`: the issue as it is once closed (state, closed_at, state_reason). */
export function issuesClosedPayload(urls: SimUrls, input: DeliveryContext & { readonly issue: SimIssue }) {
  return {
    action: "closed" as const,
    issue: { ...issueView(urls, input.repo, input.issue), state: "closed" as const, state_reason: "completed" as const },
    ...deliveryEnvelope(urls, input),
  };
}

/** `issue_comment` / `created`; GitHub sends it for comments on pull requests too. */
export function issueCommentCreatedPayload(urls: SimUrls, input: DeliveryContext & { readonly issue: SimIssue; readonly comment: SimComment }) {
  return {
    action: "created" as const,
    issue: issueView(urls, input.repo, input.issue),
    comment: issueCommentView(urls, input.repo, input.comment),
    ...deliveryEnvelope(urls, input),
  };
}

/** `issues` / `edited`: the issue as edited, and each edited field's value before. */
export function issuesEditedPayload(urls: SimUrls, input: DeliveryContext & { readonly issue: SimIssue; readonly changes: SimIssueEdits }) {
  return {
    action: "edited" as const,
    issue: issueView(urls, input.repo, input.issue),
    changes: input.changes,
    ...deliveryEnvelope(urls, input),
  };
}
