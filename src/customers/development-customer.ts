import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.js";
import type { Clock } from "../lib/clock.js";
import { isUuid, newRandomId, sha256Hex } from "../lib/ids.js";
import type { CustomerStore } from "../storage/customer-store.js";

export interface CustomerKeys {
  customerId: string;
  secretKey: string;
  apiKey: string;
}

/**
 * The customer a fresh clone can use at once. BANKGATE_CUSTOMER_ID / _SECRET_KEY / _API_KEY
 * fix it (scripts, CI); otherwise one is generated on first start and its keys are kept in
 * the data directory (mode 0600) so each start can print them again. Returns the keys to
 * print, or null when there is nothing to print (an existing deployment's customers).
 */
export async function ensureDevelopmentCustomer(config: Config, store: CustomerStore, clock: Clock): Promise<CustomerKeys | null> {
  const fixed = fixedKeys(config);
  const keys = fixed ?? (await generatedKeys(config, store));
  if (!keys) return null;
  await store.upsert(
    {
      id: keys.customerId,
      name: "Development customer",
      secretKeyHash: sha256Hex(keys.secretKey),
      apiKeyHash: sha256Hex(keys.apiKey),
      authMode: config.keys.authMode,
      connect: { redirectUrls: config.connect.redirectUrls, parentOrigins: config.connect.parentOrigins },
    },
    clock.now(),
  );
  await store.setStoresMfaAnswers(keys.customerId, config.nightly.storeMfaAnswers);
  return keys;
}

function fixedKeys(config: Config): CustomerKeys | null {
  const { customerId: id, secretKey, apiKey } = config.keys;
  if (!id && !secretKey && !apiKey) return null;
  if (!id || !secretKey || !apiKey || !isUuid(id)) {
    throw new Error("set all of BANKGATE_CUSTOMER_ID (a GUID), BANKGATE_SECRET_KEY and BANKGATE_API_KEY, or none");
  }
  return { customerId: id.toLowerCase(), secretKey, apiKey };
}

async function generatedKeys(config: Config, store: CustomerStore): Promise<CustomerKeys | null> {
  const file = join(config.store.dataDir, "dev-customer.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as CustomerKeys;
  if (config.store.databaseUrl || (await store.count()) > 0) return null;
  const keys: CustomerKeys = {
    customerId: newRandomId(),
    secretKey: randomBytes(24).toString("base64url"),
    apiKey: randomBytes(24).toString("base64url"),
  };
  mkdirSync(config.store.dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}
