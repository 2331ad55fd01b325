import { withTimeout } from "../connectors/bounded-call.js";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { AggregatedData, ConnectorContext, FetchResult, PreviousFetch } from "../connectors/types.js";
import type { ErrorCode } from "../errors/catalog.js";
import type { Clock } from "../lib/clock.js";
import type { FaultPoints } from "../lib/fault-points.js";
import { newTimeOrderedId } from "../lib/ids.js";
import { buildSnapshot } from "../logins/build-snapshot.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import { snapshotIncrement } from "../logins/snapshot-increment.js";
import type { Job } from "../queue/job.js";
import type { AggregationHandOff } from "../queue/job-kinds.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import type { Snapshot } from "../records/snapshot.js";
import type { NightlyOutcomes } from "../refresh/record-refresh-outcome.js";
import { touched } from "../sessions/transitions.js";
import type { SnapshotIncrement } from "../storage/snapshot-delta.js";
import type { RefreshBasis, SnapshotBase } from "../storage/snapshot-store.js";
import type { Storage } from "../storage/storage.js";
import { aggregationEvents } from "../webhooks/aggregation-events.js";
import type { WebhookPublisher } from "../webhooks/webhook-publisher.js";

export interface AggregationDeps {
  storage: Storage;
  secrets: CardSecrets;
  connectors: ConnectorRegistry;
  clock: Clock;
  indexKey: Buffer;
  idleTtlSeconds: number;
  connectorTimeoutSeconds: number;
  connectorContext(customerId: string, institution: string, cardLookupHash: string, attended: boolean): ConnectorContext;
  faults: FaultPoints;
  webhooks: WebhookPublisher;
  nightlyOutcomes: NightlyOutcomes;
}

/**
 * Fetches the card's accounts and transactions after a live login and publishes them as a
 * new immutable snapshot, in one transaction with the session and the card. The job serves
 * every live session of the card still waiting for data, oldest first: a login committed
 * while another aggregation held the card's job slot (its enqueue was refused) is served by
 * that job too, also when the job reruns after a crash. Idempotent: served sessions are
 * skipped.
 */
export function createAggregationHandler(deps: AggregationDeps): (job: Job<"aggregate">) => Promise<void> {
  return async (job) => {
    const { payload } = job;
    const loginId = payload.loginId ?? (await deps.storage.sessions.find(payload.customerId, payload.requestId))?.loginId;
    if (!loginId) return;
    // The card as the login's commit left it serves the first session: only this job moves its
    // snapshot meanwhile (one aggregation per card), and a deletion is seen when publishing.
    let handedOff = job.handedOff?.card.id === loginId ? job.handedOff : undefined;
    for (const session of await deps.storage.sessions.findAwaitingAggregation(payload.customerId, loginId)) {
      const connectedAt = session.requestId === payload.requestId ? new Date(payload.connectedAtMs) : session.lastActivityAt;
      await aggregateSession(deps, job, session, connectedAt, handedOff);
      handedOff = undefined;
    }
  };
}

/** What a fetch gave: a whole snapshot (stored against the card's base when small), or an increment over the card's current one. */
type Fresh = { data: AggregatedData; fetch: PreviousFetch | null } & (
  | { snapshot: Snapshot; base: SnapshotBase | undefined }
  | { increment: SnapshotIncrement; basis: RefreshBasis }
);

