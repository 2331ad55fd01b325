import { type Kysely, sql } from "kysely";

/**
 * Leases name their holder: every process registers itself (id, where it runs, a heartbeat),
 * and each session lease and job claim records the process that took it, so a restarted
 * process can release at once what its dead predecessor held (docs/decisions.md, "Leases and
 * process death").
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("lease_holders")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    // Hostname, boot and pid namespace: processes with the same `host` can see each other's pids.
    .addColumn("host", "varchar(512)", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    // When the OS started that pid (so a reused pid is not mistaken for the holder), if known.
    .addColumn("process_start", "varchar(32)")
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("heartbeat_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("sessions").addColumn("lease_holder", "varchar(36)").execute();
  await db.schema.alterTable("jobs").addColumn("locked_by", "varchar(36)").execute();
  // Only rows holding a lease or claim right now are indexed: releasing a dead holder's is cheap.
  await db.schema
    .createIndex("sessions_lease_holder")
    .on("sessions")
    .column("lease_holder")
    .where(sql.ref("lease_until"), "is not", null)
    .execute();
  await db.schema.createIndex("jobs_locked_by").on("jobs").column("locked_by").where(sql.ref("state"), "=", "running").execute();
}
