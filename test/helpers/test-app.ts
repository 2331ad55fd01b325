import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config/config.js";
import type { ConnectorRegistry } from "../../src/connectors/registry.js";
import { createSandboxRegistry } from "../../src/connectors/sandbox/sandbox-banks.js";
import type { InstitutionConnector } from "../../src/connectors/types.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { ManualClock } from "../../src/lib/clock.js";
import { newRandomId, sha256Hex } from "../../src/lib/ids.js";
import { checkAnswersAgainstDocument } from "./documented-responses.js";
import { createPostgresDatabase } from "./test-store.js";

export const TEST_MASTER_KEYS = `test:${Buffer.alloc(32, 7).toString("base64")}`;

/** The three sandbox questions, by prompt (English and French), with their answers. */
export const SANDBOX_ANSWERS: Readonly<Record<string, string>> = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
  "Dans quelle ville êtes-vous né?": "Montreal",
  "Quel est le meilleur pays au monde?": "Canada",
  "Quelle forme les gens aiment-ils le plus?": "Triangle",
};

export interface TestCustomer {
  customerId: string;
  secretKey: string;
  apiKey: string;
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  clock: ManualClock;
  customer: TestCustomer;
  config: Config;
  dataDir: string;
  /** A path under /v3/{customerId}/BankingServices. */
  path(operation: string, customerId?: string): string;
  post(operation: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  generateToken(customer?: TestCustomer): Promise<string>;
  /** POST /Authorize with a fresh authorize token (or the given headers). */
  authorize(body: Record<string, unknown>, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Live Greatday-style login answered correctly: returns the 200 body. */
  connect(
    username?: string,
    extra?: Record<string, unknown>,
  ): Promise<{ RequestId: string; Login: { Id: string; LastRefresh: string } } & Record<string, unknown>>;
  apiKeyHeaders(customer?: TestCustomer): Record<string, string>;
  addCustomer(authMode?: "token" | "open"): Promise<TestCustomer>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** "postgres" runs on the ephemeral PostgreSQL of the global setup. */
  store?: "sqlite" | "postgres";
  clock?: ManualClock;
  randomInt?: (max: number) => number;
  connectors?: ConnectorRegistry;
  /** false: no background job runner (the test drives deps.runner itself). */
  runJobs?: boolean;
  /**
   * true: the app also listens on 127.0.0.1:0, so the built-in simulators (/sim/…), which
   * bankgate reaches over real HTTP at its own address, can be reached.
   */
  listen?: boolean;
  /** false: answers are not checked against /openapi.json (documented-responses.ts); for tests that send what no client may. */
  checkAnswers?: boolean;
  /** The development customer (default: fresh keys); a restarted app over the same store passes the first one's. */
  customer?: TestCustomer;
}

/** A whole bankgate (real stores, real routes) on a temp SQLite file or the test PostgreSQL. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-test-"));
  const customer: TestCustomer = options.customer ?? {
    customerId: newRandomId(),
    secretKey: `secret-${newRandomId()}`,
    apiKey: `key-${newRandomId()}`,
  };
  // A test that shares a database between apps (two processes) passes DATABASE_URL itself.
  const database = options.store === "postgres" && !options.env?.DATABASE_URL ? await createPostgresDatabase("app") : null;
  const databaseUrl = database?.url ?? "";
  const config = loadConfig({
    BANKGATE_DATA_DIR: dataDir,
    BANKGATE_MASTER_KEYS: TEST_MASTER_KEYS,
    BANKGATE_CUSTOMER_ID: customer.customerId,
    BANKGATE_SECRET_KEY: customer.secretKey,
    BANKGATE_API_KEY: customer.apiKey,
    LOG_LEVEL: "silent",
    BANKGATE_JOB_POLL_INTERVAL_MS: "20",
    // Tests pin token mode; the development default (open for legacy clients) has tests of its own.
    BANKGATE_AUTH_MODE: "token",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  const clock = options.clock ?? new ManualClock();
  const deps = await createDeps(config, { clock, randomInt: options.randomInt, connectors: options.connectors, env: options.env ?? {} });
  const app = await buildApp(deps, { logger: false });
  if (options.checkAnswers !== false) checkAnswersAgainstDocument(app);
  if (options.listen) {
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("the test app did not get a TCP port");
    deps.selfAddress.listening("127.0.0.1", address.port);
  }
  if (options.runJobs !== false) deps.runner.start();

  const path = (operation: string, customerId = customer.customerId) => `/v3/${customerId}/BankingServices/${operation}`;
  const post = (operation: string, body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url: path(operation), payload: body as object, headers });
  const generateToken = async (who = customer) => {
    const response = await app.inject({
      method: "POST",
      url: path("GenerateAuthorizeToken", who.customerId),
      headers: { "flinks-auth-key": who.secretKey },
    });
    return response.json().Token as string;
  };
  const authorize = async (body: Record<string, unknown>, headers?: Record<string, string>) =>
    post("Authorize", body, headers ?? { "flinks-auth-key": await generateToken() });

  const testApp: TestApp = {
    app,
    deps,
    clock,
    customer,
    config,
    dataDir,
    path,
    post,
    generateToken,
    authorize,
    async connect(username = "Greatday", extra = {}) {
      const token = await generateToken();
      const first = await post(
        "Authorize",
        { Institution: "FlinksCapital", Username: username, Password: "Everyday", MostRecentCached: false, Save: true, ...extra },
        { "flinks-auth-key": token },
      );
      // Every round of questions answered (the sandbox asks at most 9).
      let answered = first;
      for (let round = 0; answered.statusCode === 203 && round < 9; round++) {
        const challenge = answered.json();
        const prompt = challenge.SecurityChallenges[0].Prompt as string;
        answered = await post(
          "Authorize",
          { RequestId: challenge.RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
          { "flinks-auth-key": token },
        );
      }
      if (answered.statusCode !== 200) throw new Error(`connect failed: ${answered.body}`);
      return answered.json();
    },
    apiKeyHeaders: (who = customer) => ({ "x-api-key": who.apiKey }),
    async addCustomer(authMode = "token") {
      const other: TestCustomer = { customerId: newRandomId(), secretKey: `secret-${newRandomId()}`, apiKey: `key-${newRandomId()}` };
      await deps.storage.customers.upsert(
        { id: other.customerId, name: "Other", secretKeyHash: sha256Hex(other.secretKey), apiKeyHash: sha256Hex(other.apiKey), authMode },
        clock.now(),
      );
      return other;
    },
    async close() {
      await app.close();
      await deps.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
}

/** The FlinksCapital sandbox bank alone, for tests that wrap or count its calls (no latency). */
export function flinksCapital(): InstitutionConnector {
  const bank = createSandboxRegistry({ pendingSeconds: 0, dispatchedSeconds: 0, slowSeconds: 0 }).find("FlinksCapital");
  if (!bank) throw new Error("FlinksCapital is a sandbox bank");
  return bank;
}
