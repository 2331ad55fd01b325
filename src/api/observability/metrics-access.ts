import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Who may read /metrics (docs/observability.md, "Protecting /metrics"):
 * - with BANKGATE_METRICS_TOKEN set, whoever sends it as `Authorization: Bearer <token>`;
 * - without it, only a direct request from this machine: a loopback peer that came through
 *   no proxy (no Forwarded or X-Forwarded-For header), since a reverse proxy on the same host
 *   would otherwise make every visitor look local.
 * The metrics hold no id or secret, but counts of sessions, cards and institutions are the
 * operator's business only.
 */
export function mayReadMetrics(request: FastifyRequest, token: string | null): "allowed" | "hidden" | "refused" {
  if (token !== null) return bearerMatches(request.headers.authorization, token) ? "allowed" : "refused";
  const proxied = request.headers.forwarded !== undefined || request.headers["x-forwarded-for"] !== undefined;
  return !proxied && LOOPBACK.has(request.socket.remoteAddress ?? "") ? "allowed" : "hidden";
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (presented === undefined) return false;
  const [a, b] = [Buffer.from(presented), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}
