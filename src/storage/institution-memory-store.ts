import type { Kysely } from "kysely";
import { PrecompiledQuery } from "./precompiled-query.js";
import type { Database } from "./schema.js";

/** Where a bank's memory of one user lives: its customer, its institution and the keyed hash of its key. */
export interface MemorySlot {
  customerId: string;
  institution: string;
  keyHash: string;
}

/** The sandbox banks' memory (migration 008): one JSON value per slot, last writer wins. */
export interface InstitutionMemoryStore {
  read(slot: MemorySlot): Promise<string | undefined>;
  write(slot: MemorySlot, value: string, at: Date): Promise<void>;
}

/** Read by every sandbox login. Arguments: customer, institution, key hash. */
const slotValue = new PrecompiledQuery((db, slot) =>
  db
    .selectFrom("institution_memory")
    .select("value")
    .where("customer_id", "=", slot(0))
    .where("institution", "=", slot(1))
    .where("key_hash", "=", slot(2)),
);

/** InstitutionMemoryStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyInstitutionMemoryStore implements InstitutionMemoryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async read(slot: MemorySlot): Promise<string | undefined> {
    const row = await slotValue.first(this.db, [slot.customerId, slot.institution, slot.keyHash]);
    return row?.value;
  }

  async write(slot: MemorySlot, value: string, at: Date): Promise<void> {
    await this.db
      .insertInto("institution_memory")
      .values({ customer_id: slot.customerId, institution: slot.institution, key_hash: slot.keyHash, value, updated_at: at.getTime() })
      .onConflict((oc) => oc.columns(["customer_id", "institution", "key_hash"]).doUpdateSet({ value, updated_at: at.getTime() }))
      .execute();
  }
}
