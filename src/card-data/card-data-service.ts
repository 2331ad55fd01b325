import type { ConnectorRegistry } from "../connectors/registry.js";
import { assertScopeReaches } from "../customers/caller-scope.js";
import { ApiError } from "../errors/api-error.js";
import { type Clock, secondsAfter } from "../lib/clock.js";
import { LruCache } from "../lib/lru-cache.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import type { Job } from "../queue/job.js";
import { AGGREGATION_KEY_PREFIX, cardJobKeys, singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { CardData } from "../records/card-data.js";
import type { CallerScope } from "../records/customer.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import type { Snapshot } from "../records/snapshot.js";
import { type AttemptLimiter, cardAttemptSubject } from "../security/attempt-limiter.js";
import { isExpired, touched } from "../sessions/transitions.js";
import type { Storage } from "../storage/storage.js";

export interface CardDataServiceDeps {
  storage: Storage;
  connectors: ConnectorRegistry;
  secrets: CardSecrets;
  clock: Clock;
  sessionIdleTtlSeconds: number;
  /** Activity is written at most this often per session: reads stay cheap, expiry stays exact to it. */
  sessionTouchIntervalSeconds: number;
  jobs: JobQueue;
  attempts: AttemptLimiter;
  /** How often a waiting data call re-reads the store for a job settled by another process. */
  pollIntervalMs: number;
  /** How long a synchronous data call waits for a running aggregation (Flinks: 210 s). */
  dataSyncWaitSeconds: number;
}

/** Ready data, or an aggregation still to finish (answered 202 by the data endpoints). */
export type CardRead = { kind: "ready"; data: CardData } | { kind: "pending"; session: Session; job: Job; dispatched: boolean };

/** Reads a card's data through an authorized session, and deletes cards. */
export class CardDataService {
  readonly #snapshots = new LruCache<string, Snapshot>(256);

  constructor(private readonly deps: CardDataServiceDeps) {}

  /**
   * The session's data now. A session whose card is still being aggregated is `pending`;
   * one opened over a card whose aggregation has finished since reads the card's newest
   * snapshot; a card whose last refresh failed answers that failure.
   */
  async read(customerId: string, scope: CallerScope, requestId: string): Promise<CardRead> {
    const now = this.deps.clock.now();
    let { session, login, aggregating } = await this.#authorizedCard(customerId, scope, requestId, now);
    await this.#touch(session, now);
    if (!session.snapshotId && aggregating) {
      const job = await this.deps.jobs.findActive(singletonKeys.aggregation(login.id));
      if (job) return { kind: "pending", session, job, dispatched: false };
      // The aggregation ended between the two reads: its result is on the card now.
      ({ session, login } = await this.#authorizedCard(customerId, scope, requestId, now));
    }
    let snapshotId = session.snapshotId;
    if (!snapshotId) {
      if (login.lastRefreshError) throw new ApiError(login.lastRefreshError, { requestId: requestId });
      snapshotId = login.snapshotId;
    }
    const snapshot = snapshotId ? await this.#snapshot(snapshotId) : undefined;
    if (!snapshotId || !snapshot) throw new ApiError("AGGREGATION_ERROR", { requestId: requestId });
    return { kind: "ready", data: { session, login, username: this.deps.secrets.username(login), snapshotId, snapshot } };
  }

  /**
   * A synchronous data call: waits for a running aggregation up to `dataSyncWaitSeconds`, then
   * reports it dispatched (Flinks' 210-second OPERATION_DISPATCHED). An aggregation that
   * has not started yet (scheduled later) is reported at once instead of blocking.
   */
  async readWaiting(customerId: string, scope: CallerScope, requestId: string): Promise<CardRead> {
    const deadline = secondsAfter(this.deps.clock.now(), this.deps.dataSyncWaitSeconds);
    for (;;) {
      const read = await this.read(customerId, scope, requestId);
      if (read.kind === "ready") return read;
      const now = this.deps.clock.now();
      if (read.job.state === "queued" && read.job.runAt > now) return read;
      if (now >= deadline) return { ...read, dispatched: true };
      await this.#nextChance(read.job.id, deadline);
    }
  }

  /** Wakes on this job settling here, on the deadline, or after a poll interval (another process may settle it). */
  async #nextChance(jobId: string, deadline: Date): Promise<void> {
    const abort = new AbortController();
    const settledHere = new Promise<void>((resolve) => {
      const onSettled = (id: string) => id === jobId && resolve();
      this.deps.jobs.events.on("settled", onSettled);
      abort.signal.addEventListener("abort", () => this.deps.jobs.events.off("settled", onSettled));
    });
    const polled = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.deps.pollIntervalMs);
      abort.signal.addEventListener("abort", () => clearTimeout(timer));
    });
    await Promise.race([settledHere, polled, this.deps.clock.sleepUntil(deadline)]);
    abort.abort();
  }

  /**
   * Remembers the accounts the end user chose in the Connect widget (the account selector, or
   * `resumeSelectedAccounts` on a reconnect) on the session's card: from now on every data
   * call on the card shows only these. Ids must be accounts of the card's latest data when it
   * has some (a first connection still aggregating has none to check against yet).
   */
  async saveAccountSelection(customerId: string, scope: CallerScope, requestId: string, accountIds: readonly string[]): Promise<string[]> {
    const now = this.deps.clock.now();
    const { session, login } = await this.#authorizedCard(customerId, scope, requestId, now);
    const chosen = [...new Set(accountIds.map((id) => id.trim().toLowerCase()))];
    const snapshot = login.snapshotId ? await this.#snapshot(login.snapshotId) : undefined;
    const known = new Set(snapshot?.accounts.map((a) => a.id));
    const unknown = snapshot ? chosen.filter((id) => !known.has(id)) : [];
    if (chosen.length === 0 || unknown.length > 0) {
      throw new ApiError("INVALID_REQUEST", { requestId: requestId }, "Select one or more AccountIds of this card.");
    }
    await this.deps.storage.logins.saveSelectedAccounts(login.id, chosen);
    await this.#touch(session, now);
    return chosen;
  }

  /**
   * Removes the card and everything that refers to it (credentials, sessions, snapshots,
   * webhook events, jobs, attempt counters); false when it is not this customer's. It never
   * refuses: live sessions end with it (their RequestIds no longer exist), its jobs are
   * cancelled, and nothing still in flight can write the card back — every transaction that
   * writes about a card first holds its row (LoginStore.holdForWrite), which this delete
   * removes first (docs/decisions.md#cards-and-loginids).
   */
  async deleteCard(customerId: string, scope: CallerScope, loginId: string): Promise<boolean> {
    const { storage } = this.deps;
    const card = await storage.logins.find(customerId, loginId);
    if (!card) return false;
    assertScopeReaches(scope, this.deps.connectors, card.institution);
    const { keys, prefixes } = cardJobKeys(card.id);
    const deleted = await storage.transaction(async (tx) => {
      const removed = await tx.logins.delete(customerId, loginId);
      if (removed) await tx.jobs.deleteBySingletonKeys([...keys, ...removed.eventIds.map(singletonKeys.webhookDelivery)], prefixes);
      return removed !== null;
    });
    if (!deleted) return false;
    // A backstop: a session insert checks the card in its own transaction (SessionStore.insert).
    const late = await storage.logins.purgeReferences(card.id);
    await storage.jobs.deleteBySingletonKeys(late.map(singletonKeys.webhookDelivery));
    await this.deps.attempts.forget(cardAttemptSubject(card.id));
    await storage.scrub();
    return true;
  }

  /**
   * The customer's live, authorized session, its card and whether the card is being
   * aggregated (read together, so they agree), or the error a data call answers.
   */
  async #authorizedCard(
    customerId: string,
    scope: CallerScope,
    requestId: string,
    now: Date,
  ): Promise<{ session: Session; login: Login; aggregating: boolean }> {
    const found = await this.deps.storage.sessions.findWithCard(customerId, requestId, AGGREGATION_KEY_PREFIX);
    if (!found) throw new ApiError("SESSION_NONEXISTENT");
    const { session, card, cardJobActive } = found;
    assertScopeReaches(scope, this.deps.connectors, session.institution);
    if (isExpired(session, now)) throw new ApiError("SESSION_EXPIRED", { requestId: requestId });
    if (session.state !== "authorized" || !session.loginId) throw new ApiError("UNAUTHORIZED_SESSION", { requestId: requestId });
    if (!card) throw new ApiError("SESSION_NONEXISTENT");
    return { session, login: card, aggregating: cardJobActive };
  }

  async #snapshot(snapshotId: string): Promise<Snapshot | undefined> {
    const cached = this.#snapshots.get(snapshotId);
    if (cached) return cached;
    const snapshot = await this.deps.storage.snapshots.find(snapshotId);
    if (snapshot) this.#snapshots.set(snapshotId, snapshot);
    return snapshot;
  }

  /** Coalesced: one write per session per touch interval, not one per read. */
  async #touch(session: Session, now: Date): Promise<void> {
    const sinceLastMs = now.getTime() - session.lastActivityAt.getTime();
    if (sinceLastMs < this.deps.sessionTouchIntervalSeconds * 1000) return;
    const next = touched(session, now, { idleTtlSeconds: this.deps.sessionIdleTtlSeconds, leaseSeconds: 0 });
    await this.deps.storage.sessions.touch(session.requestId, next.lastActivityAt, next.expiresAt);
  }
}
