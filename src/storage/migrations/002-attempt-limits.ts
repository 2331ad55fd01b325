import type { Kysely } from "kysely";

/** Brute-force counters per subject (a card, or institution + username): quality bar S1 (docs/quality-bars.md). */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("attempt_counters")
    // "card:<LoginId>" or "credentials:<keyed hash>": never a username in clear.
    .addColumn("subject_key", "varchar(128)", (c) => c.primaryKey())
    .addColumn("failures_at", "text", (c) => c.notNull())
    .addColumn("pending", "text", (c) => c.notNull())
    .addColumn("locked_until", "bigint")
    .addColumn("lock_count", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("retain_until", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attempt_counters_retain_until").on("attempt_counters").column("retain_until").execute();
}
