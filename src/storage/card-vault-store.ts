import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** One sealed value per card identity (migration 009); LoginStore.delete removes the card's. */
export interface CardVaultStore {
  read(lookupHash: string): Promise<string | undefined>;
  /** Last writer wins: one card has one live session at a time, so writes do not race. */
  write(lookupHash: string, customerId: string, valueEnc: string, at: Date): Promise<void>;
  /**
   * Retention: deletes up to `limit` values last written before `writtenBefore` whose card was
   * never created (a login that never succeeded); a card's own value goes with the card.
   */
  deleteOrphans(writtenBefore: Date, limit: number): Promise<number>;
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

  async deleteOrphans(writtenBefore: Date, limit: number): Promise<number> {
    const cutoff = writtenBefore.getTime();
    const orphan = this.db
      .selectFrom("card_vault as v")
      .select("v.lookup_hash")
      .where("v.updated_at", "<", cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("logins as l").select("l.id").whereRef("l.lookup_hash", "=", "v.lookup_hash"))),
      );
    const rows = await orphan.limit(limit).execute();
    if (rows.length === 0) return 0;
    // The card may have come to be meanwhile: the condition is checked again in the delete.
    const result = await this.db
      .deleteFrom("card_vault")
      .where(
        "lookup_hash",
        "in",
        rows.map((r) => r.lookup_hash),
      )
      .where("updated_at", "<", cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("logins").select("logins.id").whereRef("logins.lookup_hash", "=", "card_vault.lookup_hash"))),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
