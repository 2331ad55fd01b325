// The HTTP client the load-style benches share (bench/load.js, bench/retention.js,
// bench/connectors.js): JSON requests on a keep-alive agent, each bounded by a timeout, and the
// percentile they report.
import { Agent, request as httpRequest } from "node:http";
import { HOST } from "./harness.js";

/**
 * A keep-alive client. `call(port, method, path, headers, body)` sends a request to
 * 127.0.0.1:`port` and resolves { status, headers, body, text, ms } — body the parsed JSON, null when the
 * answer is empty or not JSON; ms the round trip as the client saw it — and rejects on a socket error or after `timeoutMs`.
 */
export function jsonClient({ maxSockets = 64, timeoutMs = 30_000 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const call = (port, method, path, headers = {}, body) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: HOST,
          port,
          path,
          method,
          agent,
          headers: payload ? { "content-type": "application/json", "content-length": payload.length, ...headers } : headers,
        },
        (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode, headers: res.headers, body: parseOrNull(text), text, ms: performance.now() - started });
          });
          res.on("error", reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  };
  return { call, close: () => agent.destroy() };
}

function parseOrNull(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** The p-th percentile (nearest rank) of an ascending array; NaN when it is empty. */
export function percentile(sorted, p) {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
