/**
 * On PostgreSQL the store's frequent statements run as named prepared statements, parsed once
 * per connection (src/storage/postgres-statement-names.ts): a text is named from its second
 * run, not at all with BANKGATE_PG_PREPARED_STATEMENTS off, and one whose table changed shape
 * since it was prepared (another node migrated) runs again unnamed at once — or, inside a
 * transaction, fails once as a retryable store fault — and reads the table as it is now.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/open-database.js";
import { isStalePreparedStatement, PostgresStatementNames } from "../../src/storage/postgres-statement-names.js";
import type { Database } from "../../src/storage/schema.js";
import { postgresFaultKind } from "../../src/storage/store-fault-kinds.js";
import { createPostgresDatabase, skipPostgres } from "../helpers/test-store.js";

describe.skipIf(skipPostgres)("PostgreSQL statements prepared once per connection", () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;

  beforeAll(async () => {
    database = await createPostgresDatabase("named");
    dataDir = await mkdtemp(join(tmpdir(), "bankgate-named-"));
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The prepared statements of a transaction's connection, after it ran one parameterized read `runs` times. */
  async function preparedAfter(db: Kysely<Database>, runs: number, value: string): Promise<string[]> {
    return db.transaction().execute(async (tx) => {
      for (let run = 0; run < runs; run++) {
        await sql`select name from server_settings where name = ${value}`.execute(tx);
      }
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(tx);
      return prepared.rows.map((row) => row.statement);
    });
  }

  it("names a statement from its second run, on the connection that runs it", async () => {
    const { db } = await openDatabase({ databaseUrl: database.url, dataDir });
    try {
      // A text of its own: the migrations ran others already.
      expect(await preparedAfter(db, 1, "first")).not.toContain("select name from server_settings where name = $1");
      expect(await preparedAfter(db, 2, "second")).toContain("select name from server_settings where name = $1");
    } finally {
      await db.destroy();
    }
  });

  it("names nothing with the option off", async () => {
    const { db } = await openDatabase({ databaseUrl: database.url, dataDir, preparedStatements: false });
    try {
      expect(await preparedAfter(db, 3, "off")).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("a statement whose table changed shape runs again unnamed; inside a transaction it fails once as a store fault", async () => {
    const client = new pg.Client({ connectionString: database.url });
    const migrator = new pg.Client({ connectionString: database.url });
    await Promise.all([client.connect(), migrator.connect()]);
    try {
      await migrator.query("create table reshaped (id int primary key)");
      await migrator.query("insert into reshaped values (1)");
      new PostgresStatementNames().install(client);
      const read = () => client.query("select * from reshaped where id = $1", [1]);
      const readInTransaction = () => client.query("select * from reshaped where id = $1 and id > 0", [1]);
      for (const run of [read, read, readInTransaction, readInTransaction]) await run(); // named, and prepared on this connection

      await migrator.query("alter table reshaped add column note text default 'new'");
      expect((await read()).rows).toEqual([{ id: 1, note: "new" }]);

      await client.query("begin", []);
      const stale = await readInTransaction().then(
        () => expect.fail("the stale plan ran"),
        (error: unknown) => error,
      );
      await client.query("rollback", []);
      expect(isStalePreparedStatement(stale)).toBe(true);
      expect(postgresFaultKind(stale)).toBe("busy");
      expect((await readInTransaction()).rows).toEqual([{ id: 1, note: "new" }]);
    } finally {
      await Promise.all([client.end(), migrator.end()]);
    }
  });
});
