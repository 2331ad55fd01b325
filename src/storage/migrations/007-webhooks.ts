import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // One receiver per customer (Flinks: one webhook URL per instance,
  // https://docs.flinks.com/api/connect/webhooks).
  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("customer_id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("url", "varchar(2048)", (c) => c.notNull())
    .addColumn("secret_enc", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  // The outbox: written in the transaction of the change the event reports (quality bar R7, docs/quality-bars.md).
  await db.schema
    .createTable("webhook_events")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("customer_id", "varchar(36)", (c) => c.notNull())
    .addColumn("type", "varchar(32)", (c) => c.notNull())
    // The card the event is about: DeleteCard removes its events too (quality bar S7, docs/quality-bars.md).
    .addColumn("login_id", "varchar(36)")
    .addColumn("body_enc", "text", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("delivered_at", "bigint")
    .execute();
  await db.schema.createIndex("webhook_events_login").on("webhook_events").column("login_id").execute();
  await db.schema.createIndex("webhook_events_customer").on("webhook_events").columns(["customer_id", "created_at"]).execute();
  await db.schema
    .createTable("webhook_attempts")
    .addColumn("event_id", "varchar(36)", (c) => c.notNull())
    .addColumn("attempted_at", "bigint", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("error", "varchar(256)")
    .execute();
  await db.schema.createIndex("webhook_attempts_event").on("webhook_attempts").columns(["event_id", "attempted_at"]).execute();
  // Billable live connections per customer per UTC day (YYYY-MM-DD).
  await db.schema
    .createTable("usage_days")
    .addColumn("customer_id", "varchar(36)", (c) => c.notNull())
    .addColumn("day", "varchar(10)", (c) => c.notNull())
    .addColumn("live_connections", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("usage_days_pk", ["customer_id", "day"])
    .execute();
}
