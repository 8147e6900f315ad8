import { describe, expect, it } from "vitest";
import { claimAlert, getAlert, markAlertNotified, raiseAlert, releaseAlertClaim } from "../../src/store/alerts.js";
import type { Db } from "../../src/store/open-database.js";
import { insertTask } from "../../src/store/tasks.js";
import { TaskState } from "../../src/engine/task-states.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const lease = 60_000;

function stuckAlert(db: Db): number {
  const task = insertTask(db, sampleTask({ issueNumber: 7 }), TaskState.planning, 1_000);
  const alert = raiseAlert(db, { key: `task_stuck:${task.id}:1`, kind: "task_stuck", severity: "warning", taskId: task.id, message: "stuck", raisedAt: 2_000 });
  if (!alert) throw new Error("the alert was not raised");
  return alert.id;
}

describe("claiming an alert to post it", () => {
  it("gives an alert to one claimant at a time, until its lease lapses", () => {
    const db = database();
    const id = stuckAlert(db);

    expect(claimAlert(db, id, 10_000, lease)).toBe(true);
    expect(claimAlert(db, id, 10_001, lease)).toBe(false);
    expect(claimAlert(db, id, 10_000 + lease, lease)).toBe(true);
  });

  it("can be claimed again at once after a failed post gives it up, and never once it was posted", () => {
    const db = database();
    const id = stuckAlert(db);
    claimAlert(db, id, 10_000, lease);

    releaseAlertClaim(db, id);
    expect(claimAlert(db, id, 10_001, lease)).toBe(true);

    markAlertNotified(db, id, 10_002);
    expect(getAlert(db, id)?.notifiedAt).toBe(10_002);
    expect(claimAlert(db, id, 10_000 + 10 * lease, lease)).toBe(false);
  });
});
