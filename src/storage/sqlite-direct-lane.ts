import type { CompiledQuery, QueryResult, SqliteStatement } from "kysely";
import type { DirectLane } from "./direct-lane.js";
import { translatedFault } from "./fault-translating-driver.js";
import { writes } from "./sqlite-group-commit-driver.js";
import type { StoreFaultClassifier } from "./store-fault-kinds.js";

/** What the lane needs of the store: its SQLite handle's state and the prepared statements the driver shares. */
export interface SqliteDirectLaneDeps {
  sqlite: { readonly inTransaction: boolean };
  prepare(sql: string): SqliteStatement;
  /** A statement run now joins no transaction: none open or shared, nobody waiting, no BEGIN under way (open-database.ts). */
  connectionFree(): boolean;
  classify: StoreFaultClassifier;
}

/**
 * Runs a compiled statement straight on the SQLite handle instead of through Kysely's executor
 * and the store's drivers, where that gives the drivers' own result. The layers cost ~8–13 µs
 * a statement (promises, a connection wrapper and its weak-map entries per acquisition) — as
 * much as SQLite's own work for a read by key — and a nightly login runs ~30 statements
 * (docs/performance.md). better-sqlite3 runs a statement synchronously, so no other caller's
 * work interleaves with it.
 *
 * - Inside a transaction the transaction holds the connection, and the drivers only
 *   translate a fault: the lane does the same.
 * - Outside one, a read, only while SQLite has no transaction open, no caller waits for the
 *   connection and no BEGIN is under way: there is no group for it to commit. A read SQLite
 *   refuses then goes through the drivers, which wait out another process's lock or translate
 *   the fault. A write outside a transaction always takes the drivers' way: it joins the
 *   group of whatever transactions pile up meanwhile rather than committing alone (run here,
 *   a nightly login's three such writes committed alone: 3.88 commits a login, not 1.25).
 */
export class SqliteDirectLane implements DirectLane {
  constructor(private readonly deps: SqliteDirectLaneDeps) {}

  run<R>(query: CompiledQuery<R>, inTransaction: boolean): QueryResult<R> | undefined {
    return inTransaction ? this.#runInTransaction(query) : this.#tryRun(query);
  }

  /** A read's result outside a transaction, or undefined when it must go through the drivers. */
  #tryRun<R>(query: CompiledQuery<R>): QueryResult<R> | undefined {
    if (writes(query) || !this.deps.connectionFree()) return undefined;
    try {
      return this.#run(query);
    } catch {
      return undefined;
    }
  }

  /** The statement's result inside the caller's transaction; undefined if SQLite has none open (the drivers decide then). */
  #runInTransaction<R>(query: CompiledQuery<R>): QueryResult<R> | undefined {
    if (!this.deps.sqlite.inTransaction) return undefined;
    try {
      return this.#run(query);
    } catch (error) {
      throw translatedFault(error, this.deps.classify);
    }
  }

  #run<R>(query: CompiledQuery<R>): QueryResult<R> {
    const statement = this.deps.prepare(query.sql);
    if (statement.reader) return { rows: statement.all(query.parameters) as R[] };
    return { rows: [], numAffectedRows: BigInt(statement.run(query.parameters).changes) };
  }
}
