/**
 * The retention methods of the storage ports (docs/decisions.md, "Retention"), proven once
 * against both stores: each deletes exactly what its window no longer keeps, at most `limit`
 * rows per call, and never what something still uses (a card's current snapshot, one a live
 * session reads, a pending webhook event, a card's own vault value). Then SQLite's free pages:
 * a file bankgate creates hands them back to the file system; PostgreSQL says it cannot.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRandomId } from "../../src/lib/ids.js";
import type { Session } from "../../src/records/session.js";
import type { Snapshot } from "../../src/records/snapshot.js";
import { openDatabase } from "../../src/storage/open-database.js";
import type { Database, JobRow } from "../../src/storage/schema.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const EMPTY_SNAPSHOT: Snapshot = { loginType: "Personal", holder: null, accounts: [] } as unknown as Snapshot;

function session(overrides: Partial<Session>): Session {
  return {
    requestId: newRandomId(),
    customerId: newRandomId(),
    loginId: null,
    institution: "FlinksCapital",
    mode: "cached",
    state: "authorized",
    language: "en",
    save: false,
    tag: null,
    scheduleRefresh: false,
    challenges: null,
    connectorStateEnc: null,
    credentialsEnc: null,
    attemptsLeft: 3,
    errorCode: null,
    snapshotId: null,
    authorizeTokenHash: null,
    version: 1,
    leaseUntil: null,
    leaseHolder: null,
    createdAt: at(-1000),
    lastActivityAt: at(-1000),
    expiresAt: at(0),
    absoluteExpiresAt: at(800),
    ...overrides,
  };
}

/** A SQLite file's page size: 2 KB in a file bankgate creates (open-database.ts). */
async function pageBytes(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ page_size: number }>`pragma page_size`.execute(db);
  return Number(rows[0]?.page_size);
}

function job(state: JobRow["state"], updatedAt: Date): JobRow {
  return {
    id: newRandomId(),
    kind: "aggregate",
    payload_enc: "",
    singleton_key: null,
    state,
    attempts: 1,
    max_attempts: 3,
    run_at: updatedAt.getTime() - 1000,
    locked_until: null,
    locked_by: null,
    last_error: null,
    created_at: updatedAt.getTime() - 1000,
    updated_at: updatedAt.getTime(),
  };
}