async function aggregateSession(
  deps: AggregationDeps,
  job: Job<"aggregate">,
  session: Session,
  connectedAt: Date,
  handedOff: AggregationHandOff | undefined,
): Promise<void> {
  const loginId = session.loginId ?? "";
  const connector = deps.connectors.find(session.institution);
  if (!connector) throw new Error(`institution ${session.institution} is not configured`);
  const card = handedOff?.card ?? (await deps.storage.logins.find(session.customerId, loginId));
  if (!card) return; // deleted meanwhile: nothing to fetch for
  // What the card's current data was fetched from and is stored against: for an incremental fetch.
  const basis = card.snapshotId ? await deps.storage.snapshots.findRefreshBasis(card.snapshotId) : undefined;
  let fetched: FetchResult;
  let increment: SnapshotIncrement | null = null;
  const fetchedOn = deps.clock.now().toISOString().slice(0, 10);
  try {
    const ctx = deps.connectorContext(session.customerId, session.institution, card.lookupHash, session.mode !== "nightly");
    const state =
      handedOff?.connectorState.sealed === session.connectorStateEnc
        ? handedOff.connectorState.opened
        : deps.secrets.openConnectorState(session);
    const fetch = (previous?: PreviousFetch) => withTimeout(connector.fetchData(state, ctx, previous), deps.connectorTimeoutSeconds);
    fetched = await fetch(basis?.fetch ?? undefined);
    if (fetched.kind === "data" && fetched.increment) {
      increment = basis ? snapshotIncrement(basis, fetched.data, fetched.increment, card.id, deps.indexKey) : null;
      // An increment that does not fit the card's data (an account it never had): fetched whole instead.
      if (!increment) fetched = await fetch();
    }
  } catch (error) {
    // The last attempt tells the card: cached calls then answer AGGREGATION_ERROR.
    if (job.attempts >= job.maxAttempts) await recordFailure(deps, session, card, "AGGREGATION_ERROR");
    throw error;
  }
  // An expected refusal (access revoked) is the card's outcome, not a fault to retry.
  if (fetched.kind === "failed") return recordFailure(deps, session, card, fetched.code);
  // Nothing new may be fetched yet: the card's last data serves, if it has any.
  if (fetched.kind === "unchanged" && !card.snapshotId) return recordFailure(deps, session, card, "RETRY_LATER");
  const fresh = fetched.kind === "data" ? await freshFrom(deps, card, fetched, increment, basis, fetchedOn) : null;
  const now = deps.clock.now();
  await deps.storage.transaction(async (tx) => {
    // Held until the commit: a DeleteCard meanwhile waits and then removes what this writes.
    const current = await tx.logins.holdForWrite(session.customerId, loginId);
    if (!current) return; // deleted meanwhile: nothing to publish
    const published = fresh ? await publishSnapshot(tx, current, card.snapshotId, fresh, { connectedAt, now }) : null;
    // A published snapshot records the same Completed outcome (LoginStore.recordRefresh).
    if (session.mode === "nightly" && !published) await deps.nightlyOutcomes.completed(tx, current.id, connectedAt);
    const snapshotId = published?.snapshotId ?? current.snapshotId;
    const served = {
      ...touched(session, now, { idleTtlSeconds: deps.idleTtlSeconds, leaseSeconds: 0 }),
      snapshotId,
      connectorStateEnc: null,
    };
    if (!(await tx.sessions.replace(served, session.version))) throw new Error("session changed during aggregation; retrying");
    if (published) {
      // The webhooks commit with the data they announce: neither exists without the other
      // (quality bar R7, docs/quality-bars.md). An increment's snapshot is decoded only for a customer with a receiver.
      const events = async () => {
        const snapshot = published.snapshot ?? (await tx.snapshots.find(published.snapshotId));
        if (!snapshot) throw new Error(`snapshot ${published.snapshotId} is gone before its commit`);
        return aggregationEvents(deps.connectors, { ...published, snapshot, session: served, username: deps.secrets.username(current) });
      };
      await deps.webhooks.publishAll(session.customerId, events, tx);
    }
    deps.faults.hit("aggregation:before-commit");
  });
  deps.faults.hit("aggregation:after-commit");
}

/** The fetched data as it will be stored: an increment over the card's current snapshot, or a whole snapshot with the card's base to store it against. */
async function freshFrom(
  deps: AggregationDeps,
  card: Login,
  fetched: Extract<FetchResult, { kind: "data" }>,
  increment: SnapshotIncrement | null,
  basis: RefreshBasis | undefined,
  fetchedOn: string,
): Promise<Fresh> {
  const fetch = fetched.basis ? { basis: fetched.basis, day: fetchedOn } : null;
  if (increment && basis) return { data: fetched.data, fetch, increment, basis };
  const baseSnapshot = basis && (await deps.storage.snapshots.find(basis.base.id));
  const base = basis && baseSnapshot ? { id: basis.base.id, snapshot: baseSnapshot, bytes: basis.base.outline.bytes } : undefined;
  return { data: fetched.data, fetch, snapshot: buildSnapshot(fetched.data, card.id, deps.indexKey), base };
}

/**
 * A new immutable snapshot, and the card pointed at it. Stored against the base of the card's
 * snapshot as it was read before the fetch; an increment extends that snapshot, so it needs
 * the card to still point at it (one aggregation of a card runs at a time: a card moved on
 * meanwhile means another attempt overlapped this one, and a rerun starts from the new state).
 */
async function publishSnapshot(
  tx: Storage,
  card: Login,
  readSnapshotId: string | null,
  fresh: Fresh,
  at: { connectedAt: Date; now: Date },
) {
  const snapshotId = newTimeOrderedId();
  const stillCurrent = card.snapshotId === readSnapshotId;
  if ("increment" in fresh) {
    if (!stillCurrent) throw new Error("card's snapshot changed during aggregation; retrying");
    await tx.snapshots.insertIncrement(snapshotId, card.id, at.now, fresh.increment, { basis: fresh.basis, fetch: fresh.fetch });
  } else {
    const base = stillCurrent ? fresh.base : undefined;
    await tx.snapshots.insert(snapshotId, card.id, at.now, fresh.snapshot, { base, fetch: fresh.fetch });
  }
  const { data } = fresh;
  await tx.logins.recordRefresh(card.id, { snapshotId, at: at.connectedAt, loginType: data.loginType });
  const login: Login = { ...card, snapshotId, lastRefreshAt: at.connectedAt, lastRefreshError: null, loginType: data.loginType };
  return { snapshotId, snapshot: "snapshot" in fresh ? fresh.snapshot : undefined, login };
}

/** The refresh failed for good: a nightly one is reported (GetNightlyRefreshStatus, webhook); any other marks the card. */
async function recordFailure(deps: AggregationDeps, session: Session, card: Login, code: ErrorCode): Promise<void> {
  if (session.mode === "nightly") {
    const failure = { at: deps.clock.now(), state: "Aggregating", errorCode: code, requestId: session.requestId } as const;
    await deps.nightlyOutcomes.failed(deps.storage, card, failure);
  } else await deps.storage.logins.recordRefreshError(card.id, code);
}
