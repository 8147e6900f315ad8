import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export type AlertKind = "budget" | "failure_rate" | "circuit_open" | "task_stuck";
export type AlertSeverity = "warning" | "critical";

export interface Alert {
  readonly id: number;
  /** What makes it one alert (kind and subject): raising the same key again is a no-op. */
  readonly key: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly taskId: number | null;
  readonly message: string;
  readonly raisedAt: number;
  /** When people were told on the task's issue; null until then (and always for app-wide alerts). */
  readonly notifiedAt: number | null;
}

interface AlertRow {
  id: number;
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  task_id: number | null;
  message: string;
  raised_at: number;
  notified_at: number | null;
}

function fromRow(row: AlertRow): Alert {
  return { id: row.id, key: row.key, kind: row.kind, severity: row.severity, taskId: row.task_id, message: row.message, raisedAt: row.raised_at, notifiedAt: row.notified_at };
}

/** Records the alert unless one with its key exists; returns it when it is new, undefined when it was raised before. */
export function raiseAlert(db: Db, alert: Omit<Alert, "id" | "notifiedAt">): Alert | undefined {
  const row = statement<[string, string, string, number | null, string, number], AlertRow>(
    db,
    "INSERT INTO alerts (key, kind, severity, task_id, message, raised_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING *",
  ).get(alert.key, alert.kind, alert.severity, alert.taskId, alert.message, alert.raisedAt);
  return row ? fromRow(row) : undefined;
}

export function getAlert(db: Db, id: number): Alert | undefined {
  const row = statement<[number], AlertRow>(db, "SELECT * FROM alerts WHERE id = ?").get(id);
  return row ? fromRow(row) : undefined;
}

/**
 * What a task's dashboard notes: its own alerts and the newest app-wide ones (no task) raised since
 * it began, `limit` of each at most, oldest first.
 */
export function listAlertsForTask(db: Db, taskId: number, since: number, limit = 20): Alert[] {
  const own = statement<[number, number], AlertRow>(db, "SELECT * FROM alerts WHERE task_id = ? ORDER BY raised_at DESC, id DESC LIMIT ?").all(taskId, limit);
  const appWide = statement<[number, number], AlertRow>(db, "SELECT * FROM alerts WHERE task_id IS NULL AND raised_at >= ? ORDER BY raised_at DESC, id DESC LIMIT ?").all(since, limit);
  return [...own, ...appWide].map(fromRow).sort((a, b) => a.raisedAt - b.raisedAt || a.id - b.id);
}

/** A task's alerts not yet posted on its issue. */
export function listUnnotifiedTaskAlerts(db: Db, taskId: number): Alert[] {
  return statement<[number], AlertRow>(db, "SELECT * FROM alerts WHERE task_id = ? AND notified_at IS NULL ORDER BY id").all(taskId).map(fromRow);
}

/**
 * Claims an alert not yet posted for `leaseMs`: true for the one caller that gets it, false while
 * another holds it or once it was posted. A claim whose holder died lapses with its lease.
 */
export function claimAlert(db: Db, id: number, now: number, leaseMs: number): boolean {
  return (
    statement<[number, number, number]>(
      db,
      "UPDATE alerts SET claimed_until = ? WHERE id = ? AND notified_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?)",
    ).run(now + leaseMs, id, now).changes === 1
  );
}

/** Gives up a claim, so the next try need not wait for its lease: posting failed. */
export function releaseAlertClaim(db: Db, id: number): void {
  statement<[number]>(db, "UPDATE alerts SET claimed_until = NULL WHERE id = ?").run(id);
}

export function markAlertNotified(db: Db, id: number, at: number): void {
  statement<[number, number]>(db, "UPDATE alerts SET notified_at = ? WHERE id = ? AND notified_at IS NULL").run(at, id);
}

export function listTaskAlerts(db: Db, taskId: number): Alert[] {
  return statement<[number], AlertRow>(db, "SELECT * FROM alerts WHERE task_id = ? ORDER BY id").all(taskId).map(fromRow);
}

/** Alerts raised at or after `since` (epoch ms), newest first. */
export function listRecentAlerts(db: Db, since: number, limit = 200): Alert[] {
  return statement<[number, number], AlertRow>(db, "SELECT * FROM alerts WHERE raised_at >= ? ORDER BY raised_at DESC, id DESC LIMIT ?").all(since, limit).map(fromRow);
}
