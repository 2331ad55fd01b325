import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrate.js";
import type { Database } from "./schema.js";

export type StoreKind = "sqlite" | "postgres";

export interface OpenedDatabase {
  db: Kysely<Database>;
  kind: StoreKind;
}

/** DATABASE_URL=postgres://… selects PostgreSQL; otherwise the embedded SQLite file. */
export async function openDatabase(options: { databaseUrl: string | null; dataDir: string }): Promise<OpenedDatabase> {
  const opened = options.databaseUrl
    ? { db: openPostgres(options.databaseUrl), kind: "postgres" as const }
    : { db: openSqlite(options.dataDir), kind: "sqlite" as const };
  await migrateToLatest(opened.db);
  return opened;
}

function openSqlite(dataDir: string): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new SqliteDatabase(join(dataDir, "bankgate.sqlite"));
  // WAL + NORMAL: a commit survives a killed process (the WAL is in the OS cache); the
  // busy timeout lets a second process wait for the write lock instead of failing.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

const INT8_OID = 20;

function openPostgres(connectionString: string): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // Epoch-millisecond timestamps are bigint columns; they fit a JS number exactly.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
