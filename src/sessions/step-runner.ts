import { performance } from "node:perf_hooks";
import { boundedStep } from "../connectors/bounded-call.js";
import type { Credentials, InstitutionConnector, Json, StepResult } from "../connectors/types.js";
import { ApiError } from "../errors/api-error.js";
import type { StoredCredentials } from "../logins/card-secrets.js";
import type { AuthorizeStepPayload } from "../queue/job-kinds.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import {
  type AttemptOutcome,
  type AttemptReservation,
  cardAttemptSubject,
  credentialsAttemptSubject,
} from "../security/attempt-limiter.js";
import type { Storage } from "../storage/storage.js";
import type { AuthorizeOutcome } from "./authorize-outcome.js";
import { commitAuthorization } from "./commit-authorization.js";
import { commitSession, connectorOf, type FlowDeps, findCard, flowError, timingOf } from "./flow-deps.js";
import { applyStepResult } from "./transitions.js";

export type StepRequest = ({ step: "start" } | { step: "answer"; answers: Record<string, string[]> }) & {
  /** Where an inline step adds the institution's time (the API's Server-Timing). */
  institutionTime?: InstitutionTime;
  /**
   * The card a refresh logs in to, as its caller read it to open the session: its stored
   * credentials are opened from this read rather than a second one (a nightly login's card
   * was read five times).
   */
  card?: Login;
};

/** Milliseconds the institution's connector took for one request, added to by each step run for it. */
export interface InstitutionTime {
  ms: number;
}

/**
 * One call to the institution — the login with the session's (or the card's) credentials,
 * or the answers — and its result applied to the session. Each call first reserves an
 * attempt with the brute-force limiter (per card for answers, per institution + username for
 * passwords), so parallel sessions can never send the bank more wrong guesses than the limit.
 * The answer is given only after the new state is committed.
 */
export class StepRunner {
  constructor(private readonly deps: FlowDeps) {}

