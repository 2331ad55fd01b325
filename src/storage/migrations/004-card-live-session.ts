import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // The RequestId of the card's live session: claimed by compare-and-swap, so two live
  // sessions can never run on one card (quality bar R3, docs/quality-bars.md).
  await db.schema.alterTable("logins").addColumn("live_request_id", "varchar(36)").execute();
}
