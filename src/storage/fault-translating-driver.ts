import type { CompiledQuery, DatabaseConnection, Driver, QueryCompiler, QueryResult, TransactionSettings } from "kysely";
import { StoreFaultError } from "../errors/store-fault.js";
import type { StoreFaultClassifier } from "./store-fault-kinds.js";

/**
 * A Kysely driver that throws StoreFaultError (with the driver's error as its cause) where
 * the driver's error is a transient fault, so that the layers above tell "the store is
 * locked, full or down: retry" from a bug without knowing better-sqlite3 or pg.
 */
export class FaultTranslatingDriver implements Driver {
  readonly #connections = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly classify: StoreFaultClassifier,
  ) {}

  init(): Promise<void> {
    return this.#translated(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.#translated(() => this.inner.acquireConnection());
    let outer = this.#connections.get(connection);
    if (!outer) {
      outer = this.#wrap(connection);
      this.#connections.set(connection, outer);
    }
    return outer;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#translated(() => this.inner.beginTransaction(innerOf(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#translated(() => this.inner.commitTransaction(innerOf(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#translated(() => this.inner.rollbackTransaction(innerOf(connection)));
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.#translated(async () => this.inner.savepoint?.(innerOf(connection), name, compileQuery));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.#translated(async () => this.inner.rollbackToSavepoint?.(innerOf(connection), name, compileQuery));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]): Promise<void> {
    await this.#translated(async () => this.inner.releaseSavepoint?.(innerOf(connection), name, compileQuery));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  #wrap(connection: DatabaseConnection): DatabaseConnection {
    const outer: DatabaseConnection & { [INNER]: DatabaseConnection } = {
      [INNER]: connection,
      executeQuery: <R>(query: CompiledQuery) => this.#translated(() => connection.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> =>
        connection.streamQuery<R>(query, chunkSize),
    };
    return outer;
  }

  async #translated<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translatedFault(error, this.classify);
    }
  }
}

/** The driver's error as the layers above see it: a transient fault becomes a StoreFaultError. */
export function translatedFault(error: unknown, classify: StoreFaultClassifier): unknown {
  const kind = error instanceof StoreFaultError ? null : classify(error);
  return kind ? new StoreFaultError(kind, { cause: error }) : error;
}

const INNER = Symbol("inner connection");

function innerOf(connection: DatabaseConnection): DatabaseConnection {
  return (connection as DatabaseConnection & { [INNER]?: DatabaseConnection })[INNER] ?? connection;
}
