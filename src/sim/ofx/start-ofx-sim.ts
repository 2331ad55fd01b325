import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import Fastify, { type FastifyInstance } from "fastify";
import { systemClock } from "../../lib/clock.js";
import { ofxSimPlugin } from "./ofx-sim-plugin.js";
import { DEFAULT_OFX_SIM_INSTITUTIONS } from "./sim-institutions.js";

/**
 * Runs the OFX simulator alone, on 127.0.0.1 only:
 *   node dist/sim/ofx/start-ofx-sim.js --port 8443 --cert cert.pem --key key.pem
 * (plain HTTP without --cert/--key; port 0 picks one). Prints the URL it serves, then each
 * bank's URL, and stops on SIGINT or SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      cert: { type: "string" },
      key: { type: "string" },
      seed: { type: "string", default: "ofx-sim" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error("--port must be 0–65535");
  if (Boolean(values.cert) !== Boolean(values.key)) throw new Error("--cert and --key go together");
  const https = values.cert && values.key ? { cert: readFileSync(values.cert), key: readFileSync(values.key) } : null;
  // One plugin for both: the HTTPS server type differs from the HTTP one only in its raw server.
  const app = (https ? Fastify({ https }) : Fastify()) as unknown as FastifyInstance;
  await app.register(ofxSimPlugin, { clock: systemClock, seed: values.seed ?? "ofx-sim" });
  const address = await app.listen({ host: "127.0.0.1", port });
  process.stdout.write(`OFX simulator listening on ${address}\n`);
  for (const bank of DEFAULT_OFX_SIM_INSTITUTIONS) process.stdout.write(`  ${address}/${bank.id}  ORG ${bank.org}, FID ${bank.fid}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
