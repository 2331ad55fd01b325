import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.js";
import { originProblem, redirectUrlProblem } from "../lib/connect-allow-lists.js";
import { isUuid, newRandomId, sha256Hex } from "../lib/ids.js";
import type { ConnectSettings, Customer } from "../records/customer.js";
import type { CustomerStore } from "../storage/customer-store.js";
import type { CustomerKeys } from "./development-customer.js";

/** Why an operator's change to customers was refused; the message never holds a key. */
export class CustomerAdminError extends Error {
  constructor(
    readonly reason: "invalid" | "notFound" | "fromEnvironment",
    message: string,
  ) {
    super(message);
  }
}

/** A customer as an operator sees it: never a key, not even its hash. */
export interface CustomerView {
  customerId: string;
  name: string;
  authMode: Customer["authMode"];
  parentOrigins: string[];
  redirectUrls: string[];
  storeMfaAnswers: boolean;
  /** "environment": the development customer, rewritten from the environment (or dev-customer.json) at every start. */
  source: "store" | "environment";
  createdAt?: string;
}

export interface CustomerChanges {
  authMode?: Customer["authMode"];
  parentOrigins?: string[];
  redirectUrls?: string[];
}

const MAX_NAME_LENGTH = 200;

/**
 * Customers held in the store, managed by operators (`bankgate customers …`), next to the one
 * development customer that comes from the environment (docs/decisions.md, "Customers from the
 * store and from the environment"). Both live in the same table and authenticate the same way;
 * the environment's is written again at every start, so it is refused here: a change made
 * here would silently vanish at the next start.
 */
export class CustomerAdmin {
  constructor(
    private readonly store: CustomerStore,
    private readonly config: Config,
    private readonly now: () => Date,
  ) {}

  async create(name: string, changes: CustomerChanges = {}): Promise<{ customer: CustomerView; keys: CustomerKeys }> {
    if (name.trim() === "" || name.length > MAX_NAME_LENGTH)
      throw new CustomerAdminError("invalid", `the name must be 1–${MAX_NAME_LENGTH} characters`);
    const connect = checkedConnect(changes, { redirectUrls: [], parentOrigins: [] });
    const keys = newKeys(newRandomId());
    await this.store.upsert(
      { id: keys.customerId, name: name.trim(), ...hashesOf(keys), authMode: changes.authMode ?? "token", connect },
      this.now(),
    );
    return { customer: await this.show(keys.customerId), keys };
  }

  async list(): Promise<CustomerView[]> {
    const customers = await this.store.list();
    return Promise.all(customers.map(async (customer) => this.#view(customer, customer.createdAt)));
  }

  async show(customerId: string): Promise<CustomerView> {
    return this.#view(await this.#find(customerId));
  }

  /** New keys for both proofs (or one of them); the old ones stop working within the directory's cache time (5 s). */
  async rotateKeys(customerId: string, which: "both" | "secret" | "api" = "both"): Promise<Partial<CustomerKeys> & { customerId: string }> {
    const customer = await this.#changeable(customerId);
    const fresh = newKeys(customer.id);
    const hashes = hashesOf(fresh);
    await this.store.upsert(
      {
        ...customer,
        secretKeyHash: which === "api" ? customer.secretKeyHash : hashes.secretKeyHash,
        apiKeyHash: which === "secret" ? customer.apiKeyHash : hashes.apiKeyHash,
      },
      this.now(),
    );
    return {
      customerId: customer.id,
      ...(which === "api" ? {} : { secretKey: fresh.secretKey }),
      ...(which === "secret" ? {} : { apiKey: fresh.apiKey }),
    };
  }

  /** Replaces the lists (and the auth mode) it is given; what it is not given stays. */
  async allow(customerId: string, changes: CustomerChanges): Promise<CustomerView> {
    const customer = await this.#changeable(customerId);
    const connect = checkedConnect(changes, customer.connect);
    await this.store.upsert({ ...customer, authMode: changes.authMode ?? customer.authMode, connect }, this.now());
    return this.show(customer.id);
  }

  async #find(customerId: string): Promise<Customer> {
    const customer = isUuid(customerId) ? await this.store.find(customerId.toLowerCase()) : undefined;
    if (!customer) throw new CustomerAdminError("notFound", `no customer ${customerId.slice(0, 64)}`);
    return customer;
  }

  async #changeable(customerId: string): Promise<Customer> {
    const customer = await this.#find(customerId);
    if (this.#fromEnvironment(customer.id)) {
      throw new CustomerAdminError(
        "fromEnvironment",
        `customer ${customer.id} is the development customer: it is written from BANKGATE_CUSTOMER_ID/_SECRET_KEY/_API_KEY, BANKGATE_CONNECT_* and BANKGATE_AUTH_MODE (or the data directory's dev-customer.json) at every start; change those instead`,
      );
    }
    return customer;
  }

  #fromEnvironment(customerId: string): boolean {
    if (this.config.keys.customerId?.toLowerCase() === customerId) return true;
    const file = join(this.config.store.dataDir, "dev-customer.json");
    if (!existsSync(file)) return false;
    try {
      return (JSON.parse(readFileSync(file, "utf8")) as { customerId?: string }).customerId === customerId;
    } catch {
      return false;
    }
  }

  async #view(customer: Customer, createdAt?: Date): Promise<CustomerView> {
    return {
      customerId: customer.id,
      name: customer.name,
      authMode: customer.authMode,
      parentOrigins: customer.connect.parentOrigins,
      redirectUrls: customer.connect.redirectUrls,
      storeMfaAnswers: await this.store.storesMfaAnswers(customer.id),
      source: this.#fromEnvironment(customer.id) ? "environment" : "store",
      ...(createdAt ? { createdAt: createdAt.toISOString() } : {}),
    };
  }
}

function newKeys(customerId: string): CustomerKeys {
  return { customerId, secretKey: randomBytes(24).toString("base64url"), apiKey: randomBytes(24).toString("base64url") };
}

function hashesOf(keys: CustomerKeys): { secretKeyHash: string; apiKeyHash: string } {
  return { secretKeyHash: sha256Hex(keys.secretKey), apiKeyHash: sha256Hex(keys.apiKey) };
}

function checkedConnect(changes: CustomerChanges, current: ConnectSettings): ConnectSettings {
  const check = (entries: string[], problemOf: (entry: string) => string | null) => {
    for (const entry of entries) {
      const problem = problemOf(entry);
      if (problem) throw new CustomerAdminError("invalid", `"${entry.slice(0, 200)}" ${problem}`);
    }
    return entries;
  };
  return {
    parentOrigins: changes.parentOrigins ? check(changes.parentOrigins, originProblem) : current.parentOrigins,
    redirectUrls: changes.redirectUrls ? check(changes.redirectUrls, redirectUrlProblem) : current.redirectUrls,
  };
}
