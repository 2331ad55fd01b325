import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.js";
import { MasterKeyRotation } from "../jobs/master-key-rotation.js";
import { INDEX_KEY_AAD, INDEX_KEY_SETTING } from "../logins/index-key.js";
import type { KyselyStorage } from "../storage/storage.js";
import { parseMasterKeys } from "../vault/master-keys.js";
import { Vault } from "../vault/vault.js";
import { messageOf } from "./command-setup.js";
import type { Check } from "./doctor-check.js";

/** `bankgate doctor`'s key checks: the master keys themselves, and whether they open this store and still wrap all of it. */
export function masterKeysCheck(config: Config, generate: boolean): { check: Check; vault: Vault | null } {
  const name = "master keys";
  if (config.keys.masterKeys) {
    try {
      const vault = new Vault(parseMasterKeys(config.keys.masterKeys));
      return { check: { name, status: "ok", detail: `BANKGATE_MASTER_KEYS: new values are sealed with "${vault.activeKeyId}"` }, vault };
    } catch (error) {
      return {
        check: { name, status: "fail", detail: messageOf(error), fix: "BANKGATE_MASTER_KEYS=keyId:<32 random bytes in base64>[,…]" },
        vault: null,
      };
    }
  }
  const generateFix = 'set BANKGATE_MASTER_KEYS (e.g. "k1:$(openssl rand -base64 32)")';
  if (config.store.databaseUrl)
    return { check: { name, status: "fail", detail: "DATABASE_URL needs BANKGATE_MASTER_KEYS", fix: generateFix }, vault: null };
  if (!generate)
    return {
      check: { name, status: "fail", detail: "no BANKGATE_MASTER_KEYS outside a development deployment", fix: generateFix },
      vault: null,
    };
  const file = join(config.store.dataDir, "master.key");
  if (!existsSync(file))
    return {
      check: {
        name,
        status: "warn",
        detail: "a development master key will be generated into the data directory at first start",
        fix: generateFix,
      },
      vault: null,
    };
  try {
    const vault = new Vault(parseMasterKeys(readFileSync(file, "utf8").trim()));
    return {
      check: { name, status: "warn", detail: `development master key in ${file}`, fix: `${generateFix} before storing real credentials` },
      vault,
    };
  } catch (error) {
    return {
      check: { name, status: "fail", detail: `${file}: ${messageOf(error)}`, fix: "restore the file or set BANKGATE_MASTER_KEYS" },
      vault: null,
    };
  }
}

export async function keyChecks(storage: KyselyStorage, vault: Vault): Promise<Check[]> {
  // Listing the index key as "not wrapped by" a key id no value can carry reads it without writing.
  const [indexKey] = await storage.sealedValues
    .listNotWrappedBy("server_settings.value", "\u0000", "", 10)
    .then((rows) => rows.filter((row) => row.key === INDEX_KEY_SETTING));
  const checks: Check[] = [];
  if (indexKey) {
    try {
      vault.decrypt(indexKey.ciphertext, INDEX_KEY_AAD);
      checks.push({ name: "master key ↔ store", status: "ok", detail: "the master keys open the store's index key" });
    } catch {
      return [
        {
          name: "master key ↔ store",
          status: "fail",
          detail: "the master keys do not open the store's index key: this store was sealed with another key",
          fix: "set BANKGATE_MASTER_KEYS to the keys this store was written with",
        },
      ];
    }
  }
  const remaining = await new MasterKeyRotation({ storage, vault }).remaining();
  checks.push(
    remaining === 0
      ? { name: "key rotation", status: "ok", detail: `every stored secret is under "${vault.activeKeyId}"` }
      : {
          name: "key rotation",
          status: "warn",
          detail: `${remaining} stored values are under another key than "${vault.activeKeyId}"`,
          fix: "bankgate master-key rotate",
        },
  );
  return checks;
}
