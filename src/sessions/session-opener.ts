import { assertScopeReaches } from "../customers/caller-scope.js";
import { ApiError } from "../errors/api-error.js";
import { isUuid } from "../lib/ids.js";
import { AGGREGATION_KEY_PREFIX } from "../queue/job-kinds.js";
import type { Login } from "../records/login.js";
import type { Session, SessionMode } from "../records/session.js";
import type { OpenedOnCard } from "../storage/session-store.js";
import type { AuthorizeOutcome, LiveLogin, SessionOpening } from "./authorize-outcome.js";
import { commitSession, connectorOf, type FlowDeps, type StepDelivery, timingOf } from "./flow-deps.js";
import { failed, isBusy, isLiveStep, touched } from "./transitions.js";

/** Claims lost to other claimants before giving up with CONCURRENT_SESSION (each loss is someone else's progress). */
const MAX_CLAIM_ROUNDS = 8;

type SessionFields = Pick<Session, "institution" | "loginId" | "language" | "save" | "state" | "credentialsEnc" | "snapshotId">;

/**
 * Opens sessions: a live login, a live refresh of a saved card (a caller's, or the nightly
 * run's), and cached sessions that never contact the bank. Live sessions are stored, and hold
 * their card, before any bank call.
 */
export class SessionOpener {
  constructor(private readonly deps: FlowDeps) {}

