/**
 * Snapshots stored as deltas (migrations 014 and 015, storage/snapshot-delta.ts), on both
 * stores: a snapshot given a base reads back exactly as written and is stored as a delta when
 * small; an increment over the current one is stored as a delta of the same base, or whole once it has outgrown it; the refresh
 * basis (fetch basis, base, outline, delta) round-trips without the base being read; retention
 * never deletes a base while a delta of it exists; and a store written before migration 014
 * still reads its snapshots after both, with their outlines written.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, type Migration, Migrator, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";
import { fetchBankData } from "../../src/connectors/sandbox/incremental-bank-data.js";
import { newRandomId } from "../../src/lib/ids.js";
import { buildSnapshot } from "../../src/logins/build-snapshot.js";
import { snapshotIncrement } from "../../src/logins/snapshot-increment.js";
import type { Snapshot } from "../../src/records/snapshot.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import * as m001 from "../../src/storage/migrations/001-initial.js";
import * as m002 from "../../src/storage/migrations/002-attempt-limits.js";
import * as m003 from "../../src/storage/migrations/003-jobs.js";
import * as m004 from "../../src/storage/migrations/004-card-live-session.js";
import * as m005 from "../../src/storage/migrations/005-connect-settings.js";
import * as m006 from "../../src/storage/migrations/006-nightly-refresh.js";
import * as m007 from "../../src/storage/migrations/007-webhooks.js";
import * as m008 from "../../src/storage/migrations/008-institution-memory.js";
import * as m009 from "../../src/storage/migrations/009-card-vault.js";
import * as m010 from "../../src/storage/migrations/010-lease-holders.js";
import * as m011 from "../../src/storage/migrations/011-stored-answers-by-default.js";
import * as m012 from "../../src/storage/migrations/012-retention.js";
import * as m013 from "../../src/storage/migrations/013-dashboard.js";
import type { Database } from "../../src/storage/schema.js";
import { outlineOf } from "../../src/storage/snapshot-delta.js";
import type { SnapshotBase } from "../../src/storage/snapshot-store.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const INDEX_KEY = Buffer.alloc(32, 5);

function snapshotOn(loginId: string, day: number): Snapshot {
  return buildSnapshot(generateBankData("greatday", new Date(T0.getTime() + day * 86_400_000)), loginId, INDEX_KEY);
}

/** The snapshot as a base to store a later one against, as the aggregation gives it after a whole fetch. */
async function baseOf(storage: Storage, snapshotId: string): Promise<SnapshotBase> {
  const basis = (await storage.snapshots.findRefreshBasis(snapshotId)) ?? expect.fail("no snapshot");
  const snapshot = (await storage.snapshots.find(basis.base.id)) ?? expect.fail("no base");
  return { id: basis.base.id, snapshot, bytes: basis.base.outline.bytes };
}

async function newCard(storage: Storage) {
  return storage.logins.findOrCreate({
    id: newRandomId(),
    customerId: newRandomId(),
    lookupHash: randomBytes(32).toString("hex"),
    institution: "FlinksCapital",
    language: "en",
    usernameEnc: "sealed",
    loginType: "Personal",
    createdAt: at(-1000),
  });
}

