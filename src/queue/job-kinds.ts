import type { Json } from "../connectors/types.js";
import type { Login } from "../records/login.js";

/**
 * Every kind of background job bankgate runs, with its payload and its singleton key. The
 * queue (below the domain) only stores and hands out jobs; the handlers live in src/jobs/.
 */
export interface JobPayloads {
  /** One /AuthorizeAsync step at the institution (a login or an answer), queued so the call answers 202. */
  "authorize-step": AuthorizeStepPayload;
  /** A card's accounts and transactions fetched after a live login, published as a snapshot. */
  aggregate: AggregationPayload;
  /** One card's nightly refresh. */
  "nightly-refresh": NightlyRefreshPayload;
  /** One delivery attempt of one webhook event. */
  "webhook-delivery": WebhookDeliveryPayload;
  /** Deletes what retention no longer keeps, in small batches, and gives the space back. */
  "retention-purge": RetentionPurgePayload;
  /** Moves every stored secret to the newest master key (resumable, idempotent). */
  "master-key-rotation": MasterKeyRotationPayload;
}

export type JobKind = keyof JobPayloads;

/**
 * What a job handed to this process's runner brings from the code that enqueued it
 * (JobQueue.enqueueForHere): what that code had in hand, so that the handler need not read or
 * open it again. In memory only, never stored: a job claimed from the store runs without it.
 */
export interface JobHandOffs {
  aggregate: AggregationHandOff;
}

/** A kind's hand-off, or never for a kind that has none. */
export type HandOffOf<K> = K extends keyof JobHandOffs ? JobHandOffs[K] : never;

export interface AggregationHandOff {
  /** The card as the login's commit read and held it. */
  card: Login;
  /** The connector state the session stores sealed (`sealed`, its connectorStateEnc), as it was before sealing. */
  connectorState: { sealed: string; opened: Json };
}

export const JOB_KINDS: readonly JobKind[] = [
  "authorize-step",
  "aggregate",
  "nightly-refresh",
  "webhook-delivery",
  "retention-purge",
  "master-key-rotation",
];

/**
 * Kinds whose payload names only rows the store keeps in the clear (its card's id is in its
 * singleton key too): stored as JSON. An /AuthorizeAsync step carries MFA answers and stays
 * sealed. Sealing an id-only payload protected nothing and cost ~35 µs a job (a seal at
 * enqueue, an opening at claim), ~3% of a nightly login's CPU (docs/decisions.md, "Storage
 * and jobs").
 */
export const PLAIN_PAYLOAD_KINDS: readonly JobKind[] = [
  "aggregate",
  "nightly-refresh",
  "webhook-delivery",
  "retention-purge",
  "master-key-rotation",
];

export type AuthorizeStepPayload = { customerId: string; requestId: string } & (
  | { step: "start" }
  | { step: "answer"; answers: Record<string, string[]> }
);

export interface AggregationPayload {
  customerId: string;
  requestId: string;
  /** The session's card. Absent from jobs queued by versions before it was carried: their session tells. */
  loginId?: string;
  /** When the live connection succeeded: the card's LastRefresh once its data is in. */
  connectedAtMs: number;
}

export interface NightlyRefreshPayload {
  customerId: string;
  loginId: string;
  /** The night this job belongs to ("YYYY-MM-DD", UTC). */
  night: string;
}

export interface WebhookDeliveryPayload {
  customerId: string;
  eventId: string;
}

/** The windows come from the configuration of the process that runs the job. */
export type RetentionPurgePayload = Record<string, never>;

/** The keys come from BANKGATE_MASTER_KEYS of the process that runs the job (its first key is the target). */
export type MasterKeyRotationPayload = Record<string, never>;

/** A card's aggregation job is keyed by this and the card's id (the data calls' one read looks for it by both). */
export const AGGREGATION_KEY_PREFIX = "aggregate:";

/** Singleton keys: while a queued or running job holds one, another enqueue with it is skipped. */
export const singletonKeys = {
  /** One aggregation per card at a time. */
  aggregation: (loginId: string) => `${AGGREGATION_KEY_PREFIX}${loginId}`,
  /** One nightly refresh per card and night, whichever process enqueues it. */
  nightlyRefresh: (loginId: string, night: string) => `nightly:${loginId}:${night}`,
  /** One delivery job per event. */
  webhookDelivery: (eventId: string) => `webhook:${eventId}`,
  /** One retention purge at a time, whichever process schedules it. */
  retentionPurge: () => "retention-purge",
  /** One rotation at a time. */
  masterKeyRotation: () => "master-key-rotation",
};

/** The singleton keys and key prefixes that name a card: DeleteCard cancels their jobs. */
export function cardJobKeys(loginId: string): { keys: string[]; prefixes: string[] } {
  return { keys: [singletonKeys.aggregation(loginId)], prefixes: [`nightly:${loginId}:`] };
}