  async run(session: Session, step: StepRequest): Promise<AuthorizeOutcome> {
    const { attempts, faults, secrets, settings } = this.deps;
    const connector = connectorOf(this.deps.connectors, session.institution);
    // The session's own credentials (a login typed in now) are opened once for the whole step.
    const sessionCredentials = secrets.openSessionCredentials(session);
    const credentials = await this.#credentialsOf(session, sessionCredentials, step.card);
    const cardLookupHash = secrets.lookupHash(session.customerId, session.institution, credentials.username, session.language);
    // The nightly run has nobody to answer a challenge; every other login has its person.
    const ctx = this.deps.connectorContext(session.customerId, session.institution, cardLookupHash, session.mode !== "nightly");
    // Attempts in flight may fill the allowance: wait for a slot rather than refuse a right
    // answer, within half the step's time, so that wait + bank call stay inside its lease.
    const reservingSince = this.deps.clock.now();
    const reserved = await attempts.reserveWaiting(
      step.step === "answer" && session.loginId
        ? cardAttemptSubject(session.loginId)
        : credentialsAttemptSubject(this.deps.indexKey, session.customerId, session.institution, credentials.username),
      settings.connectorTimeoutSeconds / 2,
    );
    if (!reserved.ok) {
      const code = reserved.reason === "locked" ? "ATTEMPTS_LOCKED" : "RETRY_LATER";
      return this.#afterStep(session, connector, { kind: "failed", code }, null);
    }
    const waitedSeconds = (this.deps.clock.now().getTime() - reservingSince.getTime()) / 1000;
    const call =
      step.step === "start"
        ? () => connector.start(credentials, ctx)
        : () => connector.answer(step.answers, secrets.openConnectorState(session), ctx);
    faults.hit(`authorize-${step.step}:before-connector`);
    const calledAt = performance.now();
    const result = await boundedStep(
      call,
      settings.connectorTimeoutSeconds - Math.min(waitedSeconds, settings.connectorTimeoutSeconds / 2),
    );
    if (step.institutionTime) step.institutionTime.ms += performance.now() - calledAt;
    faults.hit(`authorize-${step.step}:after-connector`);
    return this.#afterStep(session, connector, result, {
      verdict: { reservation: reserved.reservation, outcome: attemptOutcomeOf(result) },
      // The nightly run answers from storage: nothing new to keep.
      answers: step.step === "answer" && session.mode !== "nightly" ? step.answers : null,
      sessionCredentials,
    });
  }

  /**
   * The job half of /AuthorizeAsync: runs a queued step if its session still waits for it.
   * A rerun after a crash finds the step done (or recovered) and does nothing.
   */
  async runQueued(payload: AuthorizeStepPayload): Promise<void> {
    const session = await this.deps.storage.sessions.find(payload.customerId, payload.requestId);
    const waiting = payload.step === "start" ? "connecting" : "answering";
    if (!session || session.state !== waiting) return;
    const leased = await this.#leaseForQueuedStep(session);
    if (!leased) return;
    try {
      await this.run(leased, payload);
    } catch (error) {
      // A flow error is the step's outcome, already committed on the session for the poller.
      if (!(error instanceof ApiError)) throw error;
    }
  }

  /**
   * The worker that runs a queued step takes the session's lease in its own name, for the
   * connector timeout from now: the lease then never outlives the bank call by much, and this
   * worker's death releases it. A lost compare-and-swap means the step was recovered or taken.
   */
  async #leaseForQueuedStep(session: Session): Promise<Session | null> {
    const { storage, clock, settings } = this.deps;
    const leaseUntil = new Date(clock.now().getTime() + settings.connectorTimeoutSeconds * 1000);
    const leased: Session = { ...session, leaseUntil, leaseHolder: settings.leaseHolderId };
    if (!(await storage.sessions.replace(leased, session.version))) return null;
    return { ...leased, version: session.version + 1 };
  }

  async #credentialsOf(session: Session, sessionCredentials: StoredCredentials | null, card: Login | undefined): Promise<Credentials> {
    const { secrets, storage } = this.deps;
    const stored =
      sessionCredentials ?? secrets.openCardCredentials(card ?? (await findCard(storage, session.customerId, session.loginId)));
    if (!stored) throw flowError("NO_SAVED_CREDENTIALS", session);
    return { username: stored.username, password: stored.password, language: session.language };
  }

  /**
   * The step's result, committed: the attempt's verdict first, then the session (and, on a
   * challenge, the answers the bank accepted for a known card). A login the bank accepted
   * commits all of it with the card, in one transaction.
   */
  async #afterStep(
    session: Session,
    connector: InstitutionConnector,
    result: StepResult | { kind: "failed"; code: "ATTEMPTS_LOCKED" },
    /** Null when the step never reached the institution. */
    facts: StepFacts | null,
  ): Promise<AuthorizeOutcome> {
    const { storage, secrets, clock, settings, attempts, storedAnswers } = this.deps;
    if (result.kind === "authorized") return this.#completeAuthorization(session, connector, result.connectorState, facts);
    const verdict = facts?.verdict;
    const answers = facts?.answers;
    if (verdict) await attempts.settle(verdict.reservation, verdict.outcome);
    const encryptedState = result.kind === "challenged" ? secrets.sealConnectorState(session.requestId, result.connectorState) : null;
    const transition = applyStepResult(session, result, encryptedState, clock.now(), timingOf(settings));
    if (transition.kind === "authorized") throw new Error(`a ${result.kind} result cannot authorize`);
    try {
      if (transition.kind === "challenged") {
        await commitSession(storage, transition.next, session.version);
        if (answers && session.loginId) {
          await storedAnswers.rememberAccepted(session.customerId, session.loginId, session.challenges ?? [], answers);
        }
        return { kind: "challenged", session: { ...transition.next, version: session.version + 1 } };
      }
      await storage.transaction(async (tx) => {
        await commitSession(tx, transition.next, session.version);
        if (session.loginId && transition.next.state === "failed") await tx.logins.recordRefreshError(session.loginId, transition.code);
      });
    } catch (error) {
      // The verdict is settled already; a counter made again for a card deleted meanwhile goes.
      if (verdict) await this.#forgetIfCardDeleted(session, verdict).catch(() => false);
      throw error;
    }
    throw flowError(transition.code, session);
  }

  /** After a failed commit: the institution's verdict is settled, or the counter forgotten if the card is gone. */
  async #settleUnlessCardDeleted(session: Session, verdict: Verdict): Promise<void> {
    if (!(await this.#forgetIfCardDeleted(session, verdict))) await this.deps.attempts.settle(verdict.reservation, verdict.outcome);
  }

  /**
   * When the card whose attempts this step counted was deleted while the bank answered, its
   * counter goes, and (as after DeleteCard) no copy of its page stays in the store's files.
   * DeleteCard forgets the counter, but a reservation made after that (the step had read the
   * card just before the delete) created it again. Returns whether it was the case.
   */
  async #forgetIfCardDeleted(session: Session, verdict: Verdict): Promise<boolean> {
    const { storage, attempts } = this.deps;
    if (session.loginId === null || verdict.reservation.subjectKey !== cardAttemptSubject(session.loginId)) return false;
    if (await storage.logins.find(session.customerId, session.loginId)) return false;
    await attempts.forget(verdict.reservation.subjectKey);
    await storage.scrub();
    return true;
  }

  /**
   * Stores the card, its credentials and the session, queues the aggregation, and settles the
   * attempt and keeps the accepted answers, in one commit. Should that commit fail, the bank's
   * "right" still stands: it is settled on its own before the error goes on.
   */
  async #completeAuthorization(
    session: Session,
    connector: InstitutionConnector,
    state: Json,
    facts: StepFacts | null,
  ): Promise<AuthorizeOutcome> {
    const { storage, secrets, clock, jobs, faults, settings, attempts, storedAnswers } = this.deps;
    const verdict = facts?.verdict;
    const answers = facts?.answers;
    const afterCommit: Array<() => void> = [];
    const alsoCommit = async (tx: Storage, card: Login) => {
      if (verdict) afterCommit.push((await attempts.settleIn(tx.attempts, verdict.reservation, verdict.outcome)).afterCommit);
      if (answers) await storedAnswers.rememberAcceptedIn(tx, card, session.challenges ?? [], answers);
    };
    try {
      const committed = await commitAuthorization(
        { storage, secrets, clock, jobs, faults, timing: timingOf(settings) },
        session,
        {
          connectorStateEnc: secrets.sealConnectorState(session.requestId, state),
          connectorState: state,
          delaySeconds: connector.aggregationDelaySeconds?.(state) ?? 0,
        },
        facts?.sessionCredentials ?? null,
        alsoCommit,
      );
      for (const wake of afterCommit) wake();
      return { kind: "authorized", ...committed, username: secrets.username(committed.login) };
    } catch (error) {
      // The bank's verdict stands though the commit failed, unless the card went meanwhile. If
      // this fails too the reservation expires and counts, as a crashed process's would.
      if (verdict) await this.#settleUnlessCardDeleted(session, verdict).catch(() => undefined);
      throw error;
    }
  }
}

/** What a step that reached the institution brings to its commit. */
interface StepFacts {
  verdict: Verdict;
  /** The answers the institution accepted, to keep (null: nothing new to keep). */
  answers: Record<string, string[]> | null;
  /** The session's own credentials, opened for the step; null when the card's were used. */
  sessionCredentials: StoredCredentials | null;
}

/** A reserved attempt and what the institution said to it: settled with the step's result. */
interface Verdict {
  reservation: AttemptReservation;
  outcome: AttemptOutcome;
}

/** What the institution's answer means to the brute-force limiter. */
function attemptOutcomeOf(result: StepResult): AttemptOutcome {
  if (result.kind !== "failed") return "right";
  const rejected = ["INVALID_SECURITY_RESPONSE", "INVALID_PASSWORD", "INVALID_USERNAME", "INVALID_LOGIN"];
  return rejected.includes(result.code) ? "wrong" : "other";
}
