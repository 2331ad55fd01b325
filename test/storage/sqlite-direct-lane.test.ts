/**
 * SQLite's direct lane (src/storage/sqlite-direct-lane.ts) gives a precompiled statement the
 * drivers' own result: a read outside a transaction never runs inside another caller's open
 * one (nor does a write, which takes the drivers' way); a write that meets another
 * connection's lock waits for it and then lands; a full disk is a StoreFaultError inside a
 * transaction, where the lane runs every statement, and outside one.
 */
import Database from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreFaultError } from "../../src/errors/store-fault.js";
import { PrecompiledInsert, PrecompiledQuery } from "../../src/storage/precompiled-query.js";
import type { Database as Schema, ServerSettingRow } from "../../src/storage/schema.js";
import { deferred } from "../helpers/deferred.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

const insertSetting = new PrecompiledInsert<ServerSettingRow>("server_settings");
const settingValue = new PrecompiledQuery<{ value: string }>((db, slot) =>
  db.selectFrom("server_settings").select("value").where("name", "=", slot(0)),
);

/** What settles first: `work` or a timer queued after it started. */
async function firstToSettle(work: Promise<unknown>): Promise<"work" | "timer"> {
  const timer = new Promise<"timer">((resolve) => setTimeout(() => resolve("timer"), 20));
  return Promise.race([work.then(() => "work" as const), timer]);
}

describe("SQLite's direct lane", () => {
  let testStore: TestStore;
  let db: Kysely<Schema>;
  let file: string;

  beforeAll(async () => {
    testStore = await createTestStore("sqlite", "direct_lane");
    ({ db } = await testStore.open());
    file = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db)).rows[0]?.file ?? "";
  });
  afterAll(async () => {
    await db.destroy();
    await testStore.dispose();
  });

  const value = async (name: string) => (await settingValue.first(db, [name]))?.value;

  it("runs a statement outside a transaction after another caller's open transaction, not inside it", async () => {
    const insertedInside = deferred();
    const released = deferred();
    const rolledBack = db
      .transaction()
      .execute(async (tx) => {
        await insertSetting.run(tx, [{ name: "lane.inside", value: "uncommitted" }]);
        insertedInside.resolve();
        await released.promise;
        throw new Error("rolled back");
      })
      .catch((error: Error) => error.message);
    await insertedInside.promise;

    const outsideWrite = insertSetting.run(db, [{ name: "lane.outside", value: "kept" }]);
    const outsideRead = value("lane.inside");
    released.resolve();
    expect(await rolledBack).toBe("rolled back");
    await outsideWrite;
    // Run inside the open transaction, the read would have seen its row and the write rolled back with it.
    expect(await outsideRead).toBeUndefined();
    expect(await value("lane.outside")).toBe("kept");
    expect(await value("lane.inside")).toBeUndefined();
  });

  it("waits through the drivers for another connection's write lock, then writes", async () => {
    const other = new Database(file);
    try {
      other.exec("BEGIN IMMEDIATE");
      const write = insertSetting.run(db, [{ name: "lane.after-lock", value: "landed" }]);
      expect(await firstToSettle(write)).toBe("timer");
      other.exec("COMMIT");
      await write;
      expect(await value("lane.after-lock")).toBe("landed");
    } finally {
      other.close();
    }
  });

  it("answers a full disk with a StoreFaultError, inside a transaction and outside one", async () => {
    const pages = Number((await sql<{ page_count: number }>`PRAGMA page_count`.execute(db)).rows[0]?.page_count);
    await sql.raw(`PRAGMA max_page_count = ${pages}`).execute(db);
    try {
      const big = [{ name: "lane.full", value: "x".repeat(64 * 1024) }];
      const inside = db
        .transaction()
        .execute((tx) => insertSetting.run(tx, big))
        .catch((error: unknown) => error);
      expect(await inside).toBeInstanceOf(StoreFaultError);
      expect(((await inside) as StoreFaultError).kind).toBe("full");
      const outside = await insertSetting.run(db, big).catch((error: unknown) => error);
      expect(outside).toBeInstanceOf(StoreFaultError);
      expect((outside as StoreFaultError).kind).toBe("full");
    } finally {
      await sql.raw("PRAGMA max_page_count = 1073741823").execute(db);
    }
    expect(await value("lane.full")).toBeUndefined();
    await insertSetting.run(db, [{ name: "lane.full", value: "fits now" }]);
    expect(await value("lane.full")).toBe("fits now");
  });
});
