export { checkRunPayload, checkSuitePayload } from "./check-payloads.js";
export { deliveryEnvelope, installationLite, webhookRepository, type DeliveryContext } from "./delivery-envelope.js";
export { installationCreatedPayload } from "./installation-payloads.js";
export { issueCommentCreatedPayload, issuesClosedPayload, issuesEditedPayload, issuesLabeledPayload, issuesUnlabeledPayload } from "./issue-payloads.js";
export { pullRequestPayload, pullRequestReviewCommentCreatedPayload, pullRequestReviewSubmittedPayload, type PullRequestPayloadInput } from "./pull-request-payloads.js";
export { webhookPullRequest, webhookSimplePullRequest } from "./webhook-pull-request.js";
