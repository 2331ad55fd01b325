import type { HttpClient } from "../http/http-client.js";
import type { ConnectorFailure } from "../types.js";
import { parseAccessUrl } from "./access-url.js";
import { failureOfRequestError } from "./http-failure.js";

export type ClaimOutcome = { kind: "claimed"; accessUrl: string } | { kind: "failed"; code: ConnectorFailure };

/** An access URL is one line; a bigger answer is not one. */
const MAX_CLAIM_RESPONSE_BYTES = 4096;

/**
 * Trades a setup token's claim URL for the access URL (`POST /claim/:token`, an empty body).
 * The protocol's answers: 200 with the access URL as the body; 403 when the token does not exist
 * or was already claimed — possibly by someone else, so the person is told it may be
 * compromised (SETUP_TOKEN_ALREADY_USED). A 404 means the URL is no SimpleFIN claim URL.
 */
export async function claimAccessUrl(http: HttpClient, claimUrl: string, timeoutSeconds: number): Promise<ClaimOutcome> {
  let status: number;
  let body: Buffer;
  try {
    ({ status, body } = await http.request({
      url: claimUrl,
      method: "POST",
      headers: { "content-length": "0" },
      body: "",
      timeoutSeconds,
      maxResponseBytes: MAX_CLAIM_RESPONSE_BYTES,
    }));
  } catch (error) {
    return { kind: "failed", code: failureOfRequestError(error) };
  }
  if (status === 200) {
    const accessUrl = parseAccessUrl(body.toString("utf8"));
    // The token is spent now; a garbled answer is the server's fault, retrying cannot help.
    return accessUrl ? { kind: "claimed", accessUrl } : { kind: "failed", code: "RETRY_LATER" };
  }
  return { kind: "failed", code: claimFailureOf(status) };
}

function claimFailureOf(status: number): ConnectorFailure {
  if (status === 403) return "SETUP_TOKEN_ALREADY_USED";
  if (status === 404 || status === 405 || status === 410) return "SETUP_TOKEN_INVALID";
  if (status === 402) return "PAYMENT_REQUIRED";
  return "RETRY_LATER";
}
