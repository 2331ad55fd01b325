/**
 * Every error bankgate can answer with: the only place codes are defined (docs/architecture.md).
 * `docs/errors.md` is generated from this table (`npm run docs`).
 *
 * Where Flinks' own pages disagree, the choice is made once here and the reason noted.
 */
export interface CatalogEntry {
  httpStatus: number;
  message: string;
  /** Why this status/code was chosen where sources conflict; shown in docs/errors.md. */
  note?: string;
}

export const errorCatalog = {
  INVALID_REQUEST: {
    httpStatus: 400,
    message: "The request is malformed or misses a required field.",
    note: "400 as in Flinks' help center (the newer error table says 401); a malformed request is the caller's fault, not an authentication failure.",
  },
  PAYLOAD_TOO_LARGE: {
    httpStatus: 413,
    message: "The request body is larger than this server accepts.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    httpStatus: 415,
    message: "Send the request body as JSON in UTF-8.",
    note: "Also for a charset other than UTF-8 (`application/json; charset=latin1`): JSON between systems is UTF-8 (RFC 8259), and guessing another encoding would store mangled names.",
  },
  NOT_FOUND: {
    httpStatus: 404,
    message: "There is no such operation.",
  },
  UNAUTHORIZED: {
    httpStatus: 401,
    message: "You must provide a valid auth key",
    note: "Flinks answers a bad secret on /GenerateAuthorizeToken with UNAUTHORIZED (seen by the C# SDK's sandbox tests).",
  },
  ACCESS_DENIED: {
    httpStatus: 401,
    message: "You must provide a valid authorize token or API key",
    note: "Used for every missing or wrong caller credential outside /GenerateAuthorizeToken: unknown customer, wrong API key, and expired, reused or foreign authorize tokens all look the same.",
  },
  SESSION_NONEXISTENT: {
    httpStatus: 400,
    message: "The RequestId does not exist.",
    note: "Unknown, malformed, other customers' and purged RequestIds all get this exact answer so that nobody can probe which ids exist.",
  },
  SESSION_EXPIRED: {
    httpStatus: 400,
    message: "The RequestId has expired. Start a new session with /Authorize.",
    note: "Only for this customer's own RequestIds whose idle time or absolute lifetime has passed: Flinks documents it for the 8-minute inactivity timeout, and it tells the integrator to start over rather than to look for a bug.",
  },
  SESSION_REPLACED: {
    httpStatus: 400,
    message:
      "A newer session took over this card while this RequestId waited for its MFA answer. Continue with the newer RequestId, or start again.",
    note: "A new login with credentials, or a live refresh started by the app, takes over a card whose live session only waits for the person (the tab closed at the MFA prompt); the older RequestId then answers this. 400 like the other ended RequestIds (SESSION_EXPIRED, SESSION_NONEXISTENT); a session whose step is at the institution is never replaced (the newcomer gets 409 CONCURRENT_SESSION instead).",
  },
  INVALID_LOGIN: {
    httpStatus: 401,
    message: "Invalid LoginId: it is unknown or was deleted.",
    note: "401 as in the newer Flinks error table and the Connect handled-errors page (older help said 400); unknown, deleted and other customers' LoginIds look the same.",
  },
  NO_SAVED_CREDENTIALS: {
    httpStatus: 401,
    message: "This LoginId has no saved credentials; connect it again with Save: true.",
  },
  INVALID_USERNAME: { httpStatus: 401, message: "The institution rejected the username." },
  INVALID_PASSWORD: { httpStatus: 401, message: "The institution rejected the password." },
  INVALID_SECURITY_RESPONSE: {
    httpStatus: 401,
    message: "The answer to the security challenge is wrong. You may try again.",
    note: "Retry is allowed (as Connect's handled-errors page says) until the per-RequestId limit; the last wrong answer gets INVALID_SECURITY_RESPONSE_NO_RETRY.",
  },
  INVALID_SECURITY_RESPONSE_NO_RETRY: {
    httpStatus: 401,
    message: "The answer to the security challenge is wrong and no attempts are left. Start a new session.",
  },
  UNKNOWN_CHALLENGE_KEY: {
    httpStatus: 401,
    message: "SecurityResponses answers a question that was not asked.",
  },
  SECURITYRESPONSES_INCOMPLETE: {
    httpStatus: 401,
    message: "SecurityResponses must answer every pending challenge.",
  },
  ALREADY_AUTHORIZED: {
    httpStatus: 400,
    message: "This RequestId is already authorized; there is nothing to answer. Call the data endpoints.",
    note: "Answers sent to an authorized session (a replay, or a cached session that was never challenged). A RequestId alone still replays the 200.",
  },
  ATTEMPTS_LOCKED: {
    httpStatus: 401,
    message: "Too many wrong answers or passwords for this login: it is locked for a while. Try again later.",
    note: "The brute-force lock (per card for MFA answers, per institution + username for passwords). On the wire it is Flinks' TOO_MANY_REQUESTS (401 in the docs).",
  },
  CONCURRENT_SESSION: {
    httpStatus: 409,
    message: "Another session of this card is at the institution right now. Try again in a moment.",
    note: "Only a live session whose step (a login or an answer) is at the institution refuses a newcomer; one that waits for its person is taken over (it then answers SESSION_REPLACED). The nightly refresh never takes a card over: it skips a card with any live session.",
  },
  SESSION_BUSY: {
    httpStatus: 409,
    message: "Another request on this RequestId is being processed; retry in a moment.",
    note: "The loser of two concurrent answers to one challenge: exactly one answer reaches the institution.",
  },
  QUESTION_NOT_FOUND: {
    httpStatus: 401,
    message: "The institution asked a security question that has no stored answer.",
  },
  RETRY_LATER: { httpStatus: 401, message: "The institution could not be reached. Retry later." },
  DISABLED_LOGIN: { httpStatus: 401, message: "The institution has disabled this login." },
  NEW_ACCOUNT: {
    httpStatus: 401,
    message: "The user must log in to online banking and complete an action there first.",
  },
  DISABLED_INSTITUTION: {
    httpStatus: 405,
    message: "The institution is not available.",
  },
  AGGREGATION_ERROR: { httpStatus: 500, message: "The data could not be aggregated." },
  UNAUTHORIZED_SESSION: {
    httpStatus: 401,
    message: "This RequestId is not authorized yet; complete /Authorize first.",
  },
  // SimpleFIN connector (src/connectors/simplefin/, docs/connectors/simplefin.md). Like every
  // institution refusal above, 401: bankgate's caller sent a good request; the institution said no.
  SETUP_TOKEN_INVALID: {
    httpStatus: 401,
    message: "The SimpleFIN setup token is not valid: paste the whole token your SimpleFIN server gave you.",
    note: "A setup token is the Base64 of a claim URL; anything that does not decode to an http(s) URL gets this, before any request is sent.",
  },
  SETUP_TOKEN_ALREADY_USED: {
    httpStatus: 401,
    message:
      "This SimpleFIN setup token was already used or does not exist. If you did not use it yourself, someone else may have: disable it at your SimpleFIN server, as your data may be compromised, then create a new token.",
    note: "The SimpleFIN protocol's checklist asks apps to tell the user that a refused claim (403) may mean the token was compromised.",
  },
  INSTITUTION_URL_REFUSED: {
    httpStatus: 401,
    message: "The institution's address is not allowed from this server (plain HTTP, or a loopback, private or link-local address).",
    note: "Server-side request forgery protection: a setup token is a URL anyone can type, so it gets this clear answer instead of a silent RETRY_LATER. A deployment that runs its own SimpleFIN server on its network allows plain HTTP or private addresses in its configuration.",
  },
  RECONNECT_REQUIRED: {
    httpStatus: 401,
    message:
      "The institution no longer accepts this card's access (it was revoked or disabled). Connect the card again with a new setup token.",
    note: "SimpleFIN answered 403 or gen.auth to the stored access URL. A refresh started by the app asks for a new setup token (203) instead; a nightly refresh cannot, so the card stops there.",
  },
  CONNECTION_NEEDS_ATTENTION: {
    httpStatus: 401,
    message:
      "The SimpleFIN server lost its sign-in at your bank: sign in at your SimpleFIN server to fix the connection, then refresh again.",
    note: "SimpleFIN's con.auth: the card's access is fine, the server's own bank connection is not, so a new setup token would not help.",
  },
  PAYMENT_REQUIRED: {
    httpStatus: 401,
    message: "The SimpleFIN server asks for payment before it shares data: settle the subscription there, then refresh again.",
    note: "SimpleFIN's 402. 401 here like the other institution refusals: the status describes bankgate's answer, and the caller's request was fine.",
  },
  DAILY_REQUEST_LIMIT: {
    httpStatus: 401,
    message: "Today's request budget for this SimpleFIN connection is spent and the card has no data yet. Refresh again after 00:00 UTC.",
    note: "Only for a card with no data yet: once it has a snapshot, a spent budget keeps serving the last data instead (SimpleFIN servers expect about 24 requests a day).",
  },
  WEBHOOK_EVENT_NONEXISTENT: {
    httpStatus: 400,
    message: "The webhook event does not exist.",
    note: "Unknown, malformed and other customers' event ids get this exact answer, as RequestIds do, so nobody can probe which ids exist.",
  },
  WEBHOOK_NOT_CONFIGURED: {
    httpStatus: 400,
    message: "No webhook URL is configured for this customer; set one with PUT /bankgate/v1/{customerId}/webhooks.",
  },
  // OFX Direct Connect connector (src/connectors/ofx/, docs/connectors/ofx.md).
  PASSWORD_CHANGE_REQUIRED: {
    httpStatus: 401,
    message: "The institution requires a new password: change it in online banking, then connect again.",
    note: "OFX status 15000 (must change USERPASS). On the wire it is Flinks' NEW_ACCOUNT, whose meaning (act in online banking first) it shares, so clients keyed on FlinksCode keep working.",
  },
  INSTITUTION_PROTOCOL_ERROR: {
    httpStatus: 401,
    message: "The institution answered with something that is not a valid response of its protocol.",
    note: "A truncated or malformed OFX document, an unknown OFX version or charset, a DTD or entity declaration, an answer larger than the limit. On the wire its FlinksCode is AGGREGATION_ERROR, but with 401 like every other institution failure: the caller's request was fine and bankgate did not fail, so garbage from an institution never answers a 5xx. Retrying rarely helps, so it is not RETRY_LATER.",
  },
  // The dashboard at /dashboard/ (src/api/dashboard/, docs/dashboard.md).
  DASHBOARD_SIGNED_OUT: {
    httpStatus: 401,
    message: "Sign in to the dashboard with your secret key (the dashboard session is missing, ended or expired).",
  },
  DASHBOARD_CROSS_SITE: {
    httpStatus: 403,
    message: "This change must come from the dashboard's own page.",
    note: "A change (POST, PUT, DELETE) needs the dashboard session's CSRF token in `x-dashboard-csrf` and no cross-site `Origin` or `Sec-Fetch-Site`: a page on another site cannot change anything with the viewer's cookie.",
  },
  DASHBOARD_READ_ONLY: {
    httpStatus: 403,
    message: "The dashboard is read-only on this server (BANKGATE_DASHBOARD=read-only).",
  },
  // Faults of the server itself (docs/decisions.md, "Faults answered as faults").
  TEMPORARILY_UNAVAILABLE: {
    httpStatus: 503,
    message: "The server cannot reach its data store right now. Retry after the delay in the Retry-After header.",
    note: "A transient fault of the server's own store: the SQLite file locked by another process past BANKGATE_STORE_WAIT_MS (Retry-After: 1), PostgreSQL down or restarting (5), no disk space left (30). Nothing was changed; the same request may be sent again. On the wire it is Flinks' RETRY_LATER, the code clients already retry on.",
  },
  CARD_UNREADABLE: {
    httpStatus: 500,
    message:
      "This card's stored secrets cannot be read on this server. Connect the card again; if this happens to every card, ask the operator.",
    note: "A ciphertext of this card failed authentication (it was altered, or was sealed with a master key this server does not have). Only this card's calls fail; the server logs which record it was.",
  },
  INTERNAL_ERROR: {
    httpStatus: 500,
    message: "An unexpected error occurred.",
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

/** The HTTP statuses an error may answer with. */
export type ErrorHttpStatus = (typeof errorCatalog)[ErrorCode]["httpStatus"];

/** The internal codes sent under another Flinks name (wireFlinksCode). */
type RenamedOnWire =
  | "UNAUTHORIZED_SESSION"
  | "NO_SAVED_CREDENTIALS"
  | "ATTEMPTS_LOCKED"
  | "PASSWORD_CHANGE_REQUIRED"
  | "INSTITUTION_PROTOCOL_ERROR"
  | "TEMPORARILY_UNAVAILABLE";

/** Every FlinksCode an error answer carries on the wire (the typed client's error union). */
export type FlinksCode =
  | Exclude<ErrorCode, RenamedOnWire>
  | "UNAUTHORIZED"
  | "INVALID_LOGIN"
  | "TOO_MANY_REQUESTS"
  | "NEW_ACCOUNT"
  | "AGGREGATION_ERROR"
  | "RETRY_LATER";

/**
 * The FlinksCode sent on the wire. Internal codes that Flinks has no name for map onto the
 * closest documented one so that client libraries keyed on FlinksCode keep working.
 */
export function wireFlinksCode(code: ErrorCode): FlinksCode {
  switch (code) {
    case "UNAUTHORIZED_SESSION":
      return "UNAUTHORIZED";
    case "NO_SAVED_CREDENTIALS":
      return "INVALID_LOGIN";
    case "ATTEMPTS_LOCKED":
      return "TOO_MANY_REQUESTS";
    case "PASSWORD_CHANGE_REQUIRED":
      return "NEW_ACCOUNT";
    case "INSTITUTION_PROTOCOL_ERROR":
      return "AGGREGATION_ERROR";
    case "TEMPORARILY_UNAVAILABLE":
      return "RETRY_LATER";
    default:
      return code;
  }
}
