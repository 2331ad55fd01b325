import type { Kysely } from "kysely";

/**
 * Incremental snapshots (docs/decisions.md, "Storage and jobs"): a snapshot may be stored as a
 * delta against an earlier full snapshot of the same card (`base_id`; null: the payload is the
 * whole snapshot), and remembers what its data was fetched from (`fetch_basis`, `fetch_day`,
 * null when the connector gave no basis) so the next refresh can ask only for what is new.
 * The index lets retention see whether a snapshot is still some delta's base.
 * Rows written before this migration are full snapshots with no basis: nothing to rewrite.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("snapshots").addColumn("base_id", "text").execute();
  await db.schema.alterTable("snapshots").addColumn("fetch_basis", "text").execute();
  await db.schema.alterTable("snapshots").addColumn("fetch_day", "text").execute();
  await db.schema.createIndex("snapshots_base_id").on("snapshots").column("base_id").execute();
}
