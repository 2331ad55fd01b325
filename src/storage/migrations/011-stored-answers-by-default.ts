import type { Kysely } from "kysely";

/**
 * Accepted MFA answers are kept by default, as Flinks keeps what the person answered in
 * Connect for the nightly refresh: every existing customer is switched on. None had chosen
 * off — the setting had no API, and the development customer's comes from
 * BANKGATE_STORE_MFA_ANSWERS again at every start. New customers are inserted with it on
 * (customer-store.ts), since SQLite cannot change a column's default in place.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable("customers").set({ store_mfa_answers: 1 }).execute();
}
