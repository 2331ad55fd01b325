import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** One sealed value per card identity (migration 009); LoginStore.delete removes the card's. */
export interface CardVaultStore {
  read(lookupHash: string): Promise<string | undefined>;
  /** Last writer wins: one card has one live session at a time, so writes do not race. */
  write(lookupHash: string, customerId: string, valueEnc: string, at: Date): Promise<void>;
}

/** CardVaultStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyCardVaultStore implements CardVaultStore {
  constructor(private readonly db: Kysely<Database>) {}

  async read(lookupHash: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("card_vault").select("value_enc").where("lookup_hash", "=", lookupHash).executeTakeFirst();
    return row?.value_enc;
  }

  async write(lookupHash: string, customerId: string, valueEnc: string, at: Date): Promise<void> {
    await this.db
      .insertInto("card_vault")
      .values({ lookup_hash: lookupHash, customer_id: customerId, value_enc: valueEnc, updated_at: at.getTime() })
      .onConflict((oc) => oc.column("lookup_hash").doUpdateSet({ value_enc: valueEnc, updated_at: at.getTime() }))
      .execute();
  }
}