describe.each(["sqlite", "postgres"] as const)("retention: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let db: Kysely<Database>;
    let storage: Storage;

    beforeAll(async () => {
      testStore = await createTestStore(store, "retention");
      db = (await testStore.open()).db;
      storage = new KyselyStorage(db);
    });
    afterAll(async () => {
      await storage.close();
      await testStore.dispose();
    });

    const exists = async (s: Session) => (await storage.sessions.find(s.customerId, s.requestId)) !== undefined;

    it("sessions: deletes those expired before the cutoff (not at it), at most `limit` per call", async () => {
      const customerId = newRandomId();
      const old = [1, 2, 3].map((n) => session({ customerId, expiresAt: at(-100 - n) }));
      const atCutoff = session({ customerId, expiresAt: at(-100) });
      const live = session({ customerId, expiresAt: at(500) });
      for (const s of [...old, atCutoff, live]) await storage.sessions.insert(s);

      expect(await storage.sessions.deleteExpired(at(-100), 2)).toBe(2);
      expect(await storage.sessions.deleteExpired(at(-100), 2)).toBe(1);
      expect(await storage.sessions.deleteExpired(at(-100), 2)).toBe(0);
      expect(await Promise.all(old.map(exists))).toEqual([false, false, false]);
      expect(await exists(atCutoff)).toBe(true);
      expect(await exists(live)).toBe(true);
    });

    it("authorize tokens: deletes used and unused tokens expired before the cutoff", async () => {
      const customerId = newRandomId();
      const [unused, used, fresh] = [randomBytes(32).toString("hex"), randomBytes(32).toString("hex"), randomBytes(32).toString("hex")];
      await storage.authorizeTokens.insert(unused, customerId, at(-10));
      await storage.authorizeTokens.insert(used, customerId, at(-10));
      await storage.authorizeTokens.consume(used, customerId, newRandomId(), at(-20));
      await storage.authorizeTokens.insert(fresh, customerId, at(10));
      expect(await storage.authorizeTokens.deleteExpired(at(0), 500)).toBeGreaterThanOrEqual(2);
      expect(await storage.authorizeTokens.boundRequestId(fresh, customerId, at(0))).toBeNull();
      expect(await storage.authorizeTokens.boundRequestId(unused, customerId, at(-20))).toBeUndefined();
      expect(await storage.authorizeTokens.boundRequestId(used, customerId, at(-20))).toBeUndefined();
    });

    it("jobs: deletes done and failed jobs finished before the cutoff; queued, running and recent ones stay", async () => {
      const rows = [job("done", at(-50)), job("failed", at(-50)), job("queued", at(-50)), job("running", at(-50)), job("done", at(50))];
      for (const row of rows) await storage.jobs.insert(row);
      expect(await storage.jobs.deleteFinished(at(0), 500)).toBeGreaterThanOrEqual(2);
      const left = await Promise.all(rows.map(async (row) => (await storage.jobs.find(row.id))?.state ?? "gone"));
      expect(left).toEqual(["gone", "gone", "queued", "running", "done"]);
    });

    it("snapshots: keeps the card's current one and any an unexpired session reads; deletes the rest superseded before the cutoff", async () => {
      const card = await storage.logins.findOrCreate({
        id: newRandomId(),
        customerId: newRandomId(),
        lookupHash: randomBytes(32).toString("hex"),
        institution: "FlinksCapital",
        language: "en",
        usernameEnc: "sealed",
        loginType: "Personal",
        createdAt: at(-1000),
      });
      const ids = { s1: newRandomId(), s2: newRandomId(), s3: newRandomId(), s4: newRandomId() };
      await storage.snapshots.insert(ids.s1, card.id, at(-400), EMPTY_SNAPSHOT);
      await storage.snapshots.insert(ids.s2, card.id, at(-300), EMPTY_SNAPSHOT);
      await storage.snapshots.insert(ids.s3, card.id, at(-200), EMPTY_SNAPSHOT);
      // s4 is newer but not published (its aggregation never switched the card): s3 stays current.
      await storage.snapshots.insert(ids.s4, card.id, at(-100), EMPTY_SNAPSHOT);
      await storage.logins.recordRefresh(card.id, { snapshotId: ids.s3, at: at(-200), loginType: "Personal" });
      const reader = session({ customerId: card.customerId, loginId: card.id, snapshotId: ids.s1, expiresAt: at(60) });
      await storage.sessions.insert(reader);

      // Superseded before -150: s1 (by s2 at -300) and s2 (by s3 at -200); s1 is still read.
      expect(await storage.snapshots.deleteSuperseded(at(-250), at(0), 500)).toBe(0);
      expect(await storage.snapshots.deleteSuperseded(at(-150), at(0), 500)).toBe(1);
      const present = async () =>
        Object.fromEntries(
          await Promise.all(Object.entries(ids).map(async ([k, id]) => [k, (await storage.snapshots.find(id)) !== undefined])),
        );
      expect(await present()).toEqual({ s1: true, s2: false, s3: true, s4: true });

      // Once the reader has expired, s1 goes too; s3 stays current although s4 superseded it.
      expect(await storage.snapshots.deleteSuperseded(at(0), at(60), 500)).toBe(1);
      expect(await present()).toEqual({ s1: false, s2: false, s3: true, s4: true });
    });

    it("webhook log: deletes settled events created before the cutoff with their attempts; pending ones stay", async () => {
      const customerId = newRandomId();
      const event = (state: "pending" | "delivered" | "failed", createdAt: Date) => ({
        id: newRandomId(),
        customer_id: customerId,
        type: "KYC",
        login_id: null,
        body_enc: "sealed",
        state,
        created_at: createdAt.getTime(),
        delivered_at: state === "delivered" ? createdAt.getTime() : null,
      });
      const events = [event("delivered", at(-100)), event("failed", at(-100)), event("pending", at(-100)), event("delivered", at(100))];
      for (const e of events) {
        await storage.webhooks.insertEvent(e);
        await storage.webhooks.insertAttempt({ event_id: e.id, attempted_at: e.created_at, status_code: 500, duration_ms: 3, error: null });
      }
      expect(await storage.transaction((tx) => tx.webhooks.deleteSettledEvents(at(0), 500))).toBeGreaterThanOrEqual(2);
      const kept = await storage.webhooks.listEvents(customerId, { limit: 10 });
      expect(kept.map((e) => e.state).sort()).toEqual(["delivered", "pending"]);
      expect((await storage.webhooks.listAttempts(events.map((e) => e.id))).map((a) => a.event_id).sort()).toEqual(
        [events[2]?.id, events[3]?.id].sort(),
      );
    });

    it("card vault: deletes values of logins that never became a card, once old enough; a card's own value stays", async () => {
      const customerId = newRandomId();
      const orphanOld = randomBytes(32).toString("hex");
      const orphanNew = randomBytes(32).toString("hex");
      const cardsOwn = randomBytes(32).toString("hex");
      await storage.cardVault.write(orphanOld, customerId, "sealed", at(-100));
      await storage.cardVault.write(orphanNew, customerId, "sealed", at(100));
      await storage.cardVault.write(cardsOwn, customerId, "sealed", at(-100));
      await storage.logins.findOrCreate({
        id: newRandomId(),
        customerId,
        lookupHash: cardsOwn,
        institution: "FlinksCapital",
        language: "en",
        usernameEnc: "sealed",
        loginType: "Personal",
        createdAt: at(-100),
      });
      expect(await storage.cardVault.deleteOrphans(at(0), 500)).toBeGreaterThanOrEqual(1);
      expect(await storage.cardVault.read(orphanOld)).toBeUndefined();
      expect(await storage.cardVault.read(orphanNew)).toBe("sealed");
      expect(await storage.cardVault.read(cardsOwn)).toBe("sealed");
    });

    it("attempt counters: deleteExpired with a limit deletes in batches", async () => {
      for (let n = 0; n < 3; n++) {
        await storage.attempts.insertIfAbsent({
          subjectKey: `credentials:${newRandomId()}`,
          failuresAt: [],
          pending: [],
          lockedUntil: null,
          lockCount: 0,
          version: 1,
          retainUntil: at(-10),
        });
      }
      expect(await storage.attempts.deleteExpired(at(0), 2)).toBe(2);
      expect(await storage.attempts.deleteExpired(at(0), 2)).toBeGreaterThanOrEqual(1);
      expect(await storage.attempts.deleteExpired(at(0), 2)).toBe(0);
    });

    it.runIf(store === "sqlite")("a file bankgate creates hands deleted pages back to the file system", async () => {
      expect(await storage.space.canReclaim()).toBe(true);
      expect(await pageBytes(db)).toBe(2048);
      const customerId = newRandomId();
      const tag = "x".repeat(2_000);
      for (let n = 0; n < 2_000; n++) await storage.sessions.insert(session({ customerId, tag, expiresAt: at(-5_000) }));
      for (let deleted = 1; deleted > 0; ) deleted = await storage.sessions.deleteExpired(at(-4_000), 500);
      const free = (await storage.space.freePages()) ?? 0;
      expect(free).toBeGreaterThan(500);
      let reclaimed = 0;
      for (let step = 0; step < 100 && (await storage.space.freePages()) !== 0; step++) reclaimed += await storage.space.reclaim(256);
      expect(reclaimed).toBe(free);
      expect(await storage.space.freePages()).toBe(0);
    });

    it.runIf(store === "postgres")("PostgreSQL gives nothing back online (autovacuum makes the space reusable)", async () => {
      expect(await storage.space.canReclaim()).toBe(false);
      expect(await storage.space.freePages()).toBeNull();
      expect(await storage.space.reclaim(100)).toBe(0);
    });
  });
});

