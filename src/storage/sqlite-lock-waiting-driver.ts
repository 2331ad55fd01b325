import { setTimeout as sleep } from "node:timers/promises";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

/**
 * Backoff between two tries at a lock another process holds: short at first, never long. A
 * sibling worker's write holds the lock for well under a millisecond, so the first tries come
 * after 1 ms (the timer's resolution) before the pause grows.
 */
const PAUSES_MS = [1, 1, 2, 4, 8, 16, 32];
const LONGEST_PAUSE_MS = 50;

/**
 * Waits for a SQLite lock held by another process without ever blocking the event loop.
 *
 * better-sqlite3 is synchronous: its busy timeout waits for a lock *inside* the call, so a
 * 5 s timeout froze every request of the server for 5 s (a route that never reads the store
 * took 10 s behind a 12 s lock). Here the busy timeout is 0 (open-database.ts): a locked
 * statement fails at once with SQLITE_BUSY, and this driver retries it after a pause on a
 * timer, releasing the connection meanwhile so that other requests' statements — reads
 * work in WAL mode while another process writes — run in between. After `maxWaitMs` the
 * SQLITE_BUSY goes up (a 503 with Retry-After, errors/store-fault.ts).
 *
 * Only work that did nothing yet is retried: a transaction's BEGIN, and a statement outside
 * a transaction (SQLite ran none of it). Transactions begin IMMEDIATE, taking the write lock
 * before their first statement, so no statement inside one meets a lock midway (a deferred
 * transaction upgrading to write gets SQLITE_BUSY without the busy handler ever waiting).
 * Why not the store on a worker thread: docs/performance.md measures the round trip.
 */
export class SqliteLockWaitingDriver implements Driver {
  readonly #connections = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly sqlite: { readonly inTransaction: boolean },
    private readonly maxWaitMs: number,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let outer = this.#connections.get(connection);
    if (!outer) {
      outer = {
        executeQuery: <R>(query: CompiledQuery) =>
          this.#whenUnlocked(
            connection,
            () => connection.executeQuery<R>(query).then((result) => busyCheckpointFails(query, result)),
            () => !this.sqlite.inTransaction,
          ),
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> =>
          connection.streamQuery<R>(query, chunkSize),
        [INNER]: connection,
      } as DatabaseConnection;
      this.#connections.set(connection, outer);
    }
    return outer;
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    const inner = innerOf(connection);
    await this.#whenUnlocked(
      inner,
      () => inner.executeQuery(CompiledQuery.raw("begin immediate")),
      () => true,
    );
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(innerOf(connection));
  }

  /** SQLite already rolled back a transaction whose statement or commit failed for lack of space. */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await this.inner.rollbackTransaction(innerOf(connection));
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.savepoint?.(innerOf(connection), name, compileQuery);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.rollbackToSavepoint?.(innerOf(connection), name, compileQuery);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.releaseSavepoint?.(innerOf(connection), name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  /**
   * Runs `work`; while it fails with SQLITE_BUSY and `retryable()` holds, hands the
   * connection back, pauses and tries again, for at most `maxWaitMs` in all. The wait is
   * measured on the monotonic clock: it is about this machine's locks, not domain time.
   */
  async #whenUnlocked<T>(connection: DatabaseConnection, work: () => Promise<T>, retryable: () => boolean): Promise<T> {
    const deadline = performance.now() + this.maxWaitMs;
    for (let tries = 0; ; tries++) {
      const pauseMs = PAUSES_MS[tries] ?? LONGEST_PAUSE_MS;
      try {
        return await work();
      } catch (error) {
        const remainingMs = deadline - performance.now();
        if (!isBusy(error) || !retryable() || remainingMs <= 0) throw error;
        // The single connection is free for others while this one waits (Kysely's mutex).
        await this.inner.releaseConnection(connection);
        try {
          await sleep(Math.min(pauseMs, remainingMs));
        } finally {
          await this.inner.acquireConnection();
        }
      }
    }
  }
}

/** Checkpoints that need every other connection out of the log (Storage.scrub truncates it). */
const WAITING_CHECKPOINT = /^PRAGMA wal_checkpoint\((TRUNCATE|RESTART|FULL)\)/i;

/**
 * Such a checkpoint does not fail when another process still reads or writes the log (a sibling
 * worker, busy timeout 0): it answers `busy` in its row, having done only part of its work. It
 * is made the SQLITE_BUSY it stands for, so it is waited for like any lock, and fails as a busy
 * store fault past the wait instead of passing for done (a deleted card's bytes left in the log).
 */
function busyCheckpointFails<R>(query: CompiledQuery, result: QueryResult<R>): QueryResult<R> {
  if (WAITING_CHECKPOINT.test(query.sql) && (result.rows[0] as { busy?: number } | undefined)?.busy) {
    throw Object.assign(new Error("the checkpoint met another connection in the write-ahead log"), { code: "SQLITE_BUSY" });
  }
  return result;
}

const INNER = Symbol("inner connection");

function innerOf(connection: DatabaseConnection): DatabaseConnection {
  return (connection as DatabaseConnection & { [INNER]?: DatabaseConnection })[INNER] ?? connection;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
