import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";

/** The port and optional certificate a simulator listens with (`--port N [--cert FILE --key FILE]`). */
export interface SimulatorListen {
  port: number;
  https: { cert: Buffer; key: Buffer } | null;
}

/** Reads `--port` (0 picks one), and `--cert` with `--key` (both or neither). */
export function simulatorListenOf(values: { port?: string; cert?: string; key?: string }): SimulatorListen {
  const port = Number(values.port ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError("--port must be 0 to 65535");
  if (Boolean(values.cert) !== Boolean(values.key)) throw new Error("--cert and --key go together");
  const https = values.cert && values.key ? { cert: readFileSync(values.cert), key: readFileSync(values.key) } : null;
  return { port, https };
}

/**
 * A bare Fastify server for one simulator: HTTPS when given a certificate (SimpleFIN and OFX
 * clients insist on TLS), connections closed at once on close. Typed as the plain HTTP server:
 * the https option changes the raw server, not the routes.
 */
export function simulatorServer(listen: SimulatorListen): FastifyInstance {
  return (listen.https
    ? Fastify({ https: listen.https, forceCloseConnections: true })
    : Fastify({ forceCloseConnections: true })) as unknown as FastifyInstance;
}

/** Only on 127.0.0.1: a simulator is a test peer, never a service. */
export function listenOnLoopback(app: FastifyInstance, listen: SimulatorListen): Promise<string> {
  return app.listen({ host: "127.0.0.1", port: listen.port });
}
