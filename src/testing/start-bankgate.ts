import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../app.js";
import { BankgateControl } from "../client/bankgate-control.js";
import type { ScenarioScript } from "../client/control-types.js";
import { FlinksClient } from "../client/flinks-client.js";
import { loadConfig } from "../config/config.js";
import { createDeps } from "../deps.js";
import { newRandomId } from "../lib/ids.js";
import { WebhookInbox } from "./webhook-inbox.js";

export interface StartBankgateOptions {
  /** More configuration, as environment variables (docs/configuration.md), e.g. `{ BANKGATE_SESSION_IDLE_TTL_SECONDS: "60" }`. */
  env?: Record<string, string>;
  /** Start the job runner (aggregation, webhooks): default true. */
  runJobs?: boolean;
}

/** What a card's next live login meets (docs/sandbox.md, "The sandbox control plane"). */
export type NextRefresh =
  | { outcome: "authorized" }
  | { outcome: "failed"; code: "INVALID_PASSWORD" | "RETRY_LATER" | "DISABLED_LOGIN" | "NEW_ACCOUNT" | "INVALID_LOGIN" | "UNAUTHORIZED" }
  | { outcome: "challenge"; prompt: string; answer: string };

export interface RunningBankgate {
  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** `${url}/v3/${customerId}/BankingServices`: the base URL a Flinks client is given. */
  apiUrl: string;
  customerId: string;
  /** `flinks-auth-key` on /GenerateAuthorizeToken and on the control plane. */
  secretKey: string;
  /** `x-api-key` on the data endpoints. */
  apiKey: string;
  /** A typed Flinks client of this server (docs/client.md), with its API and secret keys; polls every 50 ms. */
  client: FlinksClient;
  /** The typed client of the sandbox control plane and the operator endpoints (docs/client.md). */
  control: BankgateControl;
  /** The virtual clock every expiry, delay and the nightly schedule follow. */
  clock: {
    now(): Date;
    advance(seconds: number): void;
    freeze(): void;
    unfreeze(): void;
  };
  /** Scenario scripts: FlinksCapital users of the test's own (docs/sandbox.md, "Scenario scripts"). */
  scripts: {
    put(script: Record<string, unknown> & { name: string }): Promise<void>;
    get(name: string): Promise<Record<string, unknown>>;
  };
  cards: {
    /** The card's next live login (refresh, reconnect, nightly) meets `outcome`, once. */
    forceNextRefresh(loginId: string, outcome: NextRefresh): Promise<void>;
    /** The sandbox bank forgets the user: trusted device, locks, changed password, forced outcome. */
    reset(loginId: string): Promise<void>;
  };
  /** A receiver for this customer's webhooks that checks every signature. */
  webhooks: WebhookInbox;
  /** Stops the server and its jobs and deletes its temporary store. */
  stop(): Promise<void>;
}

/**
 * A real bankgate inside the test's process (`import { startBankgate } from "bankgate/testing"`):
 * the whole server on a free 127.0.0.1 port, a temporary SQLite store, generated master and
 * customer keys, the sandbox control plane on and a webhook receiver wired to the customer.
 * Every call needs `stop()` at the end (an `afterAll`).
 */
export async function startBankgate(options: StartBankgateOptions = {}): Promise<RunningBankgate> {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-testing-"));
  const keys = {
    customerId: newRandomId(),
    secretKey: randomBytes(24).toString("base64url"),
    apiKey: randomBytes(24).toString("base64url"),
  };
  const webhookSecret = randomBytes(24).toString("base64url");
  const webhooks = await WebhookInbox.start(webhookSecret);
  const cleanups: Array<() => Promise<void> | void> = [() => webhooks.close(), () => rmSync(dataDir, { recursive: true, force: true })];
  try {
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "silent",
      BANKGATE_DATA_DIR: dataDir,
      BANKGATE_MASTER_KEYS: `test:${randomBytes(32).toString("base64")}`,
      BANKGATE_CUSTOMER_ID: keys.customerId,
      BANKGATE_SECRET_KEY: keys.secretKey,
      BANKGATE_API_KEY: keys.apiKey,
      BANKGATE_AUTH_MODE: "token",
      BANKGATE_SANDBOX_CONTROL: "on",
      BANKGATE_WEBHOOK_URL: webhooks.url,
      BANKGATE_WEBHOOK_SECRET: webhookSecret,
      // A test's waits are short: idle runners and waiting data calls look often.
      BANKGATE_JOB_POLL_INTERVAL_MS: "20",
      ...options.env,
    });
    // The process's own NODE_ENV (often "test") must not make this a production deployment.
    const deps = await createDeps(config, { env: {} });
    cleanups.unshift(() => deps.close());
    const app = await buildApp(deps, { logger: false });
    cleanups.unshift(() => app.close());
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("bankgate did not get a TCP port");
    deps.selfAddress.listening("127.0.0.1", address.port);
    if (options.runJobs !== false) deps.runner.start();
    const clock = deps.sandboxClock;
    if (!clock) throw new Error("the sandbox control plane is off (BANKGATE_SANDBOX_CONTROL)");

    const url = `http://127.0.0.1:${address.port}`;
    const apiUrl = `${url}/v3/${keys.customerId}/BankingServices`;
    // Scripts and cards go through the control plane's routes, so they are checked exactly as an integrator's calls are.
    const control = new BankgateControl({ url, ...keys });
    return {
      url,
      apiUrl,
      ...keys,
      client: new FlinksClient({
        baseUrl: apiUrl,
        apiKey: keys.apiKey,
        secretKey: keys.secretKey,
        poll: { intervalMs: 50, timeoutMs: 30_000 },
      }),
      control,
      clock: {
        now: () => clock.now(),
        advance: (seconds) => clock.advanceSeconds(seconds),
        freeze: () => clock.freeze(),
        unfreeze: () => clock.unfreeze(),
      },
      scripts: {
        // The loose type is this harness's published signature; the server validates the script.
        put: async (script) => void (await control.scripts.put(script as unknown as ScenarioScript)),
        get: async (name) => (await control.scripts.get(name)) as Record<string, unknown>,
      },
      cards: {
        forceNextRefresh: async (loginId, outcome) => void (await control.cards.forceNextRefresh(loginId, outcome)),
        reset: async (loginId) => void (await control.cards.reset(loginId)),
      },
      webhooks,
      stop: () => runAll(cleanups),
    };
  } catch (error) {
    await runAll(cleanups);
    throw error;
  }
}

async function runAll(steps: Array<() => Promise<void> | void>): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}
