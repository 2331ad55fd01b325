/**
 * SQLite's change stamp (src/storage/sqlite-change-stamp.ts), on which a remembered read
 * rests: a read moves it not, this connection's writes and another connection's commits do,
 * and no stamp is given while a transaction is open (a read then may see uncommitted writes)
 * nor on PostgreSQL.
 */
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrecompiledInsert, PrecompiledQuery } from "../../src/storage/precompiled-query.js";
import type { Database, ServerSettingRow } from "../../src/storage/schema.js";
import { changeStampOf } from "../../src/storage/sqlite-change-stamp.js";
import { deferred } from "../helpers/deferred.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const insertSetting = new PrecompiledInsert<ServerSettingRow>("server_settings");
const settingValue = new PrecompiledQuery<{ value: string }>((db, slot) =>
  db.selectFrom("server_settings").select("value").where("name", "=", slot(0)),
);

describe("SQLite's change stamp", () => {
  let testStore: TestStore;
  let db: Kysely<Database>;
  let other: Kysely<Database>;

  beforeAll(async () => {
    testStore = await createTestStore("sqlite", "change_stamp");
    ({ db } = await testStore.open());
    ({ db: other } = await testStore.open());
  });
  afterAll(async () => {
    await other.destroy();
    await db.destroy();
    await testStore.dispose();
  });

  it("stays while only reads run, and moves with this connection's writes and another's commits", async () => {
    const before = changeStampOf(db);
    expect(before).toBeDefined();
    await settingValue.first(db, ["stamp.absent"]);
    await settingValue.first(other, ["stamp.absent"]);
    expect(changeStampOf(db)).toEqual(before);

    await insertSetting.run(db, [{ name: "stamp.own", value: "1" }]);
    const afterOwn = changeStampOf(db);
    expect(afterOwn?.ownWrites).toBeGreaterThan(before?.ownWrites ?? 0);
    expect(afterOwn?.othersCommits).toBe(before?.othersCommits);

    await insertSetting.run(other, [{ name: "stamp.other", value: "1" }]);
    const afterOther = changeStampOf(db);
    expect(afterOther?.othersCommits).not.toBe(afterOwn?.othersCommits);
    expect(afterOther?.ownWrites).toBe(afterOwn?.ownWrites);
  });

  it("moves with a write that returns rows, as an INSERT … RETURNING does", async () => {
    const before = changeStampOf(db);
    const returned = await sql<{
      name: string;
    }>`insert into server_settings (name, value) values ('stamp.returning', '1') returning name`.execute(db);
    expect(returned.rows).toEqual([{ name: "stamp.returning" }]);
    expect(changeStampOf(db)?.ownWrites).toBeGreaterThan(before?.ownWrites ?? 0);
  });

  it("is not given inside a transaction, nor outside while another caller's transaction is open", async () => {
    const opened = deferred();
    const release = deferred();
    const transaction = db.transaction().execute(async (tx) => {
      await insertSetting.run(tx, [{ name: "stamp.uncommitted", value: "1" }]);
      expect(changeStampOf(tx)).toBeUndefined();
      opened.resolve();
      await release.promise;
    });
    await opened.promise;
    expect(changeStampOf(db)).toBeUndefined();
    release.resolve();
    await transaction;
    expect(changeStampOf(db)).toBeDefined();
  });

  it.skipIf(skipPostgres)("is not given on PostgreSQL, which has none: every read runs", async () => {
    const postgres = await createTestStore("postgres", "change_stamp");
    const { db: onPostgres } = await postgres.open();
    try {
      expect(changeStampOf(onPostgres)).toBeUndefined();
    } finally {
      await onPostgres.destroy();
      await postgres.dispose();
    }
  });
});
