import { randomBytes } from "node:crypto";
import type { Storage } from "../storage/storage.js";
import type { Vault } from "../vault/vault.js";

/** Where the index key is kept (server_settings), and the AAD its ciphertext is bound to. */
export const INDEX_KEY_SETTING = "index_key";
export const INDEX_KEY_AAD = "server:index-key";

/**
 * The key behind LoginId lookups and AccountId/TransactionId derivation. It must never
 * change (ids are derived from it), so it is generated once per deployment and stored
 * wrapped by the master key; rotating the master key re-wraps it, nothing more.
 */
export async function loadIndexKey(storage: Storage, vault: Vault): Promise<Buffer> {
  const candidate = vault.encrypt(randomBytes(32).toString("base64"), INDEX_KEY_AAD);
  const stored = await storage.settings.getOrInit(INDEX_KEY_SETTING, candidate);
  return Buffer.from(vault.decrypt(stored, INDEX_KEY_AAD), "base64");
}
