import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("customers")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_key_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("api_key_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("auth_mode", "varchar(16)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("authorize_tokens")
    .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("customer_id", "varchar(36)", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("request_id", "varchar(36)")
    .execute();
  await db.schema.createIndex("authorize_tokens_expires_at").on("authorize_tokens").column("expires_at").execute();

  await db.schema
    .createTable("logins")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("customer_id", "varchar(36)", (c) => c.notNull())
    .addColumn("lookup_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("institution", "varchar(64)", (c) => c.notNull())
    .addColumn("language", "varchar(8)", (c) => c.notNull())
    .addColumn("username_enc", "text", (c) => c.notNull())
    .addColumn("credentials_enc", "text")
    .addColumn("login_type", "varchar(16)", (c) => c.notNull())
    .addColumn("is_scheduled_refresh", "integer", (c) => c.notNull())
    .addColumn("last_refresh_at", "bigint")
    .addColumn("last_refresh_error", "varchar(64)")
    .addColumn("snapshot_id", "varchar(36)")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("snapshots")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("login_id", "varchar(36)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("snapshots_login_id").on("snapshots").column("login_id").execute();

  await db.schema
    .createTable("sessions")
    .addColumn("request_id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("customer_id", "varchar(36)", (c) => c.notNull())
    .addColumn("login_id", "varchar(36)")
    .addColumn("institution", "varchar(64)", (c) => c.notNull())
    .addColumn("mode", "varchar(16)", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("language", "varchar(8)", (c) => c.notNull())
    .addColumn("save", "integer", (c) => c.notNull())
    .addColumn("tag", "text")
    .addColumn("challenges", "text")
    .addColumn("connector_state_enc", "text")
    .addColumn("credentials_enc", "text")
    .addColumn("attempts_left", "integer", (c) => c.notNull())
    .addColumn("error_code", "varchar(64)")
    .addColumn("snapshot_id", "varchar(36)")
    .addColumn("authorize_token_hash", "varchar(64)")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("lease_until", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_activity_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("absolute_expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_login_id").on("sessions").column("login_id").execute();
  await db.schema.createIndex("sessions_expires_at").on("sessions").column("expires_at").execute();

  await db.schema
    .createTable("server_settings")
    .addColumn("name", "varchar(64)", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
}
