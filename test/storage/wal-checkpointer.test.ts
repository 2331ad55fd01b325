/**
 * SQLite's write-ahead log is copied into the database file by a worker thread
 * (src/storage/wal-checkpointer.ts), not by the server's connection inside its COMMITs, where
 * the copy held every request in flight on the event loop.
 */
import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/open-database.js";
import type { Database } from "../../src/storage/schema.js";

/** Polls `condition` every 20 ms until it holds, for at most `limitMs`; whether it came to hold. */
async function eventually(condition: () => boolean | Promise<boolean>, limitMs: number): Promise<boolean> {
  for (const deadline = Date.now() + limitMs; Date.now() < deadline; ) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe("the write-ahead log's checkpoints", () => {
  let dataDir: string;
  let db: Kysely<Database>;
  const fileBytes = (name: string) => statSync(join(dataDir, name)).size;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "bankgate-checkpointer-"));
    ({ db } = await openDatabase({ databaseUrl: null, dataDir }));
  });
  afterEach(async () => {
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("run off the server's connection: its COMMITs leave the log to the worker, which copies it into the file", async () => {
    const serverCheckpointsPast = async () =>
      (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db)).rows[0]?.wal_autocheckpoint ?? 0;
    // SQLite's default is 1,000 pages, a COMMIT past them checkpointing on the event loop; the
    // worker, once started (a second after the store opens), takes the checkpoints over.
    expect(await eventually(async () => (await serverCheckpointsPast()) >= 10_000, 10_000)).toBe(true);

    const before = fileBytes("bankgate.sqlite");
    // ~2,000 log pages: past SQLite's default, well short of the server's own threshold.
    for (let i = 0; i < 200; i++) {
      await db
        .insertInto("server_settings")
        .values(Array.from({ length: 10 }, (_, j) => ({ name: `k${i}-${j}`, value: "v".repeat(3_000) })))
        .execute();
    }
    expect(await eventually(() => fileBytes("bankgate.sqlite") > before + 5_000_000, 10_000)).toBe(true);
  });
});
