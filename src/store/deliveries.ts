import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export interface DeliveryRecord {
  readonly deliveryId: string;
  readonly event: string;
  readonly action: string | null;
  readonly installationId: number | null;
  readonly receivedAt: number;
}

/** Records a webhook delivery; false when this X-GitHub-Delivery was seen before (a redelivery or a replay). */
export function recordDelivery(db: Db, delivery: DeliveryRecord, outcome: string): boolean {
  const result = statement(db, 
      `INSERT INTO webhook_deliveries (delivery_id, event, action, installation_id, received_at, outcome)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
    )
    .run(delivery.deliveryId, delivery.event, delivery.action, delivery.installationId, delivery.receivedAt, outcome);
  return result.changes === 1;
}

export function hasDelivery(db: Db, deliveryId: string): boolean {
  return statement<[string], { found: number }>(db, "SELECT 1 AS found FROM webhook_deliveries WHERE delivery_id = ?").get(deliveryId) !== undefined;
}

export function setDeliveryOutcome(db: Db, deliveryId: string, outcome: string): void {
  statement(db, "UPDATE webhook_deliveries SET outcome = ? WHERE delivery_id = ?").run(outcome, deliveryId);
}

export function countDeliveries(db: Db): number {
  return statement<[], { n: number }>(db, "SELECT count(*) AS n FROM webhook_deliveries").get()?.n ?? 0;
}

/** An outcome's class, as metrics count it: `ignored:not-labelled` is `ignored`. */
export const outcomeClassSql = "CASE WHEN instr(outcome, ':') > 0 THEN substr(outcome, 1, instr(outcome, ':') - 1) ELSE outcome END";

/**
 * Deletes the deliveries received before `before`, first adding them to the counts by event and
 * outcome class, in one transaction. Returns how many were deleted. A redelivery of a deleted one
 * would be taken as new: keep far more than the few days GitHub offers redeliveries for.
 */
export function pruneDeliveries(db: Db, before: number): number {
  return db.transaction(() => {
    statement<[number]>(
      db,
      `INSERT INTO webhook_delivery_counts (event, outcome, n)
       SELECT event, ${outcomeClassSql}, count(*) FROM webhook_deliveries WHERE received_at < ? GROUP BY 1, 2
       ON CONFLICT (event, outcome) DO UPDATE SET n = n + excluded.n`,
    ).run(before);
    return statement<[number]>(db, "DELETE FROM webhook_deliveries WHERE received_at < ?").run(before).changes;
  })();
}
