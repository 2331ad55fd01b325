import type { Challenge } from "../connectors/types.js";
import type { ErrorCode } from "../errors/catalog.js";

/**
 * - connecting: credentials sent, the institution has not answered yet
 * - challenged: waiting for SecurityResponses (a 203 was sent)
 * - answering:  one answer holds the lease and is at the institution
 * - authorized: data endpoints may be called
 * - failed:     ended; every further call answers `errorCode`
 * Expiry is a timestamp (`expiresAt`), never a state: a session expires as time passes, with no
 * write (docs/architecture.md).
 */
export type SessionState = "connecting" | "challenged" | "answering" | "authorized" | "failed";

/** "nightly": a live refresh opened by the nightly run, not by a caller. */
export type SessionMode = "live" | "cached" | "nightly";

export interface Session {
  requestId: string;
  customerId: string;
  /** Null until a live session with new credentials is authorized and its card is created. */
  loginId: string | null;
  institution: string;
  mode: SessionMode;
  state: SessionState;
  language: "en" | "fr";
  save: boolean;
  tag: string | null;
  /** ScheduleRefresh of the opening call: applied to the card this session creates. */
  scheduleRefresh: boolean;
  challenges: Challenge[] | null;
  connectorStateEnc: string | null;
  /** New credentials waiting for the card to exist; cleared once saved or dropped. */
  credentialsEnc: string | null;
  attemptsLeft: number;
  errorCode: ErrorCode | null;
  snapshotId: string | null;
  authorizeTokenHash: string | null;
  /** Bumped by every write: compare-and-swap guards each step. */
  version: number;
  /** While `answering`/`connecting`: the claim lapses at this time (a crashed holder frees it). */
  leaseUntil: Date | null;
  /** The process (its lease-holder id) that took the lease: a dead holder's lease is released at once. */
  leaseHolder: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
}
