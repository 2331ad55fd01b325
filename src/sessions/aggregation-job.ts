import { withTimeout } from "../connectors/bounded-call.js";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { AggregatedData, ConnectorContext } from "../connectors/types.js";
import type { Job } from "../jobs/job.js";
import type { Clock } from "../lib/clock.js";
import type { FaultPoints } from "../lib/fault-points.js";
import { newRandomId } from "../lib/ids.js";
import { buildSnapshot } from "../logins/build-snapshot.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import type { NightlyOutcomes } from "../refresh/record-refresh-outcome.js";
import type { Storage } from "../storage/storage.js";
import { aggregationEvents } from "../webhooks/aggregation-events.js";
import type { WebhookPublisher } from "../webhooks/webhook-publisher.js";
import type { Session } from "./session.js";
import { touched } from "./transitions.js";

export interface AggregationPayload {
  customerId: string;
  requestId: string;
  /** When the live connection succeeded: the card's LastRefresh once its data is in. */
  connectedAtMs: number;
}

export const aggregationJob = {
  kind: "aggregate",
  /** One aggregation per card at a time. */
  singletonKey: (loginId: string) => `aggregate:${loginId}`,
};

export interface AggregationDeps {
  storage: Storage;
  secrets: CardSecrets;
  connectors: ConnectorRegistry;
  clock: Clock;
  indexKey: Buffer;
  idleTtlSeconds: number;
  connectorTimeoutSeconds: number;
  connectorContext(customerId: string, institution: string): ConnectorContext;
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
export function createAggregationHandler(deps: AggregationDeps): (job: Job) => Promise<void> {
  return async (job) => {
    const payload = job.payload as AggregationPayload;
    const origin = await deps.storage.sessions.find(payload.customerId, payload.requestId);
    if (!origin?.loginId) return;
    for (const session of await deps.storage.sessions.findAwaitingAggregation(payload.customerId, origin.loginId)) {
      const connectedAt = session.requestId === payload.requestId ? new Date(payload.connectedAtMs) : session.lastActivityAt;
      await aggregateSession(deps, job, session, connectedAt);
    }
  };
}

async function aggregateSession(deps: AggregationDeps, job: Job, session: Session, connectedAt: Date): Promise<void> {
  const loginId = session.loginId ?? "";
  const connector = deps.connectors.find(session.institution);
  if (!connector) throw new Error(`institution ${session.institution} is not configured`);
  let data: AggregatedData;
  try {
    data = await withTimeout(
      connector.fetchData(deps.secrets.openConnectorState(session), deps.connectorContext(session.customerId, session.institution)),
      deps.connectorTimeoutSeconds,
    );
  } catch (error) {
    // The last attempt tells the card: cached calls then answer AGGREGATION_ERROR.
    if (job.attempts >= job.maxAttempts) {
      const card = session.mode === "nightly" && (await deps.storage.logins.find(session.customerId, loginId));
      if (card) {
        const failure = {
          at: deps.clock.now(),
          state: "Aggregating",
          errorCode: "AGGREGATION_ERROR",
          requestId: session.requestId,
        } as const;
        await deps.nightlyOutcomes.failed(deps.storage, card, failure);
      } else await deps.storage.logins.recordRefreshError(loginId, "AGGREGATION_ERROR");
    }
    throw error;
  }
  const now = deps.clock.now();
  await deps.storage.transaction(async (tx) => {
    const card = await tx.logins.find(session.customerId, loginId);
    if (!card) return; // deleted meanwhile: nothing to publish
    const snapshotId = newRandomId();
    const snapshot = buildSnapshot(data, card.id, deps.indexKey);
    await tx.logins.insertSnapshot(snapshotId, card.id, now, snapshot);
    await tx.logins.recordRefresh(card.id, { snapshotId, at: connectedAt, loginType: data.loginType });
    if (session.mode === "nightly") {
      await deps.nightlyOutcomes.completed(tx, card.id, connectedAt);
    }
    const served = {
      ...touched(session, now, { idleTtlSeconds: deps.idleTtlSeconds, leaseSeconds: 0 }),
      snapshotId,
      connectorStateEnc: null,
    };
    if (!(await tx.sessions.replace(served, session.version))) throw new Error("session changed during aggregation; retrying");
    // The webhooks commit with the data they announce: neither exists without the other (R7).
    const refreshed = { ...card, snapshotId, lastRefreshAt: connectedAt, lastRefreshError: null, loginType: data.loginType };
    const cardData = { session: served, login: refreshed, username: deps.secrets.username(card), snapshotId, snapshot };
    for (const event of aggregationEvents(deps.connectors, cardData)) await deps.webhooks.publish(event, tx);
    deps.faults.hit("aggregation:before-commit");
  });
  deps.faults.hit("aggregation:after-commit");
}
