/**
 * PostgreSQL's direct lane (src/storage/postgres-direct-lane.ts) runs a precompiled statement
 * outside a transaction on a pool connection, without Kysely's executor, and gives the drivers'
 * own result: the rows of a read, the rows an update changed, a lock timeout as a busy
 * StoreFaultError. A statement of a transaction still goes through the drivers, on the
 * transaction's connection.
 */
import type { Kysely } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { StoreFaultError } from "../../src/errors/store-fault.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { PrecompiledInsert, PrecompiledQuery } from "../../src/storage/precompiled-query.js";
import type { Database as Schema, ServerSettingRow } from "../../src/storage/schema.js";
import { createPostgresDatabase, skipPostgres } from "../helpers/test-store.js";

const insertSetting = new PrecompiledInsert<ServerSettingRow>("server_settings");
const settingValue = new PrecompiledQuery<{ value: string }>((db, slot) =>
  db.selectFrom("server_settings").select("value").where("name", "=", slot(0)),
);
const renameValues = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("server_settings")
    .set({ value: slot(0) })
    .where("name", "like", slot(1)),
);
/** Short, so the lock test fails fast. */
const WAIT_MS = 300;

describe.skipIf(skipPostgres)("PostgreSQL's direct lane", () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: Kysely<Schema>;

  beforeAll(async () => {
    database = await createPostgresDatabase("direct_lane");
    ({ db } = await openDatabase({ databaseUrl: database.url, dataDir: "unused", waitMs: WAIT_MS }));
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it("answers outside a transaction without Kysely's executor, with the rows read and the rows changed", async () => {
    const executor = vi.spyOn(db, "executeQuery");
    try {
      await insertSetting.run(db, [
        { name: "lane.a", value: "1" },
        { name: "lane.b", value: "2" },
      ]);
      expect(await settingValue.first(db, ["lane.b"])).toEqual({ value: "2" });
      expect(await settingValue.first(db, ["lane.none"])).toBeUndefined();
      expect(await renameValues.changes(db, ["3", "lane.%"])).toBe(2);
      expect(await renameValues.changes(db, ["4", "none.%"])).toBe(0);
      expect(executor).not.toHaveBeenCalled();
    } finally {
      executor.mockRestore();
    }
    // The same rows as Kysely's own way reads them.
    const viaKysely = await db
      .selectFrom("server_settings")
      .select(["name", "value"])
      .where("name", "like", "lane.%")
      .orderBy("name")
      .execute();
    expect(viaKysely).toEqual([
      { name: "lane.a", value: "3" },
      { name: "lane.b", value: "3" },
    ]);
  });

  it("runs a transaction's statements on the transaction's connection: seen by others only after its commit", async () => {
    let seenBeforeCommit: unknown = "not read";
    await db.transaction().execute(async (tx) => {
      const executor = vi.spyOn(tx, "executeQuery");
      await insertSetting.run(tx, [{ name: "lane.in-transaction", value: "committed" }]);
      expect(executor).toHaveBeenCalledTimes(1);
      expect(await settingValue.first(tx, ["lane.in-transaction"])).toEqual({ value: "committed" });
      seenBeforeCommit = await settingValue.first(db, ["lane.in-transaction"]);
    });
    expect(seenBeforeCommit).toBeUndefined();
    expect(await settingValue.first(db, ["lane.in-transaction"])).toEqual({ value: "committed" });
  });

  it("answers a lock held past the store's wait with a busy StoreFaultError, and serves the next statement", async () => {
    await insertSetting.run(db, [{ name: "lane.locked", value: "before" }]);
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT * FROM server_settings WHERE name = 'lane.locked' FOR UPDATE");
      const blocked = await renameValues.changes(db, ["during", "lane.locked"]).catch((error: unknown) => error);
      expect(blocked).toBeInstanceOf(StoreFaultError);
      expect((blocked as StoreFaultError).kind).toBe("busy");
      await locker.query("ROLLBACK");
    } finally {
      await locker.end();
    }
    expect(await renameValues.changes(db, ["after", "lane.locked"])).toBe(1);
    expect(await settingValue.first(db, ["lane.locked"])).toEqual({ value: "after" });
  });
});
