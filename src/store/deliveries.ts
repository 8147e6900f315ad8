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
