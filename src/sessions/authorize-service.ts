import { boundedStep } from "../connectors/bounded-call.js";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { ConnectorContext, Credentials, InstitutionConnector, Json, StepResult } from "../connectors/types.js";
import { ApiError } from "../errors/api-error.js";
import type { ErrorCode } from "../errors/catalog.js";
import type { Clock } from "../lib/clock.js";
import type { FaultPoints } from "../lib/fault-points.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import type { StoredMfaAnswers } from "../logins/stored-mfa-answers.js";
import { type AuthorizeStepPayload, singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import { type AttemptLimiter, type AttemptOutcome, cardAttemptSubject, credentialsAttemptSubject } from "../security/attempt-limiter.js";
import type { Storage } from "../storage/storage.js";
import { commitAuthorization } from "./commit-authorization.js";
import {
  applyStepResult,
  claimedForAnswer,
  failed,
  isBusy,
  isExpired,
  isLiveStep,
  matchResponses,
  recoveredFromLapsedLease,
  type Timing,
  touched,
} from "./transitions.js";

export interface AuthorizeServiceDeps {
  storage: Storage;
  secrets: CardSecrets;
  jobs: JobQueue;
  attempts: AttemptLimiter;
  /** Keys the credentials subject of the brute-force limiter (never a clear username). */
  indexKey: Buffer;
  connectors: ConnectorRegistry;
  clock: Clock;
  connectorContext(customerId: string, institution: string, cardLookupHash: string): ConnectorContext;
  sessionIdleTtlSeconds: number;
  sessionAbsoluteTtlSeconds: number;
  mfaAttemptsPerRequest: number;
  connectorTimeoutSeconds: number;
  jobClaimSeconds: number;
  /** Test-only kill points (quality.md R2); inert unless BANKGATE_FAULT_POINT is set. */
  faults: FaultPoints;
  /** Where accepted answers to QuestionAndAnswer prompts are kept, if the customer wants them. */
  storedAnswers: StoredMfaAnswers;
}

/** Who opens the session: the RequestId is minted by the caller so a token can be bound to it first. */
export interface SessionOpening {
  customerId: string;
  requestId: string;
  authorizeTokenHash: string | null;
  tag: string | null;
  /** ScheduleRefresh: nightly refresh on for the card this session creates (flinks-api.md §5.1). */
  scheduleRefresh?: boolean;
}

export interface LiveLogin {
  institution: string;
  username: string;
  password: string;
  language: "en" | "fr";
  save: boolean;
}

/** "sync": /Authorize calls the institution inline; "async": /AuthorizeAsync queues the call and answers 202. */
export type FlowMode = "sync" | "async";

export type StepRequest = { step: "start" } | { step: "answer"; answers: Record<string, string[]> };

export type AuthorizeOutcome =
  /** /AuthorizeAsync: the institution step is queued or running (202). */
  | { kind: "pending"; session: Session }
  | { kind: "authorized"; session: Session; login: Login; username: string }
  /** Cached mode over a card whose last live refresh failed: the session still serves its data. */
  | { kind: "authorizedWithError"; session: Session; login: Login; username: string; code: ErrorCode }
  | { kind: "challenged"; session: Session };

/**
 * The authorize flow: the only code with I/O around the pure transitions. Each step loads
 * the session, asserts, calls the institution at most once, and answers only after the new
 * state is committed (design.md §4).
 */
export class AuthorizeService {
  readonly #timing: Timing;

  constructor(private readonly deps: AuthorizeServiceDeps) {
    this.#timing = { idleTtlSeconds: deps.sessionIdleTtlSeconds, leaseSeconds: deps.connectorTimeoutSeconds };
  }

  /** Live /Authorize with credentials: a new connection to the institution. */
  async startLive(opening: SessionOpening, login: LiveLogin, mode: FlowMode = "sync"): Promise<AuthorizeOutcome> {
    const connector = this.#connector(login.institution);
    const existing = await this.deps.storage.logins.findByLookupHash(
      this.deps.secrets.lookupHash(opening.customerId, connector.id, login.username, login.language),
    );
    const session = this.#newSession(
      opening,
      {
        institution: connector.id,
        loginId: existing?.id ?? null,
        language: login.language,
        save: login.save,
        state: "connecting",
        credentialsEnc: this.deps.secrets.sealSessionCredentials(opening.requestId, { username: login.username, password: login.password }),
      },
      mode,
    );
    await this.deps.storage.sessions.insert(session);
    if (existing) await this.#claimCard(existing, session);
    return this.#runOrQueue(session, { step: "start" }, mode);
  }

  /** Live refresh of a saved card with its stored credentials (the API half of Mid-Session Reconnect). */
  async startRefresh(opening: SessionOpening, loginId: string, mode: FlowMode = "sync"): Promise<AuthorizeOutcome> {
    return this.#startRefresh(opening, loginId, mode, "live");
  }

  /**
   * The nightly run's refresh of a card: the same live login as a caller's, in a session of
   * mode "nightly" so that its aggregation records the nightly outcome. Institution calls
   * are inline: the nightly job is already in the background.
   */
  async startNightlyRefresh(opening: SessionOpening, loginId: string): Promise<AuthorizeOutcome> {
    return this.#startRefresh(opening, loginId, "sync", "nightly");
  }

  /**
   * Ends a challenged session nobody will answer (the nightly run found no stored answer),
   * so that it stops holding its card: the user's reconnect must not meet CONCURRENT_SESSION.
   */
  async abandon(customerId: string, requestId: string, code: ErrorCode): Promise<void> {
    const current = await this.deps.storage.sessions.find(customerId, requestId);
    if (!current || current.state === "authorized" || current.state === "failed") return;
    await this.#commit(failed(current, code), current.version);
  }

  async #startRefresh(
    opening: SessionOpening,
    loginId: string,
    mode: FlowMode,
    sessionMode: "live" | "nightly",
  ): Promise<AuthorizeOutcome> {
    const login = await this.#login(opening.customerId, loginId);
    if (!login.credentialsEnc) throw new ApiError("NO_SAVED_CREDENTIALS");
    const connector = this.#connector(login.institution);
    const session = this.#newSession(
      opening,
      {
        institution: connector.id,
        loginId: login.id,
        language: login.language,
        save: true,
        state: "connecting",
        credentialsEnc: null,
      },
      mode,
      sessionMode,
    );
    await this.deps.storage.sessions.insert(session);
    await this.#claimCard(login, session);
    return this.#runOrQueue(session, { step: "start" }, mode);
  }

  /**
   * Cached /Authorize: a new RequestId over the card's last aggregation, no bank contact. If
   * the card's last live refresh failed, that error is answered with a RequestId that still
   * works for the data endpoints (flinks-api.md §5.2).
   */
  async startCached(opening: SessionOpening, loginId: string): Promise<AuthorizeOutcome> {
    return this.#openCached(opening, await this.#login(opening.customerId, loginId));
  }

  /**
   * Cached mode named by credentials instead of a LoginId (the C# SDK's sandbox tests do
   * this). The password must match the saved one: a username alone opens nothing.
   */
  async startCachedWithCredentials(opening: SessionOpening, credentials: LiveLogin): Promise<AuthorizeOutcome> {
    const connector = this.#connector(credentials.institution);
    const login = await this.deps.storage.logins.findByLookupHash(
      this.deps.secrets.lookupHash(opening.customerId, connector.id, credentials.username, credentials.language),
    );
    const saved = login ? this.deps.secrets.openCardCredentials(login) : null;
    if (!login || login.customerId !== opening.customerId || saved?.password !== credentials.password) {
      throw new ApiError("INVALID_LOGIN");
    }
    return this.#openCached(opening, login);
  }

  async #openCached(opening: SessionOpening, login: Login): Promise<AuthorizeOutcome> {
    const session: Session = {
      ...this.#newSession(opening, {
        institution: login.institution,
        loginId: login.id,
        language: login.language,
        save: false,
        state: "authorized",
        credentialsEnc: null,
      }),
      mode: "cached",
      // While the card is being aggregated the session waits for the new data (202 meanwhile).
      snapshotId: (await this.deps.jobs.findActive(singletonKeys.aggregation(login.id))) ? null : login.snapshotId,
    };
    await this.deps.storage.sessions.insert(session);
    const username = this.deps.secrets.username(login);
    if (login.lastRefreshError) return { kind: "authorizedWithError", session, login, username, code: login.lastRefreshError };
    return { kind: "authorized", session, login, username };
  }

  /**
   * A call with a RequestId: answers the pending challenges, or — with no answers — tells
   * where the session stands (203 again while challenged, the 200 again once authorized,
   * so a client whose response was lost can ask again). Answers to an authorized session
   * are refused: there is nothing left to answer.
   */
  async continue(
    customerId: string,
    requestId: string,
    responses: Record<string, string[]>,
    mode: FlowMode = "sync",
  ): Promise<AuthorizeOutcome> {
    const session = await this.#liveSession(customerId, requestId);
    if (session.state === "authorized") {
      if (Object.keys(responses).length > 0) throw flowError("ALREADY_AUTHORIZED", session);
      const login = await this.#login(customerId, session.loginId);
      // Asking again is activity, like a data call: the RequestId's idle timer restarts.
      return { kind: "authorized", session: await this.#touch(session), login, username: this.deps.secrets.username(login) };
    }
    if (session.state === "failed") throw flowError(session.errorCode ?? "RETRY_LATER", session);
    if (session.state !== "challenged") {
      if (mode === "async") return { kind: "pending", session };
      throw flowError("SESSION_BUSY", session);
    }

    const matched = matchResponses(session.challenges ?? [], responses);
    if (matched.kind === "empty") {
      // An /AuthorizeAsync poller learns that its last answer was wrong before seeing the 203 again.
      if (mode === "async" && session.errorCode) throw flowError(session.errorCode, session);
      return { kind: "challenged", session: await this.#touch(session) };
    }
    if (matched.kind === "rejected") throw flowError(matched.code, session);

    const claimed = claimedForAnswer(session, this.deps.clock.now(), this.#timingFor(mode));
    if (!(await this.deps.storage.sessions.replace(claimed, session.version))) throw flowError("SESSION_BUSY", session);
    return this.#runOrQueue({ ...claimed, version: session.version + 1 }, { step: "answer", answers: matched.answers }, mode);
  }

  /**
   * The job half of /AuthorizeAsync: runs a queued step if its session still waits for it.
   * A rerun after a crash finds the step done (or recovered) and does nothing.
   */
  async runQueuedStep(payload: AuthorizeStepPayload): Promise<void> {
    const session = await this.deps.storage.sessions.find(payload.customerId, payload.requestId);
    const waiting = payload.step === "start" ? "connecting" : "answering";
    if (!session || session.state !== waiting) return;
    try {
      await this.#runStep(session, payload);
    } catch (error) {
      // A flow error is the step's outcome, already committed on the session for the poller.
      if (!(error instanceof ApiError)) throw error;
    }
  }

  async #runOrQueue(session: Session, step: StepRequest, mode: FlowMode): Promise<AuthorizeOutcome> {
    if (mode === "sync") return this.#runStep(session, step);
    const payload: AuthorizeStepPayload = { customerId: session.customerId, requestId: session.requestId, ...step };
    await this.deps.jobs.enqueue("authorize-step", payload, { maxAttempts: 1 });
    return { kind: "pending", session };
  }

  /**
   * One call to the institution: the login with the session's (or the card's) credentials,
   * or the answers. Each call first reserves an attempt with the brute-force limiter (per
   * card for answers, per institution + username for passwords), so parallel sessions can
   * never send more wrong guesses to the bank than the limit (quality.md S1).
   */
  async #runStep(session: Session, step: StepRequest): Promise<AuthorizeOutcome> {
    const connector = this.#connector(session.institution);
    const credentials = await this.#credentialsOf(session);
    const cardLookupHash = this.deps.secrets.lookupHash(session.customerId, session.institution, credentials.username, session.language);
    const ctx = this.deps.connectorContext(session.customerId, session.institution, cardLookupHash);
    const reserved = await this.deps.attempts.reserve(
      step.step === "answer" && session.loginId
        ? cardAttemptSubject(session.loginId)
        : credentialsAttemptSubject(this.deps.indexKey, session.customerId, session.institution, credentials.username),
    );
    if (!reserved.ok) return this.#afterStep(session, connector, { kind: "failed", code: "ATTEMPTS_LOCKED" });
    const call =
      step.step === "start"
        ? () => connector.start(credentials, ctx)
        : () => connector.answer(step.answers, this.deps.secrets.openConnectorState(session), ctx);
    this.deps.faults.hit(`authorize-${step.step}:before-connector`);
    const result = await boundedStep(call, this.deps.connectorTimeoutSeconds);
    this.deps.faults.hit(`authorize-${step.step}:after-connector`);
    await this.deps.attempts.settle(reserved.reservation, attemptOutcomeOf(result));
    const outcome = await this.#afterStep(session, connector, result);
    // The nightly run answers from storage: nothing new to keep.
    if (step.step === "answer" && session.mode !== "nightly") await this.#rememberAnswers(session, outcome, step.answers);
    return outcome;
  }

  /** Answers the bank accepted, kept on the card when its customer enabled stored answers. */
  async #rememberAnswers(session: Session, outcome: AuthorizeOutcome, answers: Record<string, string[]>): Promise<void> {
    const loginId = session.loginId ?? (outcome.kind === "authorized" ? outcome.login.id : null);
    if (loginId) await this.deps.storedAnswers.rememberAccepted(session.customerId, loginId, session.challenges ?? [], answers);
  }

  /**
   * One live session per card (quality.md R3): the card row names its live session and is
   * taken by compare-and-swap; a holder that is no longer live (authorized, failed, expired)
   * is replaced, a live one refuses the newcomer. The newcomer's session is stored before
   * it claims, so a holder is never mistaken for dead just because it is not written yet.
   */
  async #claimCard(card: Login, session: Session): Promise<void> {
    const holder = card.liveRequestId;
    const holding = holder ? await this.deps.storage.sessions.find(card.customerId, holder) : undefined;
    const taken = holding !== undefined && isLiveStep(holding, this.deps.clock.now());
    if (!taken && (await this.deps.storage.logins.claimLive(card.id, session.requestId, holder))) return;
    await this.#commit(
      { ...session, state: "failed", errorCode: "CONCURRENT_SESSION", credentialsEnc: null, leaseUntil: null },
      session.version,
    );
    throw new ApiError("CONCURRENT_SESSION", taken && holder ? { requestId: holder } : {});
  }

  async #credentialsOf(session: Session): Promise<Credentials> {
    const pending = this.deps.secrets.openSessionCredentials(session);
    const stored = pending ?? this.deps.secrets.openCardCredentials(await this.#login(session.customerId, session.loginId));
    if (!stored) throw flowError("NO_SAVED_CREDENTIALS", session);
    return { username: stored.username, password: stored.password, language: session.language };
  }

  /** Queued steps hold the session for the queue's claim time too: a busy worker is not a dead one. */
  #timingFor(mode: FlowMode): Timing {
    return mode === "sync" ? this.#timing : { ...this.#timing, leaseSeconds: this.#timing.leaseSeconds + this.deps.jobClaimSeconds };
  }

  async #afterStep(
    session: Session,
    connector: InstitutionConnector,
    result: StepResult | { kind: "failed"; code: "ATTEMPTS_LOCKED" },
  ): Promise<AuthorizeOutcome> {
    const now = this.deps.clock.now();
    const encryptedState =
      result.kind === "challenged" ? this.deps.secrets.sealConnectorState(session.requestId, result.connectorState) : null;
    const transition = applyStepResult(session, result, encryptedState, now, this.#timing);
    if (transition.kind === "challenged") {
      await this.#commit(transition.next, session.version);
      return { kind: "challenged", session: { ...transition.next, version: session.version + 1 } };
    }
    if (transition.kind === "failed") {
      await this.deps.storage.transaction(async (tx) => {
        await this.#commit(transition.next, session.version, tx);
        if (session.loginId && transition.next.state === "failed") {
          await tx.logins.recordRefreshError(session.loginId, transition.code);
        }
      });
      throw flowError(transition.code, session);
    }
    return this.#completeAuthorization(session, connector, result.kind === "authorized" ? result.connectorState : null);
  }

  /** Stores the card, its credentials and the session, and queues the aggregation, in one commit. */
  async #completeAuthorization(session: Session, connector: InstitutionConnector, state: Json): Promise<AuthorizeOutcome> {
    const committed = await commitAuthorization(
      {
        storage: this.deps.storage,
        secrets: this.deps.secrets,
        clock: this.deps.clock,
        jobs: this.deps.jobs,
        timing: this.#timing,
        faults: this.deps.faults,
      },
      session,
      {
        connectorStateEnc: this.deps.secrets.sealConnectorState(session.requestId, state),
        delaySeconds: connector.aggregationDelaySeconds?.(state) ?? 0,
      },
    );
    return { kind: "authorized", ...committed, username: this.deps.secrets.username(committed.login) };
  }

  /** The customer's unexpired session; a session whose step-holder died is recovered first. */
  async #liveSession(customerId: string, requestId: string): Promise<Session> {
    const session = await this.deps.storage.sessions.find(customerId, requestId);
    if (!session) throw new ApiError("SESSION_NONEXISTENT");
    const now = this.deps.clock.now();
    if (isExpired(session, now)) throw new ApiError("SESSION_EXPIRED", { requestId: requestId });
    if (isBusy(session, now) || (session.state !== "connecting" && session.state !== "answering")) return session;
    const recovered = recoveredFromLapsedLease(session);
    await this.#commit(recovered, session.version);
    return { ...recovered, version: session.version + 1 };
  }

  async #touch(session: Session): Promise<Session> {
    const next = touched(session, this.deps.clock.now(), this.#timing);
    await this.deps.storage.sessions.touch(next.requestId, next.lastActivityAt, next.expiresAt);
    return next;
  }

  async #commit(next: Session, expectedVersion: number, tx: Storage = this.deps.storage): Promise<void> {
    if (!(await tx.sessions.replace(next, expectedVersion))) throw flowError("SESSION_BUSY", next);
  }

  async #login(customerId: string, loginId: string | null): Promise<Login> {
    const login = loginId ? await this.deps.storage.logins.find(customerId, loginId) : undefined;
    if (!login) throw new ApiError("INVALID_LOGIN");
    return login;
  }

  #connector(institution: string): InstitutionConnector {
    const connector = this.deps.connectors.find(institution);
    if (!connector) throw new ApiError("INVALID_REQUEST", {}, `Unknown institution "${institution.slice(0, 64)}".`);
    return connector;
  }

  #newSession(
    opening: SessionOpening,
    fields: Pick<Session, "institution" | "loginId" | "language" | "save" | "state" | "credentialsEnc">,
    mode: FlowMode = "sync",
    sessionMode: "live" | "nightly" = "live",
  ): Session {
    const now = this.deps.clock.now();
    const absoluteExpiresAt = new Date(now.getTime() + this.deps.sessionAbsoluteTtlSeconds * 1000);
    const session: Session = {
      ...fields,
      requestId: opening.requestId,
      customerId: opening.customerId,
      mode: sessionMode,
      tag: opening.tag,
      scheduleRefresh: opening.scheduleRefresh ?? false,
      challenges: null,
      connectorStateEnc: null,
      attemptsLeft: this.deps.mfaAttemptsPerRequest,
      errorCode: null,
      snapshotId: null,
      authorizeTokenHash: opening.authorizeTokenHash,
      version: 1,
      leaseUntil: fields.state === "connecting" ? new Date(now.getTime() + this.#timingFor(mode).leaseSeconds * 1000) : null,
      createdAt: now,
      lastActivityAt: now,
      expiresAt: now,
      absoluteExpiresAt,
    };
    return touched(session, now, this.#timing);
  }
}

/** What the institution's answer means to the brute-force limiter. */
function attemptOutcomeOf(result: StepResult): AttemptOutcome {
  if (result.kind !== "failed") return "right";
  const rejected = ["INVALID_SECURITY_RESPONSE", "INVALID_PASSWORD", "INVALID_USERNAME", "INVALID_LOGIN"];
  return rejected.includes(result.code) ? "wrong" : "other";
}

/** Flow errors carry the RequestId and Institution so the caller can keep its place (flinks-api.md §8). */
function flowError(code: ErrorCode, session: Session): ApiError {
  return new ApiError(code, { requestId: session.requestId, institution: session.institution });
}
