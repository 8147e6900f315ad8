/**
 * Webhook deliveries older than the retention are folded into counts by event and outcome class
 * before they are deleted, so `orchestrator_webhooks_total` never goes down; the rows themselves
 * are only needed to recognise a redelivery, which GitHub offers for a few days.
 */
export const historyRetention = `
CREATE TABLE webhook_delivery_counts (
  event   TEXT NOT NULL,
  outcome TEXT NOT NULL,                      -- the outcome's class: enqueued, ignored, …
  n       INTEGER NOT NULL,
  PRIMARY KEY (event, outcome)
) WITHOUT ROWID;
`;
