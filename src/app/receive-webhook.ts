import { z } from "zod";
import type { Settings } from "../config/settings.js";
import type { Clock } from "../engine/clock.js";
import { hasDelivery, recordDelivery } from "../store/deliveries.js";
import { installationAccount, upsertInstallation } from "../store/installations.js";
import { enqueueJob } from "../store/jobs.js";
import type { Db } from "../store/open-database.js";
import type { Decision, WebhookHandler } from "./handlers/handler-types.js";
import { onCheckRunCompleted, onCheckSuiteCompleted, onWorkflowRunCompleted } from "./handlers/on-check-suite-completed.js";
import { onIssueCommentCreated } from "./handlers/on-issue-comment-created.js";
import { onInstallation } from "./handlers/on-installation.js";
import { onIssuesClosed } from "./handlers/on-issues-closed.js";
import { onIssuesLabeled } from "./handlers/on-issues-labeled.js";
import { onPullRequestClosed } from "./handlers/on-pull-request-closed.js";
import { onPullRequestReviewSubmitted } from "./handlers/on-pull-request-review-submitted.js";
import { createGroupCommit } from "./group-commit.js";
import { envelopeSchema } from "./webhook-payloads.js";

/** Handlers by `event.action` (or bare event name): everything else is recorded and ignored. */
export const webhookHandlers: Readonly<Record<string, WebhookHandler>> = {
  "issues.labeled": onIssuesLabeled,
  "issues.closed": onIssuesClosed,
  "check_suite.completed": onCheckSuiteCompleted,
  "check_run.completed": onCheckRunCompleted,
  "workflow_run.completed": onWorkflowRunCompleted,
  "issue_comment.created": onIssueCommentCreated,
  "pull_request_review.submitted": onPullRequestReviewSubmitted,
  "pull_request.closed": onPullRequestClosed,
  installation: onInstallation,
};

export interface WebhookEnvelope {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
}

export interface ReceiveResult {
  readonly duplicate: boolean;
  readonly outcome: string;
  readonly jobId: number | undefined;
}

/**
 * Intake of one verified delivery: deduplicate by X-GitHub-Delivery, decide, persist the decision
 * and the job it needs, committed before the promise resolves (deliveries arriving together share
 * one commit). Nothing here touches the network, so GitHub gets its answer in milliseconds; the
 * worker does the rest.
 */
export function createWebhookReceiver(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly settings: Pick<Settings, "label" | "appId"> & { readonly appSlug?: string };
  readonly onMalformed: (envelope: WebhookEnvelope, error: z.ZodError) => void;
}): (envelope: WebhookEnvelope) => Promise<ReceiveResult> {
  const { db, clock, settings } = deps;
  return createGroupCommit(db, (envelope: WebhookEnvelope): ReceiveResult => {
      const now = clock.now();
      const context = envelopeSchema.safeParse(envelope.payload).data;
      const action = context?.action ?? null;
      // Checked first so a duplicate never reaches a handler. The delivery row, checked and written in
      // the same transaction as the job, is what keeps a redelivered webhook from enqueueing twice.
      if (hasDelivery(db, envelope.id)) return { duplicate: true, outcome: "duplicate", jobId: undefined };
      const installation = context?.installation;
      const owner = context?.repository?.owner;
      if (installation && owner && installationAccount(db, installation.id) !== owner.login) {
        upsertInstallation(db, { id: installation.id, accountLogin: owner.login, accountType: owner.type }, now);
      }
      const handler = webhookHandlers[action ? `${envelope.name}.${action}` : envelope.name] ?? webhookHandlers[envelope.name];
      let decision: Decision;
      try {
        decision = handler ? handler(envelope.payload, { db, now, deliveryId: envelope.id, settings }) : { outcome: "ignored:unhandled" };
      } catch (error) {
        if (!(error instanceof z.ZodError)) throw error;
        // A payload we cannot read loses nothing: it is recorded with the reason, and logged.
        deps.onMalformed(envelope, error);
        decision = { outcome: `malformed:${error.issues.map((i) => i.path.join(".")).join(",")}` };
      }
      recordDelivery(db, { deliveryId: envelope.id, event: envelope.name, action, installationId: installation?.id ?? null, receivedAt: now }, decision.outcome);
      const jobId = decision.job ? enqueueJob(db, decision.job, now) : undefined;
      return { duplicate: false, outcome: decision.outcome, jobId };
  });
}
