import { createHash } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { GuardedHttpClient } from "../../../src/connectors/http/guarded-http-client.js";
import { type OfxInstitution, parseInstitutionDirectory } from "../../../src/connectors/ofx/institution-directory.js";
import { createOfxConnector } from "../../../src/connectors/ofx/ofx-connector.js";
import type { CardVault, ConnectorContext, InstitutionConnector, Json } from "../../../src/connectors/types.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { ofxSimPlugin } from "../../../src/sim/ofx/ofx-sim-plugin.js";

/** A card vault in memory, as bankgate's would hold it for one card across sessions. */
export class MemoryCardVault implements CardVault {
  value: Json | null = null;
  writes = 0;
  async read() {
    return this.value === null ? null : (JSON.parse(JSON.stringify(this.value)) as Json);
  }
  async write(value: Json) {
    this.writes++;
    this.value = JSON.parse(JSON.stringify(value)) as Json;
  }
}

export interface OfxSimHarness {
  app: FastifyInstance;
  origin: string;
  clock: ManualClock;
  /** The directory entry for one of the simulator's banks, served by this harness. */
  institution(id: string, overrides?: Record<string, unknown>): OfxInstitution;
  connector(id: string, overrides?: Record<string, unknown>): InstitutionConnector;
  /** A fresh context for one step: its own http client and random source, the card's vault. */
  context(vault: CardVault): ConnectorContext;
  close(): Promise<void>;
}

const SIM_BANKS: Record<string, { org: string; fid: string; institutionId: number }> = {
  ofxsim: { org: "OFXSIM", fid: "7001", institutionId: 7001 },
  "ofxsim-classic": { org: "OFXSIMC", fid: "7002", institutionId: 7002 },
  "ofxsim-extra": { org: "OFXSIMX", fid: "7003", institutionId: 7003 },
};

/**
 * Starts the OFX simulator on 127.0.0.1:0 (plain HTTP) with a ManualClock and gives connectors
 * for its banks, reached through the real address-checked client: loopback is not allowed,
 * only the simulator's own origin is trusted. What a connector contract kit needs.
 */
export async function startOfxSimHarness(options: { slowSeconds?: number; start?: Date } = {}): Promise<OfxSimHarness> {
  const clock = new ManualClock(options.start ?? new Date("2026-01-15T15:00:00.000Z"));
  const app = Fastify();
  await app.register(ofxSimPlugin, { prefix: "/sim/ofx", clock, seed: "test-seed", slowSeconds: options.slowSeconds });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const origin = new URL(address).origin;
  let draws = 0;
  const institution = (id: string, overrides: Record<string, unknown> = {}): OfxInstitution => {
    const bank = SIM_BANKS[id] ?? { org: "NOPE", fid: "0", institutionId: 7999 };
    const entry = { id, name: `Simulated ${id}`, url: `${origin}/sim/ofx/${id}`, ofxVersion: 160, ...bank, ...overrides };
    const [parsed] = parseInstitutionDirectory(JSON.stringify({ institutions: [entry] }));
    return parsed as OfxInstitution;
  };
  return {
    app,
    origin,
    clock,
    institution,
    connector: (id, overrides) => createOfxConnector(institution(id, overrides)),
    context: (vault) => ({
      clock,
      // Deterministic, and a hash of a counter shared by every context: CLIENTUIDs and TRNUIDs never repeat in a run.
      randomInt: (max) => createHash("sha256").update(`draw ${draws++}`).digest().readUInt32LE(0) % max,
      memory: { read: async () => null, write: async () => {} },
      http: new GuardedHttpClient({ allowHttp: true, allowPrivateAddresses: false, trustedOrigins: [origin] }),
      vault,
      attended: true,
    }),
    close: () => app.close(),
  };
}
