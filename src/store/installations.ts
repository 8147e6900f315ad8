import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

export interface InstallationRecord {
  readonly id: number;
  readonly accountLogin: string;
  readonly accountType: string;
}

/** The account an installation is recorded under, if any: read before writing, so an unchanged row is not rewritten on every delivery. */
export function installationAccount(db: Db, id: number): string | undefined {
  return statement<[number], { account_login: string }>(db, "SELECT account_login FROM installations WHERE id = ?").get(id)?.account_login;
}

/** Remembers the installation a delivery came from. */
export function upsertInstallation(db: Db, installation: InstallationRecord, at: number): void {
  statement(db, 
    `INSERT INTO installations (id, account_login, account_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET account_login = excluded.account_login, account_type = excluded.account_type, updated_at = excluded.updated_at
     WHERE installations.account_login <> excluded.account_login OR installations.account_type <> excluded.account_type`,
  ).run(installation.id, installation.accountLogin, installation.accountType, at, at);
}

/** `suspendedAt` null lifts a suspension. */
export function setInstallationSuspended(db: Db, id: number, suspendedAt: number | null, at: number): void {
  statement(db, "UPDATE installations SET suspended_at = ?, updated_at = ? WHERE id = ?").run(suspendedAt, at, id);
}

export function deleteInstallation(db: Db, id: number): void {
  statement(db, "DELETE FROM installations WHERE id = ?").run(id);
}
