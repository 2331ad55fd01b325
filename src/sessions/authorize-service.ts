import { assertScopeReaches } from "../customers/caller-scope.js";
import { ApiError } from "../errors/api-error.js";
import type { ErrorCode } from "../errors/catalog.js";
import { newTimeOrderedId } from "../lib/ids.js";
import type { AuthorizeStepPayload } from "../queue/job-kinds.js";
import type { CallerScope } from "../records/customer.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import type { AuthorizeOutcome, LiveLogin, SessionOpening } from "./authorize-outcome.js";
import { commitSession, type FlowDeps, findCard, flowError, lostRace, type StepDelivery, timingOf } from "./flow-deps.js";
import { SessionOpener } from "./session-opener.js";
import { type InstitutionTime, type StepRequest, StepRunner } from "./step-runner.js";
import { claimedForAnswer, failed, isBusy, isExpired, matchResponses, recoveredFromLapsedLease, touched } from "./transitions.js";

/**
 * The authorize flow's front door: opens sessions (session-opener.ts), runs their steps at
 * the institution inline or queued (step-runner.ts), and continues them with answers. The
 * state machine itself is the pure transitions.ts; docs/session-states.md draws it.
 */
export class AuthorizeService {
  readonly #opener: SessionOpener;
  readonly #steps: StepRunner;

  constructor(private readonly deps: FlowDeps) {
    this.#opener = new SessionOpener(deps);
    this.#steps = new StepRunner(deps);
  }

  /** Live /Authorize with credentials: a new connection to the institution. */
  async startLive(
    opening: SessionOpening,
    login: LiveLogin,
    delivery: StepDelivery = "inline",
    institutionTime?: InstitutionTime,
  ): Promise<AuthorizeOutcome> {
    return this.#runOrQueue(await this.#opener.openLive(opening, login, delivery), { step: "start", institutionTime }, delivery);
  }

  /** Live refresh of a saved card with its stored credentials (the API half of Mid-Session Reconnect). */
  async startRefresh(
    opening: SessionOpening,
    loginId: string,
    delivery: StepDelivery = "inline",
    institutionTime?: InstitutionTime,
  ): Promise<AuthorizeOutcome> {
    const card = await findCard(this.deps.storage, opening.customerId, loginId);
    const session = await this.#opener.openRefresh(opening, card, delivery, "live");
    return this.#runOrQueue(session, { step: "start", institutionTime, card }, delivery);
  }

  /**
   * The nightly run's refresh of a card: the same live login as a caller's, in a session of
   * mode "nightly" so that its aggregation records the nightly outcome. The institution is
   * called inline: the nightly job is already in the background. `card` is the card as the
   * job just read it.
   */
  async startNightlyRefresh(opening: SessionOpening, card: Login): Promise<AuthorizeOutcome> {
    return this.#runOrQueue(await this.#opener.openRefresh(opening, card, "inline", "nightly"), { step: "start", card }, "inline");
  }

  startCached(opening: SessionOpening, loginId: string): Promise<AuthorizeOutcome> {
    return this.#opener.openCached(opening, loginId);
  }

  startCachedWithCredentials(opening: SessionOpening, credentials: LiveLogin): Promise<AuthorizeOutcome> {
    return this.#opener.openCachedWithCredentials(opening, credentials);
  }

  /** /AuthorizeMultiple (server-to-server): cached sessions for several cards at once. */
  startCachedMany(customerId: string, scope: CallerScope, loginIds: readonly string[]) {
    return this.#opener.openCachedMany({ customerId, scope, authorizeTokenHash: null, tag: null }, loginIds, newTimeOrderedId);
  }

  /**
   * Ends a challenged session nobody will answer (the nightly run found no stored answer),
   * so that it stops holding its card: the user's reconnect must not meet CONCURRENT_SESSION.
   */
  async abandon(customerId: string, requestId: string, code: ErrorCode): Promise<void> {
    const current = await this.deps.storage.sessions.find(customerId, requestId);
    if (!current || current.state === "authorized" || current.state === "failed") return;
    await commitSession(this.deps.storage, failed(current, code), current.version);
  }