describe("an SQLite file created before incremental auto-vacuum", () => {
  it("keeps working: nothing is handed back, and deleted pages are reused by later writes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bankgate-legacy-"));
    // A file as older bankgate versions left it: a table created with auto_vacuum off.
    const legacy = new SqliteDatabase(join(dataDir, "bankgate.sqlite"));
    legacy.exec("create table legacy_marker (x integer)");
    legacy.close();
    const { db } = await openDatabase({ databaseUrl: null, dataDir });
    const storage = new KyselyStorage(db);
    try {
      expect(await storage.space.canReclaim()).toBe(false);
      expect(await pageBytes(db)).toBe(4096); // SQLite's default then: an existing file keeps its pages
      const customerId = newRandomId();
      const fill = async () => {
        for (let n = 0; n < 500; n++) await storage.sessions.insert(session({ customerId, tag: "x".repeat(2_000), expiresAt: at(-5_000) }));
      };
      await fill();
      for (let deleted = 1; deleted > 0; ) deleted = await storage.sessions.deleteExpired(at(-4_000), 500);
      const free = (await storage.space.freePages()) ?? 0;
      expect(free).toBeGreaterThan(200);
      expect(await storage.space.reclaim(1_000)).toBe(0);
      await fill();
      expect(await storage.space.freePages()).toBeLessThan(free / 4);
    } finally {
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
