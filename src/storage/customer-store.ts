import type { Kysely, Selectable } from "kysely";
import { type ConnectSettings, type Customer, NO_CONNECT_SETTINGS } from "../records/customer.js";
import type { Database } from "./schema.js";

/** A customer to store; without Connect settings its allow-lists are empty (the widget refuses every parent and redirect). */
export type NewCustomer = Omit<Customer, "connect"> & { connect?: ConnectSettings };

/** Customers (Flinks "instances" seen from one customerId). Keys are stored as hashes only. */
export interface CustomerStore {
  find(id: string): Promise<Customer | undefined>;
  /** Whether MFA answers given in this customer's live sessions are kept for nightly refreshes (on for a new customer). */
  storesMfaAnswers(id: string): Promise<boolean>;
  setStoresMfaAnswers(id: string, on: boolean): Promise<void>;
  count(): Promise<number>;
  /** Every customer, oldest first, with when it was created (operators' `bankgate customers list`). */
  list(): Promise<Array<Customer & { createdAt: Date }>>;
  /** Creates the customer or replaces its keys and settings (fixed keys from the environment win). */
  upsert(customer: NewCustomer, createdAt: Date): Promise<void>;
}

/** CustomerStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyCustomerStore implements CustomerStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(id: string): Promise<Customer | undefined> {
    const row = await this.db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirst();
    return row && customerOf(row);
  }

  async list(): Promise<Array<Customer & { createdAt: Date }>> {
    const rows = await this.db.selectFrom("customers").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map((row) => ({ ...customerOf(row), createdAt: new Date(Number(row.created_at)) }));
  }

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

  async upsert(customer: NewCustomer, createdAt: Date): Promise<void> {
    const connect = customer.connect ?? NO_CONNECT_SETTINGS;
    const values = {
      name: customer.name,
      secret_key_hash: customer.secretKeyHash,
      api_key_hash: customer.apiKeyHash,
      auth_mode: customer.authMode,
      connect_redirect_urls: JSON.stringify(connect.redirectUrls),
      connect_parent_origins: JSON.stringify(connect.parentOrigins),
    };
    await this.db
      .insertInto("customers")
      // A new customer keeps accepted MFA answers until it switches that off (migration 011).
      .values({ id: customer.id, created_at: createdAt.getTime(), store_mfa_answers: 1, ...values })
      .onConflict((oc) => oc.column("id").doUpdateSet(values))
      .execute();
  }
}

function customerOf(row: Selectable<Database["customers"]>): Customer {
  return {
    id: row.id,
    name: row.name,
    secretKeyHash: row.secret_key_hash,
    apiKeyHash: row.api_key_hash,
    authMode: row.auth_mode as Customer["authMode"],
    connect: { redirectUrls: readList(row.connect_redirect_urls), parentOrigins: readList(row.connect_parent_origins) },
  };
}

function readList(json: string | null): string[] {
  if (json === null) return [];
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
}