  /** Live /Authorize with credentials: a new connection to the institution. */
  async openLive(opening: SessionOpening, login: LiveLogin, delivery: StepDelivery): Promise<Session> {
    const connector = connectorOf(this.deps.connectors, login.institution);
    assertScopeReaches(opening.scope, this.deps.connectors, connector.id);
    const { secrets, storage } = this.deps;
    const existing = await storage.logins.findByLookupHash(
      secrets.lookupHash(opening.customerId, connector.id, login.username, login.language),
    );
    const credentialsEnc = secrets.sealSessionCredentials(opening.requestId, { username: login.username, password: login.password });
    const session = this.#newSession(
      opening,
      {
        institution: connector.id,
        loginId: existing?.id ?? null,
        language: login.language,
        save: login.save,
        state: "connecting",
        credentialsEnc,
        snapshotId: null,
      },
      delivery,
      "live",
    );
    await this.#insert(session);
    if (existing) await this.#claimCard(existing, session, true);
    return session;
  }

  /**
   * A live refresh of a saved card with its stored credentials: a caller's (Mid-Session
   * Reconnect), or the nightly run's. `login` is the card as its caller just read it: the
   * claim on it below is a compare-and-swap, so a change since then is still seen.
   */
  async openRefresh(opening: SessionOpening, login: Login, delivery: StepDelivery, mode: "live" | "nightly"): Promise<Session> {
    assertScopeReaches(opening.scope, this.deps.connectors, login.institution);
    if (!login.credentialsEnc) throw new ApiError("NO_SAVED_CREDENTIALS");
    const connector = connectorOf(this.deps.connectors, login.institution);
    const session = this.#newSession(
      opening,
      {
        institution: connector.id,
        loginId: login.id,
        language: login.language,
        save: true,
        state: "connecting",
        credentialsEnc: null,
        snapshotId: null,
      },
      delivery,
      mode,
    );
    await this.#insert(session);
    await this.#claimCard(login, session, mode === "live");
    return session;
  }

  /**
   * Cached /Authorize: a new RequestId over the card's last aggregation, no bank contact. If
   * the card's last live refresh failed, that error is answered with a RequestId that still
   * works for the data endpoints.
   */
  async openCached(opening: SessionOpening, loginId: string): Promise<AuthorizeOutcome> {
    const opened = await this.#openCached(opening, loginId);
    if (!opened) throw new ApiError("INVALID_LOGIN");
    const {
      session,
      card: { login },
    } = opened;
    const username = this.deps.secrets.username(login);
    if (login.lastRefreshError) return { kind: "authorizedWithError", session, login, username, code: login.lastRefreshError };
    return { kind: "authorized", session, login, username };
  }

  /**
   * Cached mode named by credentials instead of a LoginId (the C# SDK's sandbox tests do
   * this). The password must match the saved one: a username alone opens nothing.
   */
  async openCachedWithCredentials(opening: SessionOpening, credentials: LiveLogin): Promise<AuthorizeOutcome> {
    const { secrets, storage } = this.deps;
    const connector = connectorOf(this.deps.connectors, credentials.institution);
    assertScopeReaches(opening.scope, this.deps.connectors, connector.id);
    const login = await storage.logins.findByLookupHash(
      secrets.lookupHash(opening.customerId, connector.id, credentials.username, credentials.language),
    );
    const saved = login ? secrets.openCardCredentials(login) : null;
    if (!login || login.customerId !== opening.customerId || saved?.password !== credentials.password) {
      throw new ApiError("INVALID_LOGIN");
    }
    return this.openCached(opening, login.id);
  }

  /** /AuthorizeMultiple: one cached session per distinct LoginId; malformed and unknown ones are listed apart. */
  async openCachedMany(
    opening: Omit<SessionOpening, "requestId">,
    rawLoginIds: readonly string[],
    newRequestId: () => string,
  ): Promise<{ opened: Array<{ loginId: string; requestId: string }>; unknown: string[] }> {
    const opened: Array<{ loginId: string; requestId: string }> = [];
    const unknown: string[] = [];
    for (const loginId of new Set(rawLoginIds.map((id) => id.trim().toLowerCase()))) {
      // A card the caller may not reach is listed as unknown, exactly like a missing one.
      const cached = isUuid(loginId)
        ? await this.#openCached({ ...opening, requestId: newRequestId() }, loginId).catch(unlessDenied)
        : undefined;
      if (cached) opened.push({ loginId, requestId: cached.session.requestId });
      else unknown.push(loginId);
    }
    return { opened, unknown };
  }

  /**
   * A cached session on the card, built from the card as the session's own transaction reads
   * it (SessionStore.insertOnCard); undefined if the customer has no such card. While the card
   * is being aggregated the session waits for the new data (202 meanwhile).
   */
  #openCached(opening: SessionOpening, loginId: string): Promise<OpenedOnCard | undefined> {
    return this.deps.storage.sessions.insertOnCard({
      customerId: opening.customerId,
      loginId,
      cardJobKeyPrefix: AGGREGATION_KEY_PREFIX,
      open: ({ login, jobActive }) => {
        assertScopeReaches(opening.scope, this.deps.connectors, login.institution);
        return this.#newSession(
          opening,
          {
            institution: login.institution,
            loginId: login.id,
            language: login.language,
            save: false,
            state: "authorized",
            credentialsEnc: null,
            snapshotId: jobActive ? null : login.snapshotId,
          },
          "inline",
          "cached",
        );
      },
    });
  }

  /** Stores the new session; a card deleted since it was read answers as unknown (nothing was written). */
  async #insert(session: Session): Promise<void> {
    if (!(await this.deps.storage.sessions.insert(session))) throw new ApiError("INVALID_LOGIN");
  }

  /**
   * One live session per card: the card row names its live session and is taken by
   * compare-and-swap. A holder that is no longer live (authorized, failed, expired) is simply
   * replaced. A holder that only waits for its person (challenged, or an answer whose process
   * died) is taken over when `takeOver` is set — a new login with credentials, or a live refresh
   * the app starts: it ends with SESSION_REPLACED and the newcomer goes on. A holder whose step
   * is at the institution right now refuses the newcomer (409 CONCURRENT_SESSION, with its
   * RequestId), and so does every live holder for the nightly run, which never displaces a
   * person. The newcomer's session is stored before it claims, so a holder is never mistaken
   * for dead just because it is not written yet. Each lost compare-and-swap means another
   * claimant moved first, so the loop is short and bounded.
   */
  async #claimCard(card: Login, session: Session, takeOver: boolean): Promise<void> {
    const { storage, clock } = this.deps;
    let holder = card.liveRequestId;
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const holding = holder ? await storage.sessions.find(card.customerId, holder) : undefined;
      const now = clock.now();
      if (holding && isLiveStep(holding, now)) {
        if (!takeOver || isBusy(holding, now)) return this.#refuse(session, holding.requestId);
        // Ended first, then claimed: a person answering meanwhile makes the first write fail.
        if (!(await storage.sessions.replace(failed(holding, "SESSION_REPLACED"), holding.version))) continue;
      }
      if (await storage.logins.claimLive(card.id, session.requestId, holder)) return;
      const current = await storage.logins.find(card.customerId, card.id);
      if (!current) return this.#cardGone(session);
      holder = current.liveRequestId;
    }
    return this.#refuse(session, holder);
  }

  /** The newcomer ends before it starts: its session is stored as failed, and the caller told why. */
  async #refuse(session: Session, holder: string | null): Promise<never> {
    const refused: Session = { ...session, state: "failed", errorCode: "CONCURRENT_SESSION", credentialsEnc: null, leaseUntil: null };
    await commitSession(this.deps.storage, refused, session.version);
    throw new ApiError("CONCURRENT_SESSION", holder ? { requestId: holder } : {});
  }

  /**
   * The card was deleted while this session was being opened on it: the session goes too (no
   * row may name a deleted card; DeleteCard purges again after its commit for the same reason)
   * and the card answers as unknown.
   */
  async #cardGone(session: Session): Promise<never> {
    await this.deps.storage.sessions.delete(session.customerId, session.requestId);
    // The row named the card for a moment: no copy of its page may stay in the store's files.
    await this.deps.storage.scrub();
    throw new ApiError("INVALID_LOGIN");
  }

  #newSession(opening: SessionOpening, fields: SessionFields, delivery: StepDelivery, mode: SessionMode): Session {
    const { settings } = this.deps;
    const now = this.deps.clock.now();
    // Every field written out: V8 (Node 20) builds an object spread from a few fields and then
    // given many new ones on a slow path, ~0.1 ms a session (docs/performance.md).
    const session: Session = {
      institution: fields.institution,
      loginId: fields.loginId,
      language: fields.language,
      save: fields.save,
      state: fields.state,
      credentialsEnc: fields.credentialsEnc,
      snapshotId: fields.snapshotId,
      requestId: opening.requestId,
      customerId: opening.customerId,
      mode,
      tag: opening.tag,
      scheduleRefresh: opening.scheduleRefresh ?? false,
      challenges: null,
      connectorStateEnc: null,
      attemptsLeft: settings.mfaAttemptsPerRequest,
      errorCode: null,
      authorizeTokenHash: opening.authorizeTokenHash,
      version: 1,
      leaseUntil: fields.state === "connecting" ? new Date(now.getTime() + timingOf(settings, delivery).leaseSeconds * 1000) : null,
      leaseHolder: fields.state === "connecting" ? settings.leaseHolderId : null,
      createdAt: now,
      lastActivityAt: now,
      expiresAt: now,
      absoluteExpiresAt: new Date(now.getTime() + settings.absoluteTtlSeconds * 1000),
    };
    return touched(session, now, timingOf(settings));
  }
}

/** A refusal of the caller's scope, as nothing opened: AuthorizeMultiple lists such a card as unknown. */
function unlessDenied(error: unknown): undefined {
  if (error instanceof ApiError && error.code === "ACCESS_DENIED") return undefined;
  throw error;
}
