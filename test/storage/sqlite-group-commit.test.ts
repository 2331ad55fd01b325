/**
 * SQLite transactions that overlap share one COMMIT (sqlite-group-commit-driver.ts), and
 * nothing of that is visible from outside: each transaction's caller hears back only once its
 * writes are durable (a second connection to the file sees them), one that fails rolls back
 * alone, and a statement outside a transaction never answers with a write not yet committed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/open-database.js";
import type { Database } from "../../src/storage/schema.js";

/**
 * Commits better-sqlite3 makes in this process while `work` runs: COMMIT statements, and
 * statements run outside a transaction (each its own commit; a BEGIN is not).
 */
async function countingCommits<T>(work: () => Promise<T>): Promise<{ result: T; commits: number }> {
  const probe = new Sqlite(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  const run = prototype.run;
  let commits = 0;
  prototype.run = function counted(this: { source: string; database: Sqlite.Database }, ...args: unknown[]) {
    const ownCommit = !this.database.inTransaction && !/^\s*begin/i.test(this.source);
    if (ownCommit || /^\s*commit/i.test(this.source)) commits++;
    return run.apply(this, args);
  };
  try {
    return { result: await work(), commits };
  } finally {
    prototype.run = run;
  }
}

describe("SQLite transactions sharing a commit", () => {
  let dataDir: string;
  let db: Kysely<Database>;
  /** Another connection to the same file: what a crash would leave, and what another process sees. */
  let outside: Sqlite.Database;
  const seenOutside = (name: string) => outside.prepare("select value from server_settings where name = ?").get(name) !== undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "bankgate-group-commit-"));
    ({ db } = await openDatabase({ databaseUrl: null, dataDir }));
    outside = new Sqlite(join(dataDir, "bankgate.sqlite"), { readonly: true });
  });
  afterEach(async () => {
    outside.close();
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  const write = (name: string) =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto("server_settings").values({ name, value: "v" }).execute();
      // A turn of the event loop inside the transaction, as a real one awaits its statements.
      await new Promise((resolve) => setImmediate(resolve));
      return name;
    });

  it("answers each only once its writes are durable, with fewer commits than transactions", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const durableAtAnswer: boolean[] = [];
    const { commits } = await countingCommits(() =>
      Promise.all(names.map((name) => write(name).then((done) => durableAtAnswer.push(seenOutside(done))))),
    );
    expect(durableAtAnswer).toEqual(names.map(() => true));
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(names.length);
  });

  it("lets writes outside a transaction share a commit while others wait, each durable at its answer", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const durableAtAnswer: boolean[] = [];
    const { commits } = await countingCommits(() =>
      Promise.all(
        names.map((name) =>
          db
            .insertInto("server_settings")
            .values({ name, value: "v" })
            .execute()
            .then(() => durableAtAnswer.push(seenOutside(name))),
        ),
      ),
    );
    expect(durableAtAnswer).toEqual(names.map(() => true));
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(names.length);
  });

  it("rolls back a write outside a transaction that fails in a group alone", async () => {
    await db.insertInto("server_settings").values({ name: "taken", value: "v" }).execute();
    const insert = (name: string) => db.insertInto("server_settings").values({ name, value: "v" }).execute();
    const results = await Promise.allSettled([insert("a1"), insert("taken"), insert("a2"), write("a3")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(["a1", "a2", "a3"].map(seenOutside)).toEqual([true, true, true]);
  });

  it("undoes the whole of a write outside a transaction that fails midway in a group, and only it", async () => {
    await db
      .insertInto("server_settings")
      .values(["m1", "m2", "kept"].map((name) => ({ name, value: "v" })))
      .execute();
    // Renames m1, then m2 onto a name already taken: the statement fails at its second row.
    const rename = db
      .updateTable("server_settings")
      .set({ name: sql<string>`case name when 'm1' then 'renamed' else 'kept' end` })
      .where("name", "in", ["m1", "m2"])
      .execute();
    const results = await Promise.allSettled([write("first"), rename, write("next")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(["first", "next", "m1", "m2", "kept"].map(seenOutside)).toEqual([true, true, true, true, true]);
    expect(seenOutside("renamed")).toBe(false);
  });

  it("rolls back a failing transaction alone, whichever place it has in the group", async () => {
    const failing = db.transaction().execute(async (trx) => {
      await trx.insertInto("server_settings").values({ name: "bad", value: "v" }).execute();
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error("this one fails");
    });
    const results = await Promise.allSettled([write("before"), failing, write("after"), write("later")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(["before", "bad", "after", "later"].map(seenOutside)).toEqual([true, false, true, true]);
  });

  it("keeps no group open over a BEGIN that waits for another process's lock", async () => {
    const otherProcess = new Sqlite(join(dataDir, "bankgate.sqlite"));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    otherProcess.exec("begin immediate");
    // Waits for the lock on a timer, handing the connection on between its tries.
    const waiting = write("waited");
    await pause(20);
    otherProcess.exec("commit");
    otherProcess.close();
    // Opens a group at once and holds it while the waiting BEGIN queues for the connection
    // (its next try comes ~30 ms after it started), then a third caller queues behind it.
    const long = db.transaction().execute(async (trx) => {
      await trx.insertInto("server_settings").values({ name: "long", value: "v" }).execute();
      await pause(80);
    });
    await pause(40);
    const third = write("third");
    await expect(Promise.all([waiting, long, third])).resolves.toBeDefined();
    expect(["waited", "long", "third"].map(seenOutside)).toEqual([true, true, true]);
  });

  it("answers a statement outside a transaction with committed writes only", async () => {
    const reads: Array<{ inside: number; outside: number }> = [];
    const count = async () => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from server_settings where name like 'r%'`.execute(db);
      reads.push({
        inside: rows[0]?.n ?? -1,
        outside: Number(outside.prepare("select count(*) as n from server_settings where name like 'r%'").pluck().get()),
      });
    };
    await Promise.all([write("r1"), count(), write("r2"), count(), write("r3"), count()]);
    for (const read of reads) expect(read.inside).toBe(read.outside);
    expect(reads.at(-1)?.inside).toBeGreaterThan(0);
  });
});
