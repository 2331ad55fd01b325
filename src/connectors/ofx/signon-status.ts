import type { ConnectorFailure } from "../types.js";

/**
 * What a signon's STATUS CODE means for the login (OFX 2.1.1 §2.5.1.3 and the status tables
 * of §2.5.1.5, §2.5.4, §2.5.6). docs/connectors/ofx.md has this table for self-hosters.
 */
export type SignonOutcome =
  | { kind: "ok" }
  /** 3000: answer the challenges MFACHALLENGERQ will list. */
  | { kind: "mfa-required" }
  /** 15510: the bank wants this CLIENTUID approved by the person (email, text, online banking). */
  | { kind: "approve-client" }
  /** 15512: the bank wants the one-time AUTHTOKEN. */
  | { kind: "auth-token-required" }
  | { kind: "failed"; code: ConnectorFailure };

const FAILURES: Readonly<Record<number, ConnectorFailure>> = {
  2000: "RETRY_LATER", // general error
  2021: "DISABLED_INSTITUTION", // the server does not speak the directory's OFX version
  3001: "INVALID_SECURITY_RESPONSE", // MFA answers wrong
  13504: "DISABLED_INSTITUTION", // FI (ORG/FID) missing or wrong: the directory entry is
  15000: "PASSWORD_CHANGE_REQUIRED", // must change USERPASS
  15500: "INVALID_PASSWORD", // user id or password wrong (OFX cannot tell which)
  15501: "RETRY_LATER", // account in use by another signon
  15502: "DISABLED_LOGIN", // USERPASS lockout
  15503: "RETRY_LATER", // could not change USERPASS
  15504: "RETRY_LATER", // could not provide random data
  15505: "DISABLED_INSTITUTION", // country system not supported
  15506: "INSTITUTION_PROTOCOL_ERROR", // empty signon not supported (this connector never sends one)
  15507: "PASSWORD_CHANGE_REQUIRED", // signon invalid without a pin change
  15508: "UNAUTHORIZED", // transaction not authorized
  15511: "NEW_ACCOUNT", // the user must call the institution
  15513: "INVALID_SECURITY_RESPONSE", // AUTHTOKEN wrong
};

export function signonOutcome(code: number): SignonOutcome {
  if (code === 0 || code === 1) return { kind: "ok" };
  if (code === 3000) return { kind: "mfa-required" };
  if (code === 15510) return { kind: "approve-client" };
  if (code === 15512) return { kind: "auth-token-required" };
  // Any other code is an error the bank did not explain: it may pass.
  return { kind: "failed", code: FAILURES[code] ?? "RETRY_LATER" };
}

/** The codes above, for the documentation test that keeps docs/connectors/ofx.md in step. */
export const SIGNON_FAILURE_CODES: Readonly<Record<number, ConnectorFailure>> = FAILURES;

/**
 * A statement transaction's status (§11.4.2.2, §11.5.2): what to do with that account or window.
 * Account errors drop the account (the bank lists it but will not serve it); a refused date range
 * is an empty window; anything else fails the aggregation.
 */
export type StatementOutcome =
  | { kind: "ok" }
  | { kind: "skip-account" }
  | { kind: "empty-window" }
  | { kind: "failed"; code: ConnectorFailure };

export function statementOutcome(code: number): StatementOutcome {
  if (code === 0 || code === 1) return { kind: "ok" };
  if (code >= 2001 && code <= 2005) return { kind: "skip-account" };
  if (code === 2020 || code === 2027 || code === 2014 || code === 2015) return { kind: "empty-window" };
  if (code === 2000 || code === 15501) return { kind: "failed", code: "RETRY_LATER" };
  const signon = signonOutcome(code);
  return signon.kind === "failed"
    ? { kind: "failed", code: signon.code === "RETRY_LATER" ? "AGGREGATION_ERROR" : signon.code }
    : { kind: "failed", code: "AGGREGATION_ERROR" };
}
