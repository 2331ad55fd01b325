import type { CompiledQuery, Kysely, QueryResult } from "kysely";
import type { Database } from "./schema.js";

/**
 * A shorter way for a compiled statement to the store than Kysely's executor and the store's
 * drivers, where it gives the drivers' own result: sqlite-direct-lane.ts, postgres-direct-lane.ts.
 */
export interface DirectLane {
  /** The statement's result (or its promise), or undefined when it must go through the drivers. */
  run<R>(query: CompiledQuery<R>, inTransaction: boolean): QueryResult<R> | Promise<QueryResult<R>> | undefined;
}

/** By the database's adapter, which its transactions share: only a store that opened one has a lane. */
const lanes = new WeakMap<object, DirectLane>();

export function registerDirectLane(db: Kysely<Database>, lane: DirectLane): void {
  lanes.set(db.getExecutor().adapter, lane);
}

/** The query's result on the direct lane of `db`'s store, or undefined: it goes through the drivers. */
export function runDirectly<R>(db: Kysely<Database>, query: CompiledQuery<R>): QueryResult<R> | Promise<QueryResult<R>> | undefined {
  return lanes.get(db.getExecutor().adapter)?.run(query, db.isTransaction);
}
