import type { ConnectorRegistry } from "../connectors/registry.js";
import type { ConnectorContext, InstitutionConnector } from "../connectors/types.js";
import { ApiError } from "../errors/api-error.js";
import type { ErrorCode } from "../errors/catalog.js";
import type { Clock } from "../lib/clock.js";
import type { FaultPoints } from "../lib/fault-points.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import type { StoredMfaAnswers } from "../logins/stored-mfa-answers.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import type { AttemptLimiter } from "../security/attempt-limiter.js";
import type { Storage } from "../storage/storage.js";
import type { Timing } from "./transitions.js";

/** The session timers and limits of the authorize flow (config group "sessions"). */
export interface FlowSettings {
  /** A RequestId dies after this much inactivity. */
  idleTtlSeconds: number;
  /** No RequestId outlives this, whatever its activity. */
  absoluteTtlSeconds: number;
  /** Wrong MFA answers allowed per RequestId. */
  mfaAttemptsPerRequest: number;
  /** A connector step that takes longer answers RETRY_LATER, and its claim on the session lapses. */
  connectorTimeoutSeconds: number;
  /** A queued step also holds its session for the queue's claim time: a busy worker is not a dead one. */
  jobClaimSeconds: number;
  /** This process's lease-holder id, written on every lease it takes (a dead holder's leases are released at once). */
  leaseHolderId: string;
}

/** What the pieces of the authorize flow share. */
export interface FlowDeps {
  storage: Storage;
  secrets: CardSecrets;
  connectors: ConnectorRegistry;
  clock: Clock;
  jobs: JobQueue;
  attempts: AttemptLimiter;
  /** Keys the credentials subject of the brute-force limiter (never a clear username). */
  indexKey: Buffer;
  connectorContext(customerId: string, institution: string, cardLookupHash: string, attended: boolean): ConnectorContext;
  /** Test-only kill points; inert unless BANKGATE_FAULT_POINT is set. */
  faults: FaultPoints;
  /** Where accepted answers to QuestionAndAnswer prompts are kept, if the customer wants them. */
  storedAnswers: StoredMfaAnswers;
  settings: FlowSettings;
}

/** How a step reaches the institution: "inline" (/Authorize waits), or "queued" (/AuthorizeAsync answers 202). */
export type StepDelivery = "inline" | "queued";

export function timingOf(settings: FlowSettings, delivery: StepDelivery = "inline"): Timing {
  const leaseSeconds = settings.connectorTimeoutSeconds + (delivery === "queued" ? settings.jobClaimSeconds : 0);
  return { idleTtlSeconds: settings.idleTtlSeconds, leaseSeconds };
}

/**
 * Writes `next` if the session is still at `expectedVersion`; a lost race is SESSION_BUSY, and a
 * session that is gone (its card was deleted meanwhile) SESSION_NONEXISTENT.
 */
export async function commitSession(storage: Storage, next: Session, expectedVersion: number): Promise<void> {
  if (!(await storage.sessions.replace(next, expectedVersion))) throw await lostRace(storage, next);
}

/** Why a compare-and-swap on a session failed: another writer (SESSION_BUSY), or the session is gone with its card. */
export async function lostRace(storage: Storage, session: Session): Promise<ApiError> {
  const current = await storage.sessions.find(session.customerId, session.requestId);
  return current ? flowError("SESSION_BUSY", session) : new ApiError("SESSION_NONEXISTENT");
}

export async function findCard(storage: Storage, customerId: string, loginId: string | null): Promise<Login> {
  const login = loginId ? await storage.logins.find(customerId, loginId) : undefined;
  if (!login) throw new ApiError("INVALID_LOGIN");
  return login;
}

export function connectorOf(connectors: ConnectorRegistry, institution: string): InstitutionConnector {
  const connector = connectors.find(institution);
  if (!connector) throw new ApiError("INVALID_REQUEST", {}, `Unknown institution "${institution.slice(0, 64)}".`);
  return connector;
}

/** Flow errors carry the RequestId and Institution so the caller can keep its place. */
export function flowError(code: ErrorCode, session: Session): ApiError {
  return new ApiError(code, { requestId: session.requestId, institution: session.institution });
}
