import { HttpError } from "../http/http-client.js";
import type { ConnectorFailure } from "../types.js";

/**
 * A request that got no HTTP answer, as the failure the person sees. A URL the address policy
 * refuses (plain HTTP, loopback, private, link-local, the metadata service) gets its own clear
 * code: it came from a setup token someone typed, and waiting would not change the answer.
 * Anything else (timeout, reset, TLS, an answer too large to read) is the institution being
 * unreachable for now. The error's own text is never passed on: it may name the host.
 */
export function failureOfRequestError(error: unknown): ConnectorFailure {
  if (error instanceof HttpError && (error.kind === "bad-url" || error.kind === "refused-address")) return "INSTITUTION_URL_REFUSED";
  return "RETRY_LATER";
}
