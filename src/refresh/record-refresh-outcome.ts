import type { ErrorCode } from "../errors/catalog.js";
import type { RefreshState } from "../logins/login.js";
import type { Storage } from "../storage/storage.js";

export interface RefreshOutcome {
  at: Date;
  /** "Completed" on success, else the step the refresh stopped at. */
  state: RefreshState;
  errorCode: ErrorCode | null;
}

/**
 * The one place where a nightly refresh's outcome — success, or failure with its code — is
 * recorded on the card (what GetNightlyRefreshStatus and cached /Authorize then report).
 * Whatever else must happen once per outcome (a webhook to the customer) belongs here too.
 * Called inside the aggregation's transaction on success, so `storage` may be a transaction.
 */
export async function recordNightlyRefreshOutcome(storage: Storage, loginId: string, outcome: RefreshOutcome): Promise<void> {
  await storage.logins.recordRefreshState(loginId, outcome);
}
