import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Fastify, { type FastifyInstance } from "fastify";
import { systemClock } from "../../lib/clock.js";
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
 *   node dist/sim/simplefin/start-simplefin-sim.js [--port 8443] [--cert cert.pem --key key.pem]
 *                                                  [--scenario ok] [--user alice] [--seed s]
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
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError("--port must be 0 to 65535");
  if (Boolean(values.cert) !== Boolean(values.key)) throw new Error("--cert and --key go together");
  const https = values.cert && values.key ? { cert: readFileSync(values.cert), key: readFileSync(values.key) } : null;
  // Typed as the plain HTTP server: the https option changes the server, not the routes.
  const app: FastifyInstance = Fastify({ forceCloseConnections: true, ...(https ? { https } : {}) });
  let url = "";
  await app.register(simpleFinSimulator, { prefix: PREFIX, baseUrl: () => url, clock: systemClock, seed: values.seed });
  const address = await app.listen({ host: "127.0.0.1", port });
  url = `${address}${PREFIX}`;
  const query = new URLSearchParams({ scenario: values.scenario, ...(values.user ? { user: values.user } : {}) });
  const created = await app.inject({ method: "POST", url: `${PREFIX}/create?${query}` });
  if (created.statusCode !== 200) {
    await app.close();
    throw new Error(created.body);
  }
  return { url, setupToken: created.body, app };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startSimpleFinSim(process.argv.slice(2)).then(
    ({ url, setupToken }) => {
      process.stdout.write(`SimpleFIN simulator on ${url}\n  make tokens  ${url}/create\n  setup token  ${setupToken}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
