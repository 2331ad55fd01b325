import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import { LruCache } from "../lib/lru-cache.js";
import type { Session } from "../sessions/session.js";
import { isExpired, touched } from "../sessions/transitions.js";
import type { Storage } from "../storage/storage.js";
import type { CardSecrets } from "./card-secrets.js";
import type { Login } from "./login.js";
import type { Snapshot } from "./snapshot.js";

export interface CardDataServiceDeps {
  storage: Storage;
  secrets: CardSecrets;
  clock: Clock;
  sessionIdleTtlSeconds: number;
  /** Activity is written at most this often per session: reads stay cheap, expiry stays exact to it. */
  sessionTouchIntervalSeconds: number;
}

export interface CardData {
  session: Session;
  login: Login;
  username: string;
  snapshot: Snapshot;
}

/** Reads a card's data through an authorized session, and deletes cards. */
export class CardDataService {
  readonly #snapshots = new LruCache<string, Snapshot>(256);

  constructor(private readonly deps: CardDataServiceDeps) {}

  async read(customerId: string, requestId: string): Promise<CardData> {
    const session = await this.deps.storage.sessions.find(customerId, requestId);
    if (!session) throw new ApiError("SESSION_NONEXISTENT");
    const now = this.deps.clock.now();
    if (isExpired(session, now)) throw new ApiError("SESSION_EXPIRED", { RequestId: requestId });
    if (session.state !== "authorized" || !session.loginId || !session.snapshotId) {
      throw new ApiError("UNAUTHORIZED_SESSION", { RequestId: requestId });
    }
    const login = await this.deps.storage.logins.find(customerId, session.loginId);
    const snapshot = await this.#snapshot(session.snapshotId);
    if (!login || !snapshot) throw new ApiError("SESSION_NONEXISTENT");
    await this.#touch(session, now);
    return { session, login, username: this.deps.secrets.username(login), snapshot };
  }

  /** Removes the card and everything that refers to it; false when it is not this customer's. */
  deleteCard(customerId: string, loginId: string): Promise<boolean> {
    return this.deps.storage.transaction((tx) => tx.logins.delete(customerId, loginId));
  }

  async #snapshot(snapshotId: string): Promise<Snapshot | undefined> {
    const cached = this.#snapshots.get(snapshotId);
    if (cached) return cached;
    const snapshot = await this.deps.storage.logins.findSnapshot(snapshotId);
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
