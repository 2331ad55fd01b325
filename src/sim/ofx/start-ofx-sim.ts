import { parseArgs } from "node:util";
import type { FastifyInstance } from "fastify";
import { systemClock } from "../../lib/clock.js";
import { listenOnLoopback, simulatorListenOf, simulatorServer } from "../simulator-server.js";
import { ofxSimPlugin } from "./ofx-sim-plugin.js";
import { DEFAULT_OFX_SIM_INSTITUTIONS } from "./sim-institutions.js";

export interface StartedOfxSim {
  /** The server's root: each bank answers at `{url}/{bank id}`. */
  url: string;
  app: FastifyInstance;
}

/**
 * The OFX simulator on its own, on 127.0.0.1 only:
 *
 *   npm run sim -- ofx [--port 8443] [--cert cert.pem --key key.pem] [--seed s]
 *
 * (plain HTTP without --cert/--key; port 0 picks one).
 */
export async function startOfxSim(argv: readonly string[]): Promise<StartedOfxSim> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string", default: "0" },
      cert: { type: "string" },
      key: { type: "string" },
      seed: { type: "string", default: "ofx-sim" },
    },
    strict: true,
  });
  const listen = simulatorListenOf(values);
  const app = simulatorServer(listen);
  await app.register(ofxSimPlugin, { clock: systemClock, seed: values.seed ?? "ofx-sim" });
  return { url: await listenOnLoopback(app, listen), app };
}

/** What to tell the person who started it. */
export function describeOfxSim(url: string): string {
  const banks = DEFAULT_OFX_SIM_INSTITUTIONS.map((bank) => `  ${url}/${bank.id}  ORG ${bank.org}, FID ${bank.fid}`);
  return `OFX simulator listening on ${url}\n${banks.join("\n")}\n`;
}
