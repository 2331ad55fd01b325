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
}

export type JobKind = keyof JobPayloads;

export const JOB_KINDS: readonly JobKind[] = ["authorize-step", "aggregate", "nightly-refresh", "webhook-delivery"];

export type AuthorizeStepPayload = { customerId: string; requestId: string } & (
  | { step: "start" }
  | { step: "answer"; answers: Record<string, string[]> }
);

export interface AggregationPayload {
  customerId: string;
  requestId: string;
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

/** Singleton keys: while a queued or running job holds one, another enqueue with it is skipped. */
export const singletonKeys = {
  /** One aggregation per card at a time. */
  aggregation: (loginId: string) => `aggregate:${loginId}`,
  /** One nightly refresh per card and night, whichever process enqueues it. */
  nightlyRefresh: (loginId: string, night: string) => `nightly:${loginId}:${night}`,
  /** One delivery job per event. */
  webhookDelivery: (eventId: string) => `webhook:${eventId}`,
};

/** The singleton keys and key prefixes that name a card: DeleteCard cancels their jobs. */
export function cardJobKeys(loginId: string): { keys: string[]; prefixes: string[] } {
  return { keys: [singletonKeys.aggregation(loginId)], prefixes: [`nightly:${loginId}:`] };
}
