import type { ConnectorFailure } from "../../connectors/types.js";
import type { ErrorCode } from "../../errors/catalog.js";
import type { RouteAuth } from "../plumbing/route-auth.js";

/**
 * The catalogued codes (errors/catalog.ts) grouped by what raises them, so that the operation
 * table (operation-table.ts) says which errors an operation may answer by naming groups, and
 * a group changes in one place. The API tests check every error they receive against the
 * operation's documented codes (test/helpers/documented-responses.ts): a code missing here
 * fails them.
 */

/** What any route may answer before or around its handler: a malformed URL or body, a body too large or in another charset, a bug. */
export const ANY_ROUTE: readonly ErrorCode[] = ["INVALID_REQUEST", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "INTERNAL_ERROR"];

/** Any route that reads the store: a transient store fault (503, Retry-After). */
export const STORE_FAULT: readonly ErrorCode[] = ["TEMPORARILY_UNAVAILABLE"];

/** The refusals of each kind of route auth (api/plumbing/route-auth.ts, customers/caller-auth.ts). */
export const AUTH_REFUSALS: Readonly<Record<RouteAuth, readonly ErrorCode[]>> = {
  caller: ["ACCESS_DENIED"],
  serverCaller: ["ACCESS_DENIED"],
  apiKey: ["ACCESS_DENIED"],
  secretKey: ["UNAUTHORIZED"],
  bearerSecretKey: ["ACCESS_DENIED"],
  public: [],
};

/**
 * Every expected failure a connector may report (the ConnectorFailure union of
 * connectors/types.ts): a record over the union, so a new failure that is not listed here
 * fails the typecheck.
 */
const CONNECTOR_FAILURES: Record<ConnectorFailure, true> = {
  INVALID_USERNAME: true,
  INVALID_PASSWORD: true,
  INVALID_LOGIN: true,
  INVALID_SECURITY_RESPONSE: true,
  RETRY_LATER: true,
  DISABLED_LOGIN: true,
  NEW_ACCOUNT: true,
  UNAUTHORIZED: true,
  AGGREGATION_ERROR: true,
  SETUP_TOKEN_INVALID: true,
  SETUP_TOKEN_ALREADY_USED: true,
  INSTITUTION_URL_REFUSED: true,
  RECONNECT_REQUIRED: true,
  CONNECTION_NEEDS_ATTENTION: true,
  PAYMENT_REQUIRED: true,
  DAILY_REQUEST_LIMIT: true,
  DISABLED_INSTITUTION: true,
  PASSWORD_CHANGE_REQUIRED: true,
  INSTITUTION_PROTOCOL_ERROR: true,
};

/** What a step at the institution may end with: its failures, the brute-force lock, a question with no stored answer. */
export const INSTITUTION_OUTCOMES: readonly ErrorCode[] = [
  ...(Object.keys(CONNECTOR_FAILURES) as ConnectorFailure[]),
  "INVALID_SECURITY_RESPONSE_NO_RETRY",
  "ATTEMPTS_LOCKED",
  "QUESTION_NOT_FOUND",
];

/** A RequestId that is not (or no longer) a session of this caller. */
export const SESSION_LOOKUP: readonly ErrorCode[] = ["SESSION_NONEXISTENT", "SESSION_EXPIRED"];

/** A stored card the request names, and its secrets. */
export const CARD_LOOKUP: readonly ErrorCode[] = ["INVALID_LOGIN", "CARD_UNREADABLE"];

/** /Authorize and its twins: opening or continuing a session, and every outcome of its step. */
export const AUTHORIZE_FLOW: readonly ErrorCode[] = [
  ...SESSION_LOOKUP,
  ...CARD_LOOKUP,
  ...INSTITUTION_OUTCOMES,
  "NO_SAVED_CREDENTIALS",
  "CONCURRENT_SESSION",
  "SESSION_BUSY",
  "SESSION_REPLACED",
  "ALREADY_AUTHORIZED",
  "UNKNOWN_CHALLENGE_KEY",
  "SECURITYRESPONSES_INCOMPLETE",
];

/** A data call: an authorized session of this caller, and the card's last refresh (whose error it answers). */
export const DATA_READ: readonly ErrorCode[] = [...SESSION_LOOKUP, ...CARD_LOOKUP, ...INSTITUTION_OUTCOMES, "UNAUTHORIZED_SESSION"];
