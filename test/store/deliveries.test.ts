import { describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../src/store/deliveries.js";
import { countDeliveries, recordDelivery, setDeliveryOutcome } from "../../src/store/deliveries.js";
import type { Db } from "../../src/store/open-database.js";
import { useDatabase } from "../support/temp-database.js";

const database = useDatabase();

const labelled: DeliveryRecord = { deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event: "issues", action: "labeled", installationId: 20, receivedAt: 1_000 };

function outcomeOf(db: Db, deliveryId: string): string | undefined {
  return db.prepare<[string], { outcome: string }>("SELECT outcome FROM webhook_deliveries WHERE delivery_id = ?").get(deliveryId)?.outcome;
}

describe("webhook deliveries", () => {
  it("records a delivery the first time and reports a redelivery of the same id as already seen", () => {
    const db = database();

    expect(recordDelivery(db, labelled, "enqueued")).toBe(true);
    expect(recordDelivery(db, { ...labelled, receivedAt: 2_000 }, "enqueued")).toBe(false);

    expect(countDeliveries(db)).toBe(1);
  });

  it("keeps the first outcome when a redelivery arrives", () => {
    const db = database();
    recordDelivery(db, labelled, "enqueued");

    recordDelivery(db, labelled, "ignored:duplicate");

    expect(outcomeOf(db, labelled.deliveryId)).toBe("enqueued");
  });

  it("records deliveries with different ids separately, with or without an installation", () => {
    const db = database();

    expect(recordDelivery(db, labelled, "enqueued")).toBe(true);
    expect(recordDelivery(db, { deliveryId: "ping-1", event: "ping", action: null, installationId: null, receivedAt: 1_001 }, "ignored:ping")).toBe(true);

    expect(countDeliveries(db)).toBe(2);
  });

  it("updates the outcome of a recorded delivery", () => {
    const db = database();
    recordDelivery(db, labelled, "received");

    setDeliveryOutcome(db, labelled.deliveryId, "ignored:permission");

    expect(outcomeOf(db, labelled.deliveryId)).toBe("ignored:permission");
  });
});