describe.each(["sqlite", "postgres"] as const)("snapshot deltas: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storage: Storage;

    beforeAll(async () => {
      testStore = await createTestStore(store, "deltas");
      storage = new KyselyStorage((await testStore.open()).db);
    });
    afterAll(async () => {
      await storage.close();
      await testStore.dispose();
    });

    it("a snapshot given a base reads back exactly, stored as a small delta of that base, with its fetch basis", async () => {
      const card = await newCard(storage);
      const [first, second, third] = [newRandomId(), newRandomId(), newRandomId()];
      const fetch = { basis: "sandbox-test", day: "2026-03-01" };
      await storage.snapshots.insert(first, card.id, at(0), snapshotOn(card.id, 0), { fetch });
      const basis = await storage.snapshots.findRefreshBasis(first);
      expect(basis?.fetch).toEqual(fetch);
      expect(basis?.base.id).toBe(first);
      expect(basis?.delta).toBeNull();
      expect(basis?.base.outline).toEqual(outlineOf(snapshotOn(card.id, 0), JSON.stringify(snapshotOn(card.id, 0)).length));

      await storage.snapshots.insert(second, card.id, at(1), snapshotOn(card.id, 1), {
        base: await baseOf(storage, first),
        fetch: null,
      });
      expect(JSON.stringify(await storage.snapshots.find(second))).toBe(JSON.stringify(snapshotOn(card.id, 1)));
      const secondBasis = await storage.snapshots.findRefreshBasis(second);
      expect(secondBasis?.base).toEqual(basis?.base);
      expect(secondBasis?.fetch).toBeNull();
      expect(secondBasis?.delta?.accounts.map((a) => a.id)).toEqual(snapshotOn(card.id, 1).accounts.map((a) => a.id));

      // The next one is stored against the same base (never a chain of deltas).
      await storage.snapshots.insert(third, card.id, at(2), snapshotOn(card.id, 2), { base: await baseOf(storage, second) });
      expect(JSON.stringify(await storage.snapshots.find(third))).toBe(JSON.stringify(snapshotOn(card.id, 2)));
      expect((await storage.snapshots.findRefreshBasis(third))?.base.id).toBe(first);
    });

    it("stores a snapshot whole when its delta would be large, and it becomes the next base", async () => {
      const card = await newCard(storage);
      const [first, later] = [newRandomId(), newRandomId()];
      await storage.snapshots.insert(first, card.id, at(0), snapshotOn(card.id, 0));
      // 120 days later: a third of the year is new, more than a quarter of the base.
      await storage.snapshots.insert(later, card.id, at(1), snapshotOn(card.id, 120), { base: await baseOf(storage, first) });
      const basis = await storage.snapshots.findRefreshBasis(later);
      expect(basis?.base.id).toBe(later);
      expect(basis?.delta).toBeNull();
      expect(JSON.stringify(await storage.snapshots.find(later))).toBe(JSON.stringify(snapshotOn(card.id, 120)));
    });

    it("an increment is stored as a delta of the base while small, and decoded and whole once it has outgrown it", async () => {
      const card = await newCard(storage);
      const [first, next, later] = [newRandomId(), newRandomId(), newRandomId()];
      await storage.snapshots.insert(first, card.id, at(0), snapshotOn(card.id, 0));
      const basis = (await storage.snapshots.findRefreshBasis(first)) ?? expect.fail("no snapshot");
      /** Day `day`'s snapshot as a nightly refresh fetches it: the sandbox's increment since day 0. */
      const incrementOn = (day: number) => {
        const previous = { basis: fetchBankData("greatday", T0, {}, undefined).basis ?? "", day: T0.toISOString().slice(0, 10) };
        const fetched = fetchBankData("greatday", new Date(T0.getTime() + day * 86_400_000), {}, previous);
        const increment = fetched.increment && snapshotIncrement(basis, fetched.data, fetched.increment, card.id, INDEX_KEY);
        return increment ?? expect.fail("no increment");
      };
      await storage.snapshots.insertIncrement(next, card.id, at(1), incrementOn(1), { basis, fetch: null });
      expect((await storage.snapshots.findRefreshBasis(next))?.base.id).toBe(first);
      expect(JSON.stringify(await storage.snapshots.find(next))).toBe(JSON.stringify(snapshotOn(card.id, 1)));

      await storage.snapshots.insertIncrement(later, card.id, at(2), incrementOn(120), { basis, fetch: null });
      expect((await storage.snapshots.findRefreshBasis(later))?.base.id).toBe(later);
      expect(JSON.stringify(await storage.snapshots.find(later))).toBe(JSON.stringify(snapshotOn(card.id, 120)));
    });

    it("retention keeps a base while a delta of it exists, and deletes it once none does", async () => {
      const card = await newCard(storage);
      const ids = { base: newRandomId(), delta: newRandomId(), current: newRandomId() };
      await storage.snapshots.insert(ids.base, card.id, at(-400), snapshotOn(card.id, 0));
      await storage.snapshots.insert(ids.delta, card.id, at(-300), snapshotOn(card.id, 1), { base: await baseOf(storage, ids.base) });
      await storage.logins.recordRefresh(card.id, { snapshotId: ids.delta, at: at(-300), loginType: "Personal" });
      const present = async () =>
        Object.fromEntries(
          await Promise.all(Object.entries(ids).map(async ([k, id]) => [k, (await storage.snapshots.find(id)) !== undefined])),
        );
      // The base is superseded by the delta, but the card's current snapshot is stored against it.
      expect(await storage.snapshots.deleteSuperseded(at(0), at(0), 500)).toBe(0);
      expect(await present()).toEqual({ base: true, delta: true, current: false });

      // A newer whole snapshot becomes current: the delta goes first, then its base.
      await storage.snapshots.insert(ids.current, card.id, at(-200), snapshotOn(card.id, 2));
      await storage.logins.recordRefresh(card.id, { snapshotId: ids.current, at: at(-200), loginType: "Personal" });
      let deleted = 0;
      for (let round = 0; round < 3; round++) deleted += await storage.snapshots.deleteSuperseded(at(0), at(0), 500);
      expect(deleted).toBe(2);
      expect(await present()).toEqual({ base: false, delta: false, current: true });
    });
  });
});

/** The migrations before 014, as a store written by the previous release ran them. */
const BEFORE_014: Record<string, Migration> = {
  "001-initial": m001,
  "002-attempt-limits": m002,
  "003-jobs": m003,
  "004-card-live-session": m004,
  "005-connect-settings": m005,
  "006-nightly-refresh": m006,
  "007-webhooks": m007,
  "008-institution-memory": m008,
  "009-card-vault": m009,
  "010-lease-holders": m010,
  "011-stored-answers-by-default": m011,
  "012-retention": m012,
  "013-dashboard": m013,
};

describe("migrations 014 and 015 on a store written before them", () => {
  it("read the older whole snapshots unchanged, with no fetch basis and their outlines, and store new deltas against them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bankgate-m014-"));
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(join(dir, "bankgate.sqlite")) }) });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => BEFORE_014 } });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const loginId = newRandomId();
      const old = snapshotOn(loginId, 0);
      // biome-ignore lint/suspicious/noExplicitAny: the row as the previous release wrote it, without 014's columns
      await (db as Kysely<any>)
        .insertInto("snapshots")
        .values({ id: "old", login_id: loginId, created_at: 1, payload: JSON.stringify(old) })
        .execute();
      expect(await migrateToLatest(db)).toEqual(["014-snapshot-deltas", "015-snapshot-outlines"]);
      const storage = new KyselyStorage(db);
      expect(JSON.stringify(await storage.snapshots.find("old"))).toBe(JSON.stringify(old));
      const basis = await storage.snapshots.findRefreshBasis("old");
      expect(basis).toEqual({ fetch: null, base: { id: "old", outline: outlineOf(old, JSON.stringify(old).length) }, delta: null });
      await storage.snapshots.insert("new", loginId, at(1), snapshotOn(loginId, 1), { base: await baseOf(storage, "old") });
      expect((await storage.snapshots.findRefreshBasis("new"))?.base.id).toBe("old");
      expect(JSON.stringify(await storage.snapshots.find("new"))).toBe(JSON.stringify(snapshotOn(loginId, 1)));
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