  /**
   * A call with a RequestId: answers the pending challenges, or — with no answers — tells
   * where the session stands (203 again while challenged, the 200 again once authorized,
   * so a client whose response was lost can ask again). Answers to an authorized session
   * are refused: there is nothing left to answer.
   */
  async continue(
    customerId: string,
    scope: CallerScope,
    requestId: string,
    responses: Record<string, string[]>,
    delivery: StepDelivery = "inline",
    institutionTime?: InstitutionTime,
  ): Promise<AuthorizeOutcome> {
    const session = await this.#liveSession(customerId, requestId);
    assertScopeReaches(scope, this.deps.connectors, session.institution);
    if (session.state === "authorized") {
      if (Object.keys(responses).length > 0) throw flowError("ALREADY_AUTHORIZED", session);
      const login = await findCard(this.deps.storage, customerId, session.loginId);
      // Asking again is activity, like a data call: the RequestId's idle timer restarts.
      return { kind: "authorized", session: await this.#touch(session), login, username: this.deps.secrets.username(login) };
    }
    if (session.state === "failed") throw flowError(session.errorCode ?? "RETRY_LATER", session);
    if (session.state !== "challenged") {
      if (delivery === "queued") return { kind: "pending", session };
      throw flowError("SESSION_BUSY", session);
    }

    const matched = matchResponses(session.challenges ?? [], responses);
    if (matched.kind === "empty") {
      // An /AuthorizeAsync poller learns that its last answer was wrong before seeing the 203 again.
      if (delivery === "queued" && session.errorCode) throw flowError(session.errorCode, session);
      return { kind: "challenged", session: await this.#touch(session) };
    }
    if (matched.kind === "rejected") throw flowError(matched.code, session);

    const { settings } = this.deps;
    const claimed = claimedForAnswer(session, this.deps.clock.now(), timingOf(settings, delivery), settings.leaseHolderId);
    if (!(await this.deps.storage.sessions.replace(claimed, session.version))) throw await lostRace(this.deps.storage, session);
    const step: StepRequest = { step: "answer", answers: matched.answers, institutionTime };
    return this.#runOrQueue({ ...claimed, version: session.version + 1 }, step, delivery);
  }

  /**
   * Throws unless the customer's session exists, is reachable by the caller's scope and has not
   * expired: checked before a fresh authorize token is bound to it (MFA rounds, the widget's
   * Resume), so a token is never spent on a dead, foreign or out-of-scope RequestId.
   */
  async assertContinuable(customerId: string, scope: CallerScope, requestId: string): Promise<void> {
    const session = await this.deps.storage.sessions.find(customerId, requestId);
    if (!session) throw new ApiError("SESSION_NONEXISTENT");
    assertScopeReaches(scope, this.deps.connectors, session.institution);
    if (isExpired(session, this.deps.clock.now())) throw new ApiError("SESSION_EXPIRED", { requestId });
  }

  /** The authorize-step job's entry: runs a queued step if its session still waits for it. */
  runQueuedStep(payload: AuthorizeStepPayload): Promise<void> {
    return this.#steps.runQueued(payload);
  }

  async #runOrQueue(session: Session, step: StepRequest, delivery: StepDelivery): Promise<AuthorizeOutcome> {
    if (delivery === "inline") return this.#steps.run(session, step);
    const payload: AuthorizeStepPayload =
      step.step === "start"
        ? { customerId: session.customerId, requestId: session.requestId, step: "start" }
        : { customerId: session.customerId, requestId: session.requestId, step: "answer", answers: step.answers };
    await this.deps.jobs.enqueue("authorize-step", payload, { maxAttempts: 1 });
    return { kind: "pending", session };
  }

  /** The customer's unexpired session; a session whose step-holder died is recovered first. */
  async #liveSession(customerId: string, requestId: string): Promise<Session> {
    const session = await this.deps.storage.sessions.find(customerId, requestId);
    if (!session) throw new ApiError("SESSION_NONEXISTENT");
    const now = this.deps.clock.now();
    if (isExpired(session, now)) throw new ApiError("SESSION_EXPIRED", { requestId });
    if (isBusy(session, now) || (session.state !== "connecting" && session.state !== "answering")) return session;
    const recovered = recoveredFromLapsedLease(session);
    await commitSession(this.deps.storage, recovered, session.version);
    return { ...recovered, version: session.version + 1 };
  }

  async #touch(session: Session): Promise<Session> {
    const next = touched(session, this.deps.clock.now(), timingOf(this.deps.settings));
    await this.deps.storage.sessions.touch(next.requestId, next.lastActivityAt, next.expiresAt);
    return next;
  }
}
