import { parseArgs } from "node:util";
import type { FastifyInstance } from "fastify";
import { systemClock } from "../../lib/clock.js";
import { listenOnLoopback, simulatorListenOf, simulatorServer } from "../simulator-server.js";
import { simpleFinSimulator } from "./simplefin-simulator.js";

export interface StartedSimpleFinSim {
  /** The simulator's root URL (its /create, /info, /claim and /accounts are under it). */
  url: string;
  /** A fresh setup token for `scenario` and `user`. */
  setupToken: string;
  app: FastifyInstance;
}

const PREFIX = "/simplefin";

/**
 * The SimpleFIN simulator on its own, for trying a SimpleFIN client by hand:
 *
 *   npm run sim -- simplefin [--port 8443] [--cert cert.pem --key key.pem]
 *                            [--scenario ok] [--user alice] [--seed s]
 *
 * Listens on 127.0.0.1 only (HTTPS when given a certificate and key, as SimpleFIN clients
 * insist on), serves the protocol under /simplefin and prints a fresh setup token.
 */
export async function startSimpleFinSim(argv: readonly string[]): Promise<StartedSimpleFinSim> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string", default: "0" },
      cert: { type: "string" },
      key: { type: "string" },
      scenario: { type: "string", default: "ok" },
      user: { type: "string" },
      seed: { type: "string" },
    },
    strict: true,
  });
  const listen = simulatorListenOf(values);
  const app = simulatorServer(listen);
  let url = "";
  await app.register(simpleFinSimulator, { prefix: PREFIX, baseUrl: () => url, clock: systemClock, seed: values.seed });
  const address = await listenOnLoopback(app, listen);
  url = `${address}${PREFIX}`;
  const query = new URLSearchParams({ scenario: values.scenario, ...(values.user ? { user: values.user } : {}) });
  const created = await app.inject({ method: "POST", url: `${PREFIX}/create?${query}` });
  if (created.statusCode !== 200) {
    await app.close();
    throw new Error(created.body);
  }
  return { url, setupToken: created.body, app };
}
