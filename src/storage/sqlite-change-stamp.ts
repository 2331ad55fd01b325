import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Where the store stood when a read began: equal stamps, and the store has not changed between them. */
export interface ChangeStamp {
  /** SQLite's `data_version`: moves when another connection, in any process, commits. */
  readonly othersCommits: number;
  /**
   * Statements this connection has run that may change the database (SQLite's `readonly` is
   * false: writes, INSERT … RETURNING included). A transaction's statements count as they run,
   * before its COMMIT, and a rolled-back write has counted already.
   */
  readonly ownWrites: number;
}

/** What the stamp needs of the store: its SQLite handle and whether the connection is free. */
export interface SqliteChangeStampDeps {
  sqlite: { prepare(sql: string): { pluck(): { get(): unknown } } };
  /** A statement run now joins no transaction: none open or shared, nobody waiting, no BEGIN under way (open-database.ts). */
  connectionFree(): boolean;
}

/**
 * Tells a reader whether the SQLite store may have changed since an earlier read, for ~2 µs
 * where the read it saves costs ~10 µs warm and ~35 µs in a busy server (docs/performance.md):
 * another connection's commits move SQLite's `data_version`, and this connection's own
 * statements that may write are counted as they run (the statement cache counts them).
 * A stamp is only given while the connection is idle — no transaction open — so a stamped
 * read never sees a write that is not committed, and no answer rests on one.
 */
export class SqliteChangeStamp {
  #ownWrites = 0;
  readonly #dataVersion: { get(): unknown };

  constructor(private readonly deps: SqliteChangeStampDeps) {
    this.#dataVersion = deps.sqlite.prepare("PRAGMA data_version").pluck();
  }

  /** Called before each statement of this connection that may write. */
  wrote(): void {
    this.#ownWrites++;
  }

  /** The stamp now, or undefined while a transaction is open on the connection. */
  now(): ChangeStamp | undefined {
    if (!this.deps.connectionFree()) return undefined;
    return { othersCommits: this.#dataVersion.get() as number, ownWrites: this.#ownWrites };
  }
}

export function sameStamp(a: ChangeStamp, b: ChangeStamp): boolean {
  return a.othersCommits === b.othersCommits && a.ownWrites === b.ownWrites;
}

/** By the database's adapter, which its transactions share: only a SQLite store has a stamp. */
const stamps = new WeakMap<object, SqliteChangeStamp>();

export function registerChangeStamp(db: Kysely<Database>, stamp: SqliteChangeStamp): void {
  stamps.set(db.getExecutor().adapter, stamp);
}

/** `db`'s stamp now; undefined inside a transaction, on PostgreSQL, or while SQLite's connection is busy. */
export function changeStampOf(db: Kysely<Database>): ChangeStamp | undefined {
  if (db.isTransaction) return undefined;
  return stamps.get(db.getExecutor().adapter)?.now();
}
