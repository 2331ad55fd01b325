import type { ErrorCode } from "../errors/catalog.js";
import type { CallerScope } from "../records/customer.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";

/** Who opens the session: the RequestId is minted by the caller so a token can be bound to it first. */
export interface SessionOpening {
  customerId: string;
  requestId: string;
  authorizeTokenHash: string | null;
  tag: string | null;
  /** ScheduleRefresh: nightly refresh on for the card this session creates. */
  scheduleRefresh?: boolean;
  /** What the caller may reach: a sandbox-scope caller never opens a session at a real institution. */
  scope: CallerScope;
}

/** A live login with credentials typed by the person. */
export interface LiveLogin {
  institution: string;
  username: string;
  password: string;
  language: "en" | "fr";
  save: boolean;
}

/** What one /Authorize call comes to (only real failures are thrown, as ApiErrors). */
export type AuthorizeOutcome =
  /** /AuthorizeAsync: the institution step is queued or running (202). */
  | { kind: "pending"; session: Session }
  | { kind: "authorized"; session: Session; login: Login; username: string }
  /** Cached mode over a card whose last live refresh failed: the session still serves its data. */
  | { kind: "authorizedWithError"; session: Session; login: Login; username: string; code: ErrorCode }
  | { kind: "challenged"; session: Session };
