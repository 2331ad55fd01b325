import type { Kysely } from "kysely";

/**
 * Retention (docs/decisions.md, "Retention"): the purge finds settled webhook events by state
 * and age; every other table it purges already has the index its search needs.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("webhook_events_state_created").on("webhook_events").columns(["state", "created_at"]).execute();
}
