import type { FastifyBaseLogger } from "fastify";
import { ApiError } from "../../errors/api-error.js";
import { StoreFaultError } from "../../errors/store-fault.js";
import { VaultError } from "../../vault/vault.js";

/**
 * Faults that are not bugs, as the caller's answer (docs/decisions.md, "Faults answered as
 * faults"), each logged for the operator as what it is:
 * - a transient store fault (locked, full, unreachable) is `503 TEMPORARILY_UNAVAILABLE` with
 *   Retry-After (RETRY_LATER on the wire), logged as a warning: the server itself is fine;
 * - a ciphertext that fails to open is `500 CARD_UNREADABLE` for the card it belongs to,
 *   logged as an error naming its record (the AAD, never its content): it was altered in the
 *   store, or sealed with a master key this server does not have.
 * Anything else is not a fault this knows: null.
 */
export function faultAsApiError(error: unknown, log: Pick<FastifyBaseLogger, "warn" | "error">): ApiError | null {
  if (error instanceof StoreFaultError) {
    log.warn({ fault: error.kind, cause: causeOf(error) }, `store ${error.kind}: answered 503, retry after ${error.retryAfterSeconds} s`);
    return new ApiError("TEMPORARILY_UNAVAILABLE", { retryAfterSeconds: error.retryAfterSeconds });
  }
  if (error instanceof VaultError) {
    log.error(
      { record: error.purpose ?? "unknown", reason: error.message },
      "stored ciphertext cannot be opened (tampered with, or sealed with a master key this server lacks): only its card fails",
    );
    return new ApiError("CARD_UNREADABLE");
  }
  return null;
}

/** The driver's code and message, short: they name the fault (SQLITE_BUSY, ECONNREFUSED…), never data. */
function causeOf(error: StoreFaultError): { code?: string; message?: string } {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  return {
    code: typeof cause?.code === "string" ? cause.code : undefined,
    message: typeof cause?.message === "string" ? cause.message.slice(0, 200) : undefined,
  };
}
