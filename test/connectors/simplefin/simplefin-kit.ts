import Fastify from "fastify";
import type { AddressPolicy } from "../../../src/connectors/http/address-policy.js";
import { GuardedHttpClient } from "../../../src/connectors/http/guarded-http-client.js";
import { createSimpleFinConnector, type SimpleFinConnectorOptions } from "../../../src/connectors/simplefin/simplefin-connector.js";
import type {
  CardVault,
  ConnectorContext,
  Credentials,
  InstitutionConnector,
  InstitutionMemory,
  Json,
} from "../../../src/connectors/types.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { simpleFinSimulator } from "../../../src/sim/simplefin/simplefin-simulator.js";

/** A card's vault in memory: what a connector wrote survives a new context (a crash and a retry share it). */
export class MemoryVault implements CardVault {
  #stored: string | null = null;
  writes = 0;

  async read(): Promise<Json | null> {
    return this.#stored === null ? null : (JSON.parse(this.#stored) as Json);
  }

  async write(value: Json): Promise<void> {
    this.writes++;
    this.#stored = JSON.stringify(value);
  }

  /** The stored record as text, for checks that nothing leaks elsewhere. */
  raw(): string | null {
    return this.#stored;
  }
}

class MemoryInstitutionMemory implements InstitutionMemory {
  readonly #values = new Map<string, string>();
  async read(key: string): Promise<Json | null> {
    const text = this.#values.get(key);
    return text === undefined ? null : (JSON.parse(text) as Json);
  }
  async write(key: string, value: Json): Promise<void> {
    this.#values.set(key, JSON.stringify(value));
  }
}

export interface SimRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
}

/**
 * The SimpleFIN connector against its simulator over real HTTP on 127.0.0.1 (a ConnectorKit for
 * the contract suite): the simulator on port 0 with a ManualClock it shares with the connector,
 * connector contexts whose HttpClient keeps the strict address rules for every origin but the
 * simulator's, credentials for each scenario, and a teardown.
 */
export interface SimpleFinKit {
  clock: ManualClock;
  /** The simulator's origin (`http://127.0.0.1:port`) and root URL (`…/simplefin`). */
  origin: string;
  rootUrl: string;
  connector(options?: SimpleFinConnectorOptions): InstitutionConnector;
  /** A fresh setup token for `scenario`, for `user` (the same user keeps the same accounts). */
  setupToken(scenario: string, user?: string): Promise<string>;
  /** Login credentials: a label and a fresh setup token for the scenario. */
  credentials(scenario: string, user?: string): Promise<Credentials>;
  /** A connector context; pass a vault to continue a card (a retry, a refresh, another process); `attended`: a person is there (default: no, as the nightly refresh). */
  context(vault?: CardVault, policy?: AddressPolicy, attended?: boolean): ConnectorContext;
  /** Every request the simulator received, in order. */
  requests: SimRequest[];
  /** `POST /_control/{action}?…` on the simulator (revoke, scenario). */
  control(action: "revoke" | "scenario", query: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function startSimpleFinKit(start = new Date("2026-01-15T15:00:00.000Z")): Promise<SimpleFinKit> {
  const clock = new ManualClock(start);
  const app = Fastify({ forceCloseConnections: true });
  const requests: SimRequest[] = [];
  app.addHook("onRequest", async (request) => {
    const url = new URL(request.url, "http://simulator.invalid");
    requests.push({ method: request.method, path: url.pathname, query: url.searchParams });
  });
  let rootUrl = "";
  await app.register(simpleFinSimulator, { prefix: "/simplefin", baseUrl: () => rootUrl, clock });
  const origin = await app.listen({ host: "127.0.0.1", port: 0 });
  rootUrl = `${origin}/simplefin`;
  const simPolicy: AddressPolicy = { allowHttp: true, allowPrivateAddresses: false, trustedOrigins: [origin] };

  const setupToken = async (scenario: string, user?: string) => {
    const query = new URLSearchParams({ scenario, ...(user ? { user } : {}) });
    const created = await app.inject({ method: "POST", url: `/simplefin/create?${query}` });
    if (created.statusCode !== 200) throw new Error(`create: ${created.statusCode} ${created.body}`);
    return created.body;
  };
  return {
    clock,
    origin,
    rootUrl,
    connector: (options) => createSimpleFinConnector({ requestTimeoutSeconds: 5, ...options }),
    setupToken,
    credentials: async (scenario, user) => ({
      username: user ?? `card-${scenario}`,
      password: await setupToken(scenario, user),
      language: "en",
    }),
    context: (vault: CardVault = new MemoryVault(), policy = simPolicy, attended = false) => ({
      clock,
      randomInt: (max) => Math.floor(max / 2),
      memory: new MemoryInstitutionMemory(),
      http: new GuardedHttpClient(policy),
      vault,
      attended,
    }),
    requests,
    control: async (action, query) => {
      const response = await app.inject({ method: "POST", url: `/simplefin/_control/${action}?${new URLSearchParams(query)}` });
      if (response.statusCode !== 204) throw new Error(`control ${action}: ${response.statusCode} ${response.body}`);
    },
    close: () => app.close(),
  };
}
