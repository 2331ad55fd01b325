import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type MasterKey, VaultError } from "./vault.js";

export interface LoadedMasterKeys {
  keys: MasterKey[];
  /** True when a development key was generated or read from the data directory (warn loudly). */
  isDevelopmentKey: boolean;
}

/**
 * Master keys come from BANKGATE_MASTER_KEYS ("id:base64[,id:base64…]", the first one
 * encrypts). Without it, the embedded mode keeps a generated key in its data directory so a
 * fresh clone runs with no configuration; PostgreSQL deployments must configure one, since
 * every process has to share it.
 */
export function loadMasterKeys(options: {
  masterKeys: string | null;
  dataDir: string;
  databaseUrl: string | null;
  /** Whether a development key may be generated (the development profile's generated keys). */
  generate: boolean;
}): LoadedMasterKeys {
  if (options.masterKeys) return { keys: parseMasterKeys(options.masterKeys), isDevelopmentKey: false };
  if (options.databaseUrl) throw new VaultError("BANKGATE_MASTER_KEYS is required with DATABASE_URL (every process must share the key)");
  if (!options.generate) {
    throw new VaultError("BANKGATE_MASTER_KEYS is required outside a development deployment (or switch BANKGATE_GENERATE_KEYS on)");
  }
  const file = join(options.dataDir, "master.key");
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `dev:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  return { keys: parseMasterKeys(readFileSync(file, "utf8").trim()), isDevelopmentKey: true };
}

export function parseMasterKeys(spec: string): MasterKey[] {
  return spec.split(",").map((entry) => {
    const [id, encoded, extra] = entry.trim().split(":");
    const key = Buffer.from(encoded ?? "", "base64");
    if (!id || extra !== undefined || key.length !== 32) {
      throw new VaultError('each master key must look like "keyId:<32 bytes in base64>"');
    }
    return { id, key };
  });
}
