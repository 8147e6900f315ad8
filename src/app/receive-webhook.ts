import { z } from "zod";
import type { Settings } from "../config/settings.js";
import type { Clock } from "../engine/clock.js";
import { recordDelivery, setDeliveryOutcome } from "../store/deliveries.js";
import { upsertInstallation } from "../store/installations.js";
import { enqueueJob } from "../store/jobs.js";
import type { Db } from "../store/open-database.js";
import type { Decision, WebhookHandler } from "./handlers/handler-types.js";
import { onCheckSuiteCompleted } from "./handlers/on-check-suite-completed.js";
import { onInstallation } from "./handlers/on-installation.js";
import { onIssuesLabeled } from "./handlers/on-issues-labeled.js";
import { onPullRequestClosed } from "./handlers/on-pull-request-closed.js";
import { onPullRequestReviewSubmitted } from "./handlers/on-pull-request-review-submitted.js";
import { installationContextSchema } from "./webhook-payloads.js";

/** Handlers by `event.action` (or bare event name): everything else is recorded and ignored. */
export const webhookHandlers: Readonly<Record<string, WebhookHandler>> = {
  "issues.labeled": onIssuesLabeled,
  "check_suite.completed": onCheckSuiteCompleted,
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

const actionSchema = z.object({ action: z.string().optional() });

/**
 * Intake of one verified delivery, synchronously and in one transaction: deduplicate by
 * X-GitHub-Delivery, decide, persist the decision and the job it needs. Nothing here touches the
 * network, so GitHub gets its answer in milliseconds; the worker does the rest.
 */
export function createWebhookReceiver(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly settings: Pick<Settings, "label" | "appId">;
  readonly onMalformed: (envelope: WebhookEnvelope, error: z.ZodError) => void;
}): (envelope: WebhookEnvelope) => ReceiveResult {
  const { db, clock, settings } = deps;
  return (envelope) =>
    db.transaction((): ReceiveResult => {
      const now = clock.now();
      const action = actionSchema.safeParse(envelope.payload).data?.action ?? null;
      const context = installationContextSchema.safeParse(envelope.payload).data;
      const fresh = recordDelivery(
        db,
        { deliveryId: envelope.id, event: envelope.name, action, installationId: context?.installation?.id ?? null, receivedAt: now },
        "received",
      );
      if (!fresh) return { duplicate: true, outcome: "duplicate", jobId: undefined };
      if (context?.installation && context.repository) {
        upsertInstallation(db, { id: context.installation.id, accountLogin: context.repository.owner.login, accountType: context.repository.owner.type }, now);
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
      setDeliveryOutcome(db, envelope.id, decision.outcome);
      const jobId = decision.job ? enqueueJob(db, decision.job, now) : undefined;
      return { duplicate: false, outcome: decision.outcome, jobId };
    })();
}
