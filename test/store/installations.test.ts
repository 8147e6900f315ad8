import { describe, expect, it } from "vitest";
import { deleteInstallation, setInstallationSuspended, upsertInstallation } from "../../src/store/installations.js";
import type { Db } from "../../src/store/open-database.js";
import { useDatabase } from "../support/temp-database.js";

const database = useDatabase();

interface InstallationRow {
  id: number;
  account_login: string;
  account_type: string;
  created_at: number;
  updated_at: number;
  suspended_at: number | null;
}

function rows(db: Db): InstallationRow[] {
  return db.prepare<[], InstallationRow>("SELECT * FROM installations ORDER BY id").all();
}

const mona = { id: 20, accountLogin: "mona", accountType: "User" };

describe("installations", () => {
  it("inserts an installation the first time it is seen", () => {
    const db = database();

    upsertInstallation(db, mona, 1_000);

    expect(rows(db)).toEqual([{ id: 20, account_login: "mona", account_type: "User", created_at: 1_000, updated_at: 1_000, suspended_at: null }]);
  });

  it("leaves an unchanged installation as it was, updated_at included", () => {
    const db = database();
    upsertInstallation(db, mona, 1_000);

    upsertInstallation(db, mona, 2_000);

    expect(rows(db)).toEqual([expect.objectContaining({ created_at: 1_000, updated_at: 1_000 })]);
  });

  it("follows a renamed account, keeping when the installation was first seen", () => {
    const db = database();
    upsertInstallation(db, mona, 1_000);

    upsertInstallation(db, { ...mona, accountLogin: "mona-lisa", accountType: "Organization" }, 2_000);

    expect(rows(db)).toEqual([{ id: 20, account_login: "mona-lisa", account_type: "Organization", created_at: 1_000, updated_at: 2_000, suspended_at: null }]);
  });

  it("suspends an installation and lifts the suspension", () => {
    const db = database();
    upsertInstallation(db, mona, 1_000);

    setInstallationSuspended(db, 20, 1_500, 1_500);
    expect(rows(db)[0]).toMatchObject({ suspended_at: 1_500, updated_at: 1_500 });

    setInstallationSuspended(db, 20, null, 1_800);
    expect(rows(db)[0]).toMatchObject({ suspended_at: null, updated_at: 1_800 });
  });

  it("deletes only the installation named", () => {
    const db = database();
    upsertInstallation(db, mona, 1_000);
    upsertInstallation(db, { id: 21, accountLogin: "octo-org", accountType: "Organization" }, 1_000);

    deleteInstallation(db, 20);

    expect(rows(db).map((r) => r.id)).toEqual([21]);
  });
});
