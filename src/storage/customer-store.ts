import type { Kysely } from "kysely";
import type { Customer } from "../customers/customer.js";
import type { Database } from "./schema.js";

/** Customers (Flinks "instances" seen from one customerId). Keys are stored as hashes only. */
export class CustomerStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(id: string): Promise<Customer | undefined> {
    const row = await this.db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirst();
    return (
      row && {
        id: row.id,
        name: row.name,
        secretKeyHash: row.secret_key_hash,
        apiKeyHash: row.api_key_hash,
        authMode: row.auth_mode as Customer["authMode"],
      }
    );
  }

  /** Whether MFA answers given in this customer's live sessions are kept for nightly refreshes. */
  async storesMfaAnswers(id: string): Promise<boolean> {
    const row = await this.db.selectFrom("customers").select("store_mfa_answers").where("id", "=", id).executeTakeFirst();
    return row?.store_mfa_answers === 1;
  }

  async setStoresMfaAnswers(id: string, on: boolean): Promise<void> {
    await this.db
      .updateTable("customers")
      .set({ store_mfa_answers: on ? 1 : 0 })
      .where("id", "=", id)
      .execute();
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom("customers")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Creates the customer or replaces its keys and settings (fixed keys from the environment win). */
  async upsert(customer: Customer, createdAt: Date): Promise<void> {
    const values = {
      name: customer.name,
      secret_key_hash: customer.secretKeyHash,
      api_key_hash: customer.apiKeyHash,
      auth_mode: customer.authMode,
    };
    await this.db
      .insertInto("customers")
      .values({ id: customer.id, created_at: createdAt.getTime(), ...values })
      .onConflict((oc) => oc.column("id").doUpdateSet(values))
      .execute();
  }
}
