/**
 * On PostgreSQL a transaction's BEGIN goes out with its first statement, in the same socket
 * write, when that statement only reads (src/storage/postgres-pipelined-begin.ts): one round
 * trip fewer, the same transaction. A first statement that writes still waits for BEGIN's
 * answer, and BEGIN's failure is the next statement's. The first half drives the wrapper with a client whose
 * answers the test releases by hand; the second runs transactions on a real server.
 */
import { sql } from "kysely";
import type { ClientBase } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipelineTransactionStarts } from "../../src/storage/postgres-pipelined-begin.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

/**
 * A client that records what it was sent, in order and by socket write (statements queued while
 * its socket is corked leave together when it is uncorked), and answers only when told to.
 */
function handAnsweredClient() {
  const sent: string[] = [];
  const writes: string[][] = [];
  let corked = 0;
  let queued: string[] = [];
  const answers = new Map<string, { resolve(value: unknown): void; reject(error: unknown): void }>();
  const stream = {
    cork: () => corked++,
    uncork() {
      corked--;
      if (corked > 0) return;
      if (queued.length > 0) writes.push(queued);
      queued = [];
    },
  };
  const client = {
    connection: { stream },
    query(text: string) {
      sent.push(text);
      if (corked > 0) queued.push(text);
      else writes.push([text]);
      return new Promise((resolve, reject) => answers.set(text, { resolve, reject }));
    },
  };
  pipelineTransactionStarts(client as unknown as ClientBase);
  const query = (text: string) => (client.query as (text: string, values: unknown[]) => Promise<unknown>)(text, []);
  return {
    sent,
    writes,
    query,
    answer: (text: string) => answers.get(text)?.resolve({ rows: [{ text }] }),
    fail: (text: string, error: Error) => answers.get(text)?.reject(error),
  };
}

/** Whether `promise` has settled once the microtasks queued now have run (no I/O happens meanwhile). */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
  return settled;
}

describe("a transaction's BEGIN sent with its first read", () => {
  it("answers BEGIN at once and sends it with a first read in one write, the read answered after BEGIN", async () => {
    const client = handAnsweredClient();
    const begin = client.query("begin");
    expect(await settledNow(begin)).toBe(true);
    expect(client.sent).toEqual([]);
    const read = client.query("select * from logins where id = $1 for no key update");
    expect(client.writes).toEqual([["begin", "select * from logins where id = $1 for no key update"]]);

    client.answer("select * from logins where id = $1 for no key update");
    expect(await settledNow(read)).toBe(false);
    client.answer("begin");
    expect(await read).toEqual({ rows: [{ text: "select * from logins where id = $1 for no key update" }] });
  });

  it("sends a first write only once BEGIN has answered", async () => {
    const client = handAnsweredClient();
    await client.query("begin");
    const write = client.query("update logins set tag = $1");
    expect(await settledNow(write)).toBe(false);
    expect(client.sent).toEqual(["begin"]);

    client.answer("begin");
    await settledNow(write);
    expect(client.writes).toEqual([["begin"], ["update logins set tag = $1"]]);
    client.answer("update logins set tag = $1");
    await write;
  });

  it("reports a failed BEGIN as the first statement's failure, and never sends a write after it", async () => {
    const reading = handAnsweredClient();
    await reading.query("begin");
    const read = reading.query("select 1");
    reading.fail("begin", new Error("begin failed"));
    reading.answer("select 1");
    await expect(read).rejects.toThrow("begin failed");

    const writing = handAnsweredClient();
    await writing.query("begin");
    const write = writing.query("insert into logins values ($1)");
    writing.fail("begin", new Error("begin failed"));
    await expect(write).rejects.toThrow("begin failed");
    expect(writing.sent).toEqual(["begin"]);
  });

  it("leaves every other statement alone: sent at once, its own answer", async () => {
    const client = handAnsweredClient();
    const read = client.query("select 2");
    const commit = client.query("commit");
    expect(client.sent).toEqual(["select 2", "commit"]);
    client.answer("select 2");
    expect(await read).toEqual({ rows: [{ text: "select 2" }] });
    expect(await settledNow(commit)).toBe(false);
  });
});

describe.skipIf(skipPostgres)("transactions opened with a pipelined BEGIN, on PostgreSQL", () => {
  let store: TestStore;

  beforeAll(async () => {
    store = await createTestStore("postgres", "pipelined");
  });
  afterAll(() => store?.dispose());

  it("a transaction opened by a read is one transaction: its writes commit together, or roll back together", async () => {
    const { db } = await store.open();
    try {
      await sql`create table pipelined (id int primary key)`.execute(db);
      const inOneTransaction = (ids: number[], thenThrow: boolean) =>
        db.transaction().execute(async (tx) => {
          const started = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx);
          for (const id of ids) await sql`insert into pipelined values (${id})`.execute(tx);
          const ended = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx);
          expect(ended.rows[0]?.xid).toBe(started.rows[0]?.xid);
          if (thenThrow) throw new Error("changed my mind");
        });

      await expect(inOneTransaction([1, 2], true)).rejects.toThrow("changed my mind");
      await inOneTransaction([3, 4], false);
      const stored = await sql<{ id: number }>`select id from pipelined order by id`.execute(db);
      expect(stored.rows.map((row) => row.id)).toEqual([3, 4]);
    } finally {
      await db.destroy();
    }
  });
});
