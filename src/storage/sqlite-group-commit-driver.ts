import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

/** At most this many transactions share one commit: bounds how long their callers wait. */
const MAX_MEMBERS = 32;

const MEMBER = "bankgate_group_member";

interface Acquisition extends DatabaseConnection {
  readonly inner: DatabaseConnection;
  /**
   * What this acquisition runs in the shared transaction: the transaction that began it, a
   * transaction inside it (a savepoint), or one statement joining it (no savepoint needed).
   */
  member: "first" | "nested" | "statement" | null;
  /** Handed the connection on before its commit: Kysely's release of it is already done. */
  releasedEarly: boolean;
}

interface Waiting {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit of SQLite transactions: a transaction that ends while another caller waits for
 * the connection leaves the shared transaction open for it, and its caller hears back only
 * after the COMMIT that holds its writes — durable before the answer, as with one commit each.
 * Every transaction after the first runs as a SAVEPOINT inside the shared one, so one that
 * fails rolls back alone. A write outside a transaction joins the group as a transaction of
 * one statement when a group is open or others wait (#asMember); otherwise it commits alone.
 * A read outside a transaction runs in the open group and commits it before its caller hears
 * back, so no answer ever rests on a write that is not durable yet: a read is never held open
 * for others, it must not wait.
 */
export class SqliteGroupCommitDriver implements Driver {
  #waitingForConnection = 0;
  /**
   * BEGINs under way below (the lock-waiting driver hands the connection on while another
   * process holds the lock): a group kept open meanwhile would meet that BEGIN inside it.
   */
  #beginning = 0;
  /** Transactions released into the open shared transaction, waiting for its COMMIT; null while none is open. */
  #group: Waiting[] | null = null;

  constructor(
    private readonly inner: Driver,
    private readonly sqlite: { readonly inTransaction: boolean },
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  /** No shared transaction is open, no caller waits for the connection and no BEGIN is under way. */
  idle(): boolean {
    return this.#group === null && this.#waitingForConnection === 0 && this.#beginning === 0;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#waitingForConnection++;
    let connection: DatabaseConnection;
    try {
      connection = await this.inner.acquireConnection();
    } finally {
      this.#waitingForConnection--;
    }
    const acquisition: Acquisition = {
      inner: connection,
      member: null,
      releasedEarly: false,
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
        acquisition.member === null && writes(query) && (this.#group !== null || this.#waitingForConnection > 0)
          ? this.#asMember<R>(acquisition, query)
          : connection.executeQuery<R>(query),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
    };
    return acquisition;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const acquisition = connection as Acquisition;
    if (this.#group) {
      await acquisition.inner.executeQuery(CompiledQuery.raw(`savepoint ${MEMBER}`));
      acquisition.member = "nested";
      return;
    }
    this.#beginning++;
    try {
      await this.inner.beginTransaction(acquisition.inner, settings);
    } finally {
      this.#beginning--;
    }
    this.#group = [];
    acquisition.member = "first";
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const acquisition = connection as Acquisition;
    if (acquisition.member === "nested") await acquisition.inner.executeQuery(CompiledQuery.raw(`release ${MEMBER}`));
    acquisition.member = null;
    const group = this.#group;
    if (group && this.#waitingForConnection > 0 && this.#beginning === 0 && group.length < MAX_MEMBERS) {
      const committed = new Promise<void>((resolve, reject) => group.push({ resolve, reject }));
      acquisition.releasedEarly = true;
      await this.inner.releaseConnection(acquisition.inner);
      return committed;
    }
    await this.#commitGroup(acquisition.inner);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const acquisition = connection as Acquisition;
    // Its group's COMMIT failed after it was handed on: the group is rolled back already.
    if (acquisition.releasedEarly) return;
    const member = acquisition.member;
    acquisition.member = null;
    if (member === "nested" && this.sqlite.inTransaction) {
      await acquisition.inner.executeQuery(CompiledQuery.raw(`rollback to ${MEMBER}`));
      await acquisition.inner.executeQuery(CompiledQuery.raw(`release ${MEMBER}`));
      return;
    }
    // SQLite undid the failed statement and nothing else: the group goes on.
    if (member === "statement" && this.sqlite.inTransaction) return;
    // The first member failed, or SQLite ended the shared transaction itself (no space left):
    // nothing of the group survives.
    const group = this.#group ?? [];
    this.#group = null;
    if (this.sqlite.inTransaction) await this.inner.rollbackTransaction(acquisition.inner);
    const lost = new Error("the transaction shared with this one was rolled back");
    for (const waiting of group) waiting.reject(lost);
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.savepoint?.((connection as Acquisition).inner, name, compileQuery);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.rollbackToSavepoint?.((connection as Acquisition).inner, name, compileQuery);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.inner.releaseSavepoint?.((connection as Acquisition).inner, name, compileQuery);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const acquisition = connection as Acquisition;
    if (acquisition.releasedEarly) return;
    // A statement ran in the open group, or a transaction rolled back in it: the group commits
    // before that caller hears back.
    if (this.#group && acquisition.member === null) await this.#commitGroup(acquisition.inner);
    await this.inner.releaseConnection(acquisition.inner);
  }

  async destroy(): Promise<void> {
    if (this.#group) {
      const connection = await this.inner.acquireConnection();
      await this.#commitGroup(connection);
      await this.inner.releaseConnection(connection);
    }
    await this.inner.destroy();
  }

  /**
   * A write outside a transaction, run as a one-statement transaction of the group: while
   * others wait for the connection it shares their COMMIT instead of paying for its own (on a
   * nightly run of concurrent logins, ~3.5 such writes a login at ~25–35 µs of commit each),
   * and its caller still hears back only once it is durable. Joining an open group it runs
   * without a savepoint: SQLite undoes a failed statement by itself (its statement journal)
   * and leaves the transaction open, unless the failure ended the transaction — which the
   * rollback below then treats as the whole group's.
   */
  async #asMember<R>(acquisition: Acquisition, query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#group) acquisition.member = "statement";
    else await this.beginTransaction(acquisition, {});
    let result: QueryResult<R>;
    try {
      result = await acquisition.inner.executeQuery<R>(query);
    } catch (error) {
      await this.rollbackTransaction(acquisition);
      throw error;
    }
    await this.commitTransaction(acquisition);
    return result;
  }

  /** Commits the open shared transaction, if any, and tells its members how it went. */
  async #commitGroup(connection: DatabaseConnection): Promise<void> {
    const group = this.#group;
    if (!group) return;
    this.#group = null;
    try {
      await this.inner.commitTransaction(connection);
    } catch (error) {
      if (this.sqlite.inTransaction) await this.inner.rollbackTransaction(connection);
      for (const waiting of group) waiting.reject(error);
      throw error;
    }
    for (const waiting of group) waiting.resolve();
  }
}

const WRITE_KINDS = new Set(["InsertQueryNode", "UpdateQueryNode", "DeleteQueryNode", "MergeQueryNode"]);

/** A query Kysely built that changes rows; raw SQL (PRAGMAs, checkpoints) runs as it comes. */
export function writes(query: CompiledQuery): boolean {
  return WRITE_KINDS.has(query.query.kind);
}
