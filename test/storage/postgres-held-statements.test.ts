/**
 * On PostgreSQL the statements whose answer is known before it comes — a transaction's BEGIN,
 * and inside it an INSERT of one row — are answered at once and go out with the next
 * statement, in the same socket write (src/storage/postgres-held-statements.ts): a round trip
 * fewer each, the same transaction. Only a read goes with a held BEGIN; a held statement's
 * failure is the next statement's. The first half drives the wrapper with a client whose
 * answers the test releases by hand; the second runs transactions on a real server.
 */
import { sql } from "kysely";
import type { ClientBase } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdStatementsWithKnownAnswers } from "../../src/storage/postgres-held-statements.js";
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
  holdStatementsWithKnownAnswers(client as unknown as ClientBase);
  const query = (text: string) => (client.query as (text: string, values: unknown[]) => Promise<unknown>)(text, []);
  return {
    sent,
    writes,
    query,
    answer: (text: string, answer: object = { rows: [{ text }] }) => answers.get(text)?.resolve(answer),
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

const INSERT_JOB = 'insert into "jobs" ("id", "kind") values ($1, $2)';
const UPDATE_CARD = 'update "logins" set "snapshot_id" = $1 where "id" = $2';

/** A client inside a transaction opened by a read, both answered: the held statements' turn. */
async function inTransaction() {
  const client = handAnsweredClient();
  await client.query("begin");
  const read = client.query("select 1");
  client.answer("begin");
  client.answer("select 1");
  await read;
  return client;
}

describe("a one-row insert inside a transaction, sent with the statement after it", () => {
  it("answers the insert at once and sends it with the next statement in one write", async () => {
    const client = await inTransaction();
    expect(await client.query(INSERT_JOB)).toEqual({ command: "INSERT", rowCount: 1, rows: [] });
    expect(client.writes).toEqual([["begin", "select 1"]]);

    const update = client.query(UPDATE_CARD);
    expect(client.writes).toEqual([
      ["begin", "select 1"],
      [INSERT_JOB, UPDATE_CARD],
    ]);
    client.answer(UPDATE_CARD);
    expect(await settledNow(update)).toBe(false);
    client.answer(INSERT_JOB);
    expect(await update).toEqual({ rows: [{ text: UPDATE_CARD }] });
  });

  it("reports a held insert's failure as the next statement's, a COMMIT's too", async () => {
    const client = await inTransaction();
    await client.query(INSERT_JOB);
    const commit = client.query("commit");
    expect(client.writes.at(-1)).toEqual([INSERT_JOB, "commit"]);
    client.fail(INSERT_JOB, new Error("duplicate key"));
    // PostgreSQL answers the COMMIT of a failed transaction with a rollback, not an error.
    client.answer("commit", { command: "ROLLBACK", rows: [] });
    await expect(commit).rejects.toThrow("duplicate key");
  });

  it("answers a ROLLBACK as itself: the held insert's failure no longer matters", async () => {
    const client = await inTransaction();
    await client.query(INSERT_JOB);
    const rollback = client.query("rollback");
    client.fail(INSERT_JOB, new Error("duplicate key"));
    client.answer("rollback");
    expect(await rollback).toEqual({ rows: [{ text: "rollback" }] });
  });

  it("holds every insert up to the next other statement, and the first failure is reported", async () => {
    const client = await inTransaction();
    const second = 'insert into "sessions" ("id") values ($1)';
    await client.query(INSERT_JOB);
    await client.query(second);
    const commit = client.query("commit");
    expect(client.writes.at(-1)).toEqual([INSERT_JOB, second, "commit"]);
    client.answer(INSERT_JOB);
    client.fail(second, new Error("foreign key"));
    client.answer("commit", { command: "ROLLBACK", rows: [] });
    await expect(commit).rejects.toThrow("foreign key");
  });

  it("sends an insert after a held BEGIN only once BEGIN has answered, then holds it", async () => {
    const client = handAnsweredClient();
    await client.query("begin");
    const insert = client.query(INSERT_JOB);
    expect(client.writes).toEqual([["begin"]]);
    expect(await settledNow(insert)).toBe(false);
    client.answer("begin");
    expect(await insert).toEqual({ command: "INSERT", rowCount: 1, rows: [] });
    client.query("commit");
    expect(client.writes).toEqual([["begin"], [INSERT_JOB, "commit"]]);
  });

  it("never holds an insert outside a transaction, or one whose answer is not known", async () => {
    const client = await inTransaction();
    const unknownAnswers = [
      'insert into "jobs" ("id") values ($1) returning "id"',
      'insert into "jobs" ("id") values ($1) on conflict do nothing',
      'insert into "jobs" ("id") values ($1), ($2)',
      'insert into "jobs" ("id") select "id" from "logins"',
    ];
    for (const text of unknownAnswers) {
      const insert = client.query(text);
      expect(client.writes.at(-1)).toEqual([text]);
      expect(await settledNow(insert)).toBe(false);
      client.answer(text);
      await insert;
    }
    const commit = client.query("commit");
    client.answer("commit");
    await commit;

    const outside = client.query(INSERT_JOB);
    expect(client.writes.at(-1)).toEqual([INSERT_JOB]);
    expect(await settledNow(outside)).toBe(false);
  });
});

describe.skipIf(skipPostgres)("transactions with held statements, on PostgreSQL", () => {
  let store: TestStore;

  beforeAll(async () => {
    store = await createTestStore("postgres", "held");
  });
  afterAll(() => store?.dispose());

  it("a transaction with held inserts is one transaction: its writes commit together, or roll back together", async () => {
    const { db } = await store.open();
    try {
      await sql`create table "held" ("id" int primary key)`.execute(db);
      const inOneTransaction = (ids: number[], thenThrow: boolean) =>
        db.transaction().execute(async (tx) => {
          const started = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx);
          for (const id of ids) await sql`insert into "held" ("id") values (${id})`.execute(tx);
          const ended = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx);
          expect(ended.rows[0]?.xid).toBe(started.rows[0]?.xid);
          if (thenThrow) throw new Error("changed my mind");
        });

      await expect(inOneTransaction([1, 2], true)).rejects.toThrow("changed my mind");
      await inOneTransaction([3, 4], false);
      expect(await storedIds(db)).toEqual([3, 4]);
    } finally {
      await db.destroy();
    }
  });

  it("a held insert that fails fails its transaction, which stores nothing, and the connection serves the next", async () => {
    const { db } = await store.open();
    try {
      await sql`create table "held_once" ("id" int primary key)`.execute(db);
      const insertAll = (ids: number[]) =>
        db.transaction().execute(async (tx) => {
          for (const id of ids) await sql`insert into "held_once" ("id") values (${id})`.execute(tx);
        });
      await insertAll([1]);
      // Reported by the COMMIT the insert went out with; then by the statement after it.
      for (let attempt = 0; attempt < 3; attempt++) await expect(insertAll([2, 1])).rejects.toMatchObject({ code: "23505" });
      await expect(
        db.transaction().execute(async (tx) => {
          await sql`insert into "held_once" ("id") values (${3})`.execute(tx);
          await sql`insert into "held_once" ("id") values (${1})`.execute(tx);
          await sql`update "held_once" set "id" = "id" + 10 where "id" = ${3}`.execute(tx);
        }),
      ).rejects.toMatchObject({ code: "23505" });
      await insertAll([4]);
      expect(await storedIds(db, "held_once")).toEqual([1, 4]);
    } finally {
      await db.destroy();
    }
  });
});

async function storedIds(db: Awaited<ReturnType<TestStore["open"]>>["db"], table = "held"): Promise<number[]> {
  const stored = await sql<{ id: number }>`select "id" from ${sql.table(table)} order by "id"`.execute(db);
  return stored.rows.map((row) => row.id);
}
