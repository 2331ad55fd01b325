import { type Kysely, SqliteAdapter } from "kysely";

/** Whether `db` runs on SQLite (one writer at a time, pragmas) rather than PostgreSQL. */
// biome-ignore lint/suspicious/noExplicitAny: any database schema
export function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
