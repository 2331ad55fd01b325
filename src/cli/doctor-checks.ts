import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Config } from "../config/config.js";
import { developmentProfile } from "../config/development-profile.js";
import { MasterKeyRotation } from "../jobs/master-key-rotation.js";
import { isUuid } from "../lib/ids.js";
import { INDEX_KEY_AAD, INDEX_KEY_SETTING } from "../logins/index-key.js";
import { migrationStatus } from "../storage/migrate.js";
import { openDatabase } from "../storage/open-database.js";
import { KyselyStorage } from "../storage/storage.js";
import { parseMasterKeys } from "../vault/master-keys.js";
import { Vault } from "../vault/vault.js";
import { messageOf } from "./command-setup.js";

export interface Check {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  /** What to do about a warning or a failure. */
  fix?: string;
}

/**
 * What `bankgate doctor` looks at, after the configuration itself: the keys, the store (read
 * only: it runs no migration and generates nothing), the widget build and the port. Each
 * check says what it found and, when something is wrong, what to do.
 */
export async function runChecks(config: Config, env: Record<string, string | undefined>): Promise<Check[]> {
  const profile = developmentProfile(config, env);
  const checks: Check[] = [
    {
      name: "deployment",
      status: "ok",
      detail:
        profile.notDevelopmentBecause.length === 0
          ? "development deployment (loopback, sandbox institutions): development conveniences on by default"
          : `not a development deployment (${profile.notDevelopmentBecause.join("; ")})`,
    },
  ];
  const keys = masterKeysCheck(config, profile.generateKeys);
  checks.push(keys.check, customerKeysCheck(config, profile.generateKeys));
  checks.push(...(await storeChecks(config, keys.vault)));
  checks.push(widgetCheck(config));
  if (config.server.role !== "worker") checks.push(await portCheck(config));
  return checks;
}

function masterKeysCheck(config: Config, generate: boolean): { check: Check; vault: Vault | null } {
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

function customerKeysCheck(config: Config, generate: boolean): Check {
  const name = "development customer";
  const { customerId, secretKey, apiKey } = config.keys;
  const set = [customerId, secretKey, apiKey].filter(Boolean).length;
  if (set === 3 && customerId && isUuid(customerId)) return { name, status: "ok", detail: `${customerId}, from the environment` };
  if (set > 0) {
    return {
      name,
      status: "fail",
      detail: "only some of BANKGATE_CUSTOMER_ID, BANKGATE_SECRET_KEY, BANKGATE_API_KEY are set, or the id is no GUID",
      fix: "set all three (the id a GUID) or none",
    };
  }
  if (generate) return { name, status: "ok", detail: "generated into the data directory (dev-customer.json) at first start" };
  return { name, status: "ok", detail: "none: customers come from the store only (bankgate customers create)" };
}

async function storeChecks(config: Config, vault: Vault | null): Promise<Check[]> {
  const name = "store";
  const sqliteFile = join(config.store.dataDir, "bankgate.sqlite");
  if (!config.store.databaseUrl && !existsSync(sqliteFile)) {
    return [{ name, status: "ok", detail: `no SQLite file yet: ${sqliteFile} is created at first start` }];
  }
  let storage: KyselyStorage;
  let status: { applied: string[]; pending: string[] };
  let kind: string;
  try {
    const opened = await openDatabase({ ...config.store, migrate: false });
    kind = opened.kind;
    storage = new KyselyStorage(opened.db);
    status = await migrationStatus(opened.db).catch(async (error: unknown) => {
      await storage.close();
      throw error;
    });
  } catch (error) {
    return [
      {
        name,
        status: "fail",
        detail: `cannot open it: ${messageOf(error)}`,
        fix: "check DATABASE_URL / BANKGATE_DATA_DIR and that the server or file is reachable",
      },
    ];
  }
  try {
    const checks: Check[] = [
      status.pending.length === 0
        ? { name, status: "ok", detail: `${kind}, ${status.applied.length} migrations applied` }
        : {
            name,
            status: "warn",
            detail: `${kind}, ${status.pending.length} migrations pending (${status.pending.join(", ")})`,
            fix: "bankgate migrate (a start runs them too)",
          },
    ];
    if (status.pending.length === 0) {
      const customers = await storage.customers.count();
      checks.push(
        customers > 0
          ? { name: "customers", status: "ok", detail: `${customers} in the store` }
          : {
              name: "customers",
              status: "warn",
              detail: "none in the store",
              fix: "bankgate customers create --name …, or let a development start generate one",
            },
      );
      if (vault) checks.push(...(await keyChecks(storage, vault)));
    }
    return checks;
  } catch (error) {
    return [{ name, status: "fail", detail: `cannot read it: ${messageOf(error)}`, fix: "check the store's permissions and health" }];
  } finally {
    await storage.close();
  }
}

async function keyChecks(storage: KyselyStorage, vault: Vault): Promise<Check[]> {
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

function widgetCheck(config: Config): Check {
  const index = join(config.server.widgetDir, "index.html");
  return existsSync(index)
    ? { name: "widget build", status: "ok", detail: config.server.widgetDir }
    : {
        name: "widget build",
        status: "fail",
        detail: `no ${index}: the Connect widget cannot be served`,
        fix: "npm run build (in a clone), or set BANKGATE_WIDGET_DIR to a built widget",
      };
}

function portCheck(config: Config): Promise<Check> {
  const { host, port } = config.server;
  const name = "port";
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      resolve({
        name,
        status: "fail",
        detail: `cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
        fix:
          error.code === "EADDRINUSE"
            ? "something (another bankgate?) listens there: stop it or choose --port"
            : "choose another --host/--port",
      }),
    );
    probe.listen(port, host, () => probe.close(() => resolve({ name, status: "ok", detail: `${host}:${port} is free` })));
  });
}
