import type { Login } from "../records/login.js";

/**
 * A card is refreshed nightly only if it succeeded this recently
 * (https://docs.flinks.com/guides/connect/nightly-refresh).
 */
export const NIGHTLY_SUCCESS_WINDOW_MS = 7 * 86_400_000;

/**
 * Last errors that leave a card eligible, as Flinks' nightly refresh page lists them: the bank or
 * bankgate was at fault, not the user's login.
 */
export const RETRYABLE_REFRESH_ERRORS: ReadonlySet<string> = new Set([
  "RETRY_LATER",
  "AGGREGATION_ERROR",
  "SESSION_EXPIRED",
  "DISABLED_INSTITUTION",
  "UNAUTHORIZED",
  "SESSION_NONEXISTENT",
  "BANK_MAINTENANCE_RETRY_LATER",
  // SimpleFIN: fixed at the SimpleFIN server (the connection, the subscription) or by waiting
  // for the next UTC day, not by the person reconnecting in the app.
  "CONNECTION_NEEDS_ATTENTION",
  "PAYMENT_REQUIRED",
  "DAILY_REQUEST_LIMIT",
  // OFX: an answer that was not valid OFX is the bank's trouble (its wire code is AGGREGATION_ERROR, eligible too).
  "INSTITUTION_PROTOCOL_ERROR",
]);

/**
 * The rules of Flinks' nightly refresh page that bankgate can know: nightly refresh on, saved
 * credentials, a successful refresh in the last 7 days, and no last error that needs the user.
 * (Flinks' "a cached call in the last 7 days" rule is not applied:
 * docs/decisions.md#nightly-refresh.)
 */
export function isEligibleForNightly(card: Login, now: Date): boolean {
  return (
    card.isScheduledRefresh &&
    card.credentialsEnc !== null &&
    card.lastRefreshAt !== null &&
    now.getTime() - card.lastRefreshAt.getTime() <= NIGHTLY_SUCCESS_WINDOW_MS &&
    (card.lastRefreshError === null || RETRYABLE_REFRESH_ERRORS.has(card.lastRefreshError))
  );
}

/** What GetNightlyRefreshStatus lists: scheduled cards that will not be refreshed, or whose last refresh failed. */
export function needsAttention(card: Login, now: Date): boolean {
  return card.isScheduledRefresh && (card.lastRefreshError !== null || !isEligibleForNightly(card, now));
}
