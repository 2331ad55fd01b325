import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("kind", "varchar(32)", (c) => c.notNull())
    .addColumn("payload_enc", "text", (c) => c.notNull())
    .addColumn("singleton_key", "varchar(128)")
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("run_at", "bigint", (c) => c.notNull())
    .addColumn("locked_until", "bigint")
    .addColumn("last_error", "varchar(256)")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("jobs_claimable").on("jobs").columns(["state", "run_at"]).execute();
  // At most one queued or running job per singleton key (e.g. one aggregation per card).
  await db.schema
    .createIndex("jobs_singleton_active")
    .on("jobs")
    .column("singleton_key")
    .unique()
    .where(sql.ref("state"), "in", sql`('queued', 'running')`)
    .execute();
}
