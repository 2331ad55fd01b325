import type { CompiledQuery, QueryResult } from "kysely";
import type { Pool } from "pg";
import type { DirectLane } from "./direct-lane.js";
import { translatedFault } from "./fault-translating-driver.js";
import type { StoreFaultClassifier } from "./store-fault-kinds.js";

/** The commands whose answer counts the rows they changed, as Kysely's PostgreSQL driver reads them. */
const CHANGING = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/**
 * Runs a compiled statement outside a transaction on a connection of the store's pool, as
 * Kysely's PostgreSQL driver would, without Kysely's executor and the store's drivers around
 * it: those layers cost ~10 µs a statement (a third of what pg itself costs; measured in
 * docs/performance.md), and a nightly login runs ~10 statements outside a transaction. The
 * pool's connections are the drivers' own, with the same statement names and held statements
 * (open-database.ts), and a fault is translated as the drivers translate it. A statement of a
 * transaction goes through the drivers: the transaction holds its connection there.
 */
export class PostgresDirectLane implements DirectLane {
  constructor(
    private readonly pool: Pool,
    private readonly classify: StoreFaultClassifier,
  ) {}

  run<R>(query: CompiledQuery<R>, inTransaction: boolean): Promise<QueryResult<R>> | undefined {
    return inTransaction ? undefined : this.#run(query);
  }

  async #run<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    try {
      const client = await this.pool.connect();
      try {
        const { command, rowCount, rows } = await client.query(query.sql, query.parameters as unknown[]);
        return { numAffectedRows: CHANGING.has(command) ? BigInt(rowCount ?? 0) : undefined, rows: (rows ?? []) as R[] };
      } finally {
        client.release();
      }
    } catch (error) {
      throw translatedFault(error, this.classify);
    }
  }
}
