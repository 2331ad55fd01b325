import { type Kysely, sql } from "kysely";
import { PrecompiledQuery } from "./precompiled-query.js";
import type { Database } from "./schema.js";

/** Billable usage counters, one row per customer per UTC day. */
export interface UsageStore {
  /**
   * +1 live connection, as one atomic upsert: concurrent logins of the same customer and day
   * never lose an increment (SQLite serializes writers; PostgreSQL locks the conflicting row).
   */
  countLiveConnection(customerId: string, day: string): Promise<void>;
  /** Days with at least one connection between `fromDay` and `toDay` (inclusive, YYYY-MM-DD). */
  liveConnections(customerId: string, fromDay: string, toDay: string): Promise<Map<string, number>>;
}

/** Arguments: customer, day. Every live login's commit runs it. */
const countOne = new PrecompiledQuery((db, slot) =>
  db
    .insertInto("usage_days")
    .values({ customer_id: slot(0), day: slot(1), live_connections: 1 })
    .onConflict((oc) => oc.columns(["customer_id", "day"]).doUpdateSet({ live_connections: sql`usage_days.live_connections + 1` })),
);

/** UsageStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyUsageStore implements UsageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async countLiveConnection(customerId: string, day: string): Promise<void> {
    await countOne.changes(this.db, [customerId, day]);
  }

  async liveConnections(customerId: string, fromDay: string, toDay: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom("usage_days")
      .select(["day", "live_connections"])
      .where("customer_id", "=", customerId)
      .where("day", ">=", fromDay)
      .where("day", "<=", toDay)
      .execute();
    return new Map(rows.map((row) => [row.day, row.live_connections]));
  }
}
