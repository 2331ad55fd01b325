import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Config } from "../config/config.js";
import { developmentProfile } from "../config/development-profile.js";
import { isUuid } from "../lib/ids.js";
import { migrationStatus } from "../storage/migrate.js";
import { openDatabase } from "../storage/open-database.js";
import { KyselyStorage } from "../storage/storage.js";
import type { Vault } from "../vault/vault.js";
import { messageOf } from "./command-setup.js";
import type { Check } from "./doctor-check.js";
import { keyChecks, masterKeysCheck } from "./doctor-key-checks.js";

export type { Check } from "./doctor-check.js";

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
