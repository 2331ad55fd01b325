import type { Kysely } from "kysely";

/** What the sandbox banks remember of their users between logins (connectors/types.ts InstitutionMemory). */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("institution_memory")
    .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
    .addColumn("institution", "varchar(64)", (c) => c.notNull())
    // Keyed hash of the bank's own key (a username): never a username in clear.
    .addColumn("key_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("institution_memory_pk", ["customer_id", "institution", "key_hash"])
    .execute();
}
