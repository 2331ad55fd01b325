import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Config } from "../../config/config.js";

type ServerLimits = Pick<
  Config["server"],
  "headersTimeoutSeconds" | "requestTimeoutSeconds" | "keepAliveTimeoutSeconds" | "maxConnections"
>;

/**
 * The timeouts Node's HTTP server enforces itself, as Fastify options (docs/decisions.md,
 * "HTTP connections"): headers within the headers timeout, the whole request (headers and
 * body) within the request timeout — the answer may take longer — and an idle keep-alive
 * connection closed after the keep-alive timeout. Node checks the first two every
 * `connectionsCheckingInterval` (30 s by default): a quarter of the headers timeout here,
 * so a timeout means what it says.
 */
export function httpTimeoutOptions(limits: ServerLimits) {
  const headersTimeout = limits.headersTimeoutSeconds * 1000;
  return {
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    requestTimeout: limits.requestTimeoutSeconds * 1000,
    http: { headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 4)) },
  };
}

/**
 * What Node's server does not do by itself: a connection that opens and never sends a byte
 * is closed after the headers timeout (Node's own headers timeout starts at the first byte),
 * and at most `maxConnections` are open at once — past that, new connections are closed as
 * they arrive.
 */
export function limitConnections(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.maxConnections;
  const waitingForFirstRequest = new WeakSet<Socket>();
  server.on("connection", (socket: Socket) => {
    waitingForFirstRequest.add(socket);
    // With no 'timeout' listener on the server, Node destroys a socket that times out.
    socket.setTimeout(limits.headersTimeoutSeconds * 1000);
  });
  server.on("request", (request) => {
    const { socket } = request;
    if (!waitingForFirstRequest.delete(socket)) return;
    // From the first request on, Node's own header, request and keep-alive timeouts apply.
    socket.setTimeout(0);
  });
}
