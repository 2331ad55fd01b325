/**
 * A locked or unreachable store is a StoreFaultError (src/errors/store-fault.ts) after a
 * bounded wait, and the wait never blocks the event loop: on SQLite another process (the
 * sqlite3 CLI) holds the write lock; on PostgreSQL another session holds a table lock, or the
 * server is not there at all. The HTTP answers (503, Retry-After) are in test/process/.
 */
import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StoreFaultError } from "../../src/errors/store-fault.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { freePort } from "../helpers/free-port.js";
import { holdSqliteWriteLock, type SqliteLockHolder } from "../helpers/sqlite-lock-holder.js";
import { createPostgresDatabase, skipPostgres } from "../helpers/test-store.js";

const WAIT_MS = 300;

/** What settles first: `work` (ok or failed) or a timer queued after it started — a blocked event loop runs the timer last. */
async function firstToSettle(work: Promise<unknown>): Promise<"work" | "timer"> {
  const timer = new Promise<"timer">((resolve) => setTimeout(() => resolve("timer"), 0));
  return Promise.race([
    work.then(
      () => "work" as const,
      () => "work" as const,
    ),
    timer,
  ]);
}

async function expectFault(work: Promise<unknown>, kind: StoreFaultError["kind"]): Promise<void> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreFaultError);
  expect((error as StoreFaultError).kind).toBe(kind);
}

describe("SQLite locked by another process", () => {
  let dataDir: string;
  let storage: Storage;
  let holder: SqliteLockHolder | null = null;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "bankgate-locked-"));
    storage = new KyselyStorage((await openDatabase({ databaseUrl: null, dataDir, waitMs: WAIT_MS })).db);
    await storage.settings.getOrInit("before-the-lock", "1");
  });
  afterEach(() => releaseLock());
  afterAll(async () => {
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The sqlite3 CLI takes the write lock and keeps it until releaseLock. */
  async function holdLock(): Promise<void> {
    holder = await holdSqliteWriteLock(join(dataDir, "bankgate.sqlite"), "INSERT INTO server_settings VALUES ('held', 'x')");
  }

  async function releaseLock(): Promise<void> {
    const held = holder;
    holder = null;
    await held?.release();
  }

  it("fails a write with a busy fault after the bounded wait, without blocking the event loop", async () => {
    await holdLock();
    const write = storage.settings.getOrInit("during-the-lock", "1");
    expect(await firstToSettle(write)).toBe("timer");
    await expectFault(write, "busy");
    await expectFault(
      storage.transaction((tx) => tx.settings.getOrInit("in-a-transaction", "1")),
      "busy",
    );
  });

  it("still reads while another process writes (WAL)", async () => {
    await holdLock();
    expect(await storage.customers.find("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("truncates the log (Storage.scrub) only once another process has let go of it, waiting without blocking", async () => {
    const patient = new KyselyStorage((await openDatabase({ databaseUrl: null, dataDir, waitMs: 60_000 })).db);
    try {
      await patient.settings.getOrInit("in-the-log", "1");
      await holdLock();
      const scrub = patient.scrub();
      expect(await firstToSettle(scrub)).toBe("timer");
      await releaseLock();
      await scrub;
      expect(statSync(join(dataDir, "bankgate.sqlite-wal")).size).toBe(0);
    } finally {
      await patient.close();
    }
  });

  it("fails a scrub with a busy fault after the bounded wait rather than leave the log behind", async () => {
    await holdLock();
    await expectFault(storage.scrub(), "busy");
  });

  it("completes a write that was waiting when the lock is released", async () => {
    const patient = new KyselyStorage((await openDatabase({ databaseUrl: null, dataDir, waitMs: 60_000 })).db);
    try {
      await holdLock();
      const write = patient.transaction((tx) => tx.settings.getOrInit("after-the-lock", "kept"));
      expect(await firstToSettle(write)).toBe("timer");
      await releaseLock();
      expect(await write).toBe("kept");
      expect(await storage.settings.getOrInit("after-the-lock", "other")).toBe("kept");
    } finally {
      await patient.close();
    }
  });
});

describe.skipIf(skipPostgres)("PostgreSQL locked or unreachable", () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let storage: Storage;
  let locker: pg.Client | null = null;

  beforeAll(async () => {
    database = await createPostgresDatabase("faults");
    storage = new KyselyStorage((await openDatabase({ databaseUrl: database.url, dataDir: tmpdir(), waitMs: WAIT_MS })).db);
  });
  afterEach(async () => {
    await locker?.query("ROLLBACK").catch(() => {});
    await locker?.end();
    locker = null;
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it("fails a statement with a busy fault once lock_timeout has passed", async () => {
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE server_settings IN ACCESS EXCLUSIVE MODE");
    const write = storage.settings.getOrInit("during-the-lock", "1");
    expect(await firstToSettle(write)).toBe("timer");
    await expectFault(write, "busy");
    await locker.query("ROLLBACK");
    expect(await storage.settings.getOrInit("during-the-lock", "1")).toBe("1");
  });

  it("fails with an unreachable fault when no server listens", async () => {
    const url = new URL(database.url);
    url.port = String(await freePort("127.0.0.1"));
    await expectFault(openDatabase({ databaseUrl: url.toString(), dataDir: tmpdir(), waitMs: WAIT_MS }), "unreachable");
  });
});
