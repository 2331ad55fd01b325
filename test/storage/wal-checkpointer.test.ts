/**
 * SQLite's write-ahead log is copied into the database file by a worker thread
 * (src/storage/wal-checkpointer.ts), not by the server's connection inside its COMMITs, where
 * the copy held every request in flight on the event loop.
 */
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/storage/open-database.js";
import type { Database } from "../../src/storage/schema.js";

describe("the write-ahead log's checkpoints", () => {
  let dataDir: string;
  let db: Kysely<Database>;
  let closed: boolean;
  const fileBytes = (name: string) => statSync(join(dataDir, name)).size;
  const serverCheckpointsPast = async () =>
    (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db)).rows[0]?.wal_autocheckpoint ?? 0;
  /** The worker starts a second after the store opens and then takes the checkpoints over. */
  const workerRuns = () =>
    vi.waitFor(async () => expect(await serverCheckpointsPast()).toBeGreaterThanOrEqual(10_000), { timeout: 10_000, interval: 20 });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "bankgate-checkpointer-"));
    ({ db } = await openDatabase({ databaseUrl: null, dataDir }));
    closed = false;
  });
  afterEach(async () => {
    if (!closed) await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("run off the server's connection: its COMMITs leave the log to the worker, which copies it into the file", async () => {
    // SQLite's default is 1,000 pages, a COMMIT past them checkpointing on the event loop.
    await workerRuns();

    const before = fileBytes("bankgate.sqlite");
    // ~2,000 log pages: past SQLite's default, well short of the server's own threshold.
    for (let i = 0; i < 200; i++) {
      await db
        .insertInto("server_settings")
        .values(Array.from({ length: 10 }, (_, j) => ({ name: `k${i}-${j}`, value: "v".repeat(3_000) })))
        .execute();
    }
    await vi.waitFor(() => expect(fileBytes("bankgate.sqlite")).toBeGreaterThan(before + 5_000_000), { timeout: 10_000, interval: 20 });
  });

  it("close before the server's connection, which closes last and leaves no log behind", async () => {
    await workerRuns();
    await db.insertInto("server_settings").values({ name: "k", value: "v" }).execute();
    expect(existsSync(join(dataDir, "bankgate.sqlite-wal"))).toBe(true);

    await db.destroy();
    closed = true;
    // The last connection to close checkpoints the log and deletes it and its -shm file: had
    // the worker's closed after the server's, both would still be there now, and vanish later.
    expect(existsSync(join(dataDir, "bankgate.sqlite-wal"))).toBe(false);
    expect(existsSync(join(dataDir, "bankgate.sqlite-shm"))).toBe(false);

    // A store reopened at once finds what was written.
    ({ db } = await openDatabase({ databaseUrl: null, dataDir }));
    closed = false;
    const row = await db.selectFrom("server_settings").select("value").where("name", "=", "k").executeTakeFirst();
    expect(row?.value).toBe("v");
  });
});
