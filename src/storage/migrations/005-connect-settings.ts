import type { Kysely } from "kysely";

/**
 * The Connect widget: each customer's allow-lists (redirect URLs matched exactly,
 * parent origins for postMessage and the frame-ancestors CSP), and the accounts the end user
 * selected in the widget, remembered on the card. Lists are JSON arrays of strings; null is
 * an empty allow-list or no selection.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // One column per ALTER: SQLite adds a single column per statement.
  await db.schema.alterTable("customers").addColumn("connect_redirect_urls", "text").execute();
  await db.schema.alterTable("customers").addColumn("connect_parent_origins", "text").execute();
  await db.schema.alterTable("logins").addColumn("selected_account_ids", "text").execute();
}
