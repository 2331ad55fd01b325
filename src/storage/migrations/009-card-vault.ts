import type { Kysely } from "kysely";

/** Secrets an institution gave a card (connectors/types.ts CardVault), keyed like the card itself. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("card_vault")
    // The card's LoginId identity (logins.lookup_hash): the vault exists before the card does.
    .addColumn("lookup_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
    .addColumn("value_enc", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}
