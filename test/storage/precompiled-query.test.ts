/**
 * A PrecompiledQuery is defined once per module and shared by every store: the root store and
 * each transaction's, on SQLite and on PostgreSQL in the same process (this file runs both in
 * one worker, SQLite first: a text compiled for one dialect and handed to the other fails).
 * Each call's arguments land in their slots, the query's own constants stay, and a run in a
 * transaction sees, and rolls back with, the transaction. A query with a list compiled per
 * count takes lists of every length, also longer than the counts whose text it keeps.
 */
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrecompiledInsert, PrecompiledPerCount, PrecompiledQuery, slotList } from "../../src/storage/precompiled-query.js";
import type { Database, ServerSettingRow } from "../../src/storage/schema.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

/** Arguments: the lower and upper name. The value is a constant of the query itself. */
const namesBetween = new PrecompiledQuery((db, slot) =>
  db
    .selectFrom("server_settings")
    .select("name")
    .where("name", ">=", slot(0))
    .where("name", "<=", slot(1))
    .where("value", "=", "on")
    .orderBy("name"),
);
const insertSettings = new PrecompiledInsert<ServerSettingRow>("server_settings");
/** Arguments: the value, then the names. */
const namedWithValue = new PrecompiledPerCount<{ name: string }>((db, slot, names) =>
  db
    .selectFrom("server_settings")
    .select("name")
    .where("value", "=", slot(0))
    .where("name", "in", slotList(slot, 1, names))
    .orderBy("name"),
);

describe.each(["sqlite", "postgres"] as const)("a precompiled query on %s", (store) => {
  const skip = store === "postgres" && skipPostgres;
  let testStore: TestStore;
  let db: Kysely<Database>;

  beforeAll(async () => {
    if (skip) return;
    testStore = await createTestStore(store, "precompiled");
    ({ db } = await testStore.open());
  });
  afterAll(async () => {
    await db?.destroy();
    await testStore?.dispose();
  });

  it.skipIf(skip)("runs with each call's arguments, inside and outside a transaction", async () => {
    await insertSettings.run(db, [
      { name: "test.a", value: "on" },
      { name: "test.b", value: "off" },
      { name: "test.c", value: "on" },
    ]);
    expect(await namesBetween.rows(db, ["test.a", "test.c"])).toEqual([{ name: "test.a" }, { name: "test.c" }]);
    expect(await namesBetween.rows(db, ["test.b", "test.c"])).toEqual([{ name: "test.c" }]);

    await expect(
      db.transaction().execute(async (trx) => {
        await insertSettings.run(trx, [{ name: "test.d", value: "on" }]);
        expect(await namesBetween.first(trx, ["test.d", "test.d"])).toEqual({ name: "test.d" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await namesBetween.first(db, ["test.d", "test.d"])).toBeUndefined();
  });

  it.skipIf(skip)("takes a list of any length, each count's text its own", async () => {
    const names = Array.from({ length: 100 }, (_, i) => `list.${String(i).padStart(3, "0")}`);
    await insertSettings.run(
      db,
      names.map((name, i) => ({ name, value: i % 2 === 0 ? "on" : "off" })),
    );
    const named = async (value: string, list: string[]) =>
      (await namedWithValue.of(list.length).rows(db, [value, ...list])).map((row) => row.name);
    expect(await named("on", names.slice(0, 1))).toEqual(["list.000"]);
    expect(await named("on", names.slice(0, 4))).toEqual(["list.000", "list.002"]);
    expect(await named("off", names.slice(0, 4))).toEqual(["list.001", "list.003"]);
    // Longer than the counts kept: compiled for the call, the same answer.
    expect(await named("on", names)).toEqual(names.filter((_, i) => i % 2 === 0));
    expect(await named("on", names)).toHaveLength(50);
  });
});
