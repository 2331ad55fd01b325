import type { Storage } from "../storage/storage.js";
import { cardJobKeys, singletonKeys } from "./job-kinds.js";

/** Cards and webhook events looked at, at most: the screen shows the newest jobs of the newest ones. */
const MAX_CARDS = 500;
const MAX_EVENTS = 200;
const MAX_JOBS = 200;

export interface JobView {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  maxAttempts: number;
  /** When a queued job runs next (its retry time after a failure). */
  runAt: Date;
  updatedAt: Date;
  lastError: string | null;
  /** What the job is about: a card's LoginId or a webhook event's id. */
  subject: string | null;
}

/**
 * One customer's background jobs, for the dashboard: the aggregations and nightly refreshes of
 * its cards and the deliveries of its webhook events, found by their singleton keys (a job's
 * payload, which names its customer, is sealed and emptied once the job ends). An authorize
 * step (queued /AuthorizeAsync) holds no key and shows on its session's timeline instead.
 */
export class JobOverview {
  constructor(private readonly storage: Storage) {}

  async list(customerId: string): Promise<JobView[]> {
    const [cards, events] = await Promise.all([
      this.storage.logins.listByCustomer(customerId, MAX_CARDS),
      this.storage.webhooks.listEvents(customerId, { limit: MAX_EVENTS }),
    ]);
    // Every key and key prefix that names one of them (the ones DeleteCard cancels, and each event's delivery).
    const subjects = new Map<string, string>();
    const prefixes: Array<[string, string]> = [];
    for (const card of cards) {
      const { keys, prefixes: cardPrefixes } = cardJobKeys(card.id);
      for (const key of keys) subjects.set(key, card.id);
      for (const prefix of cardPrefixes) prefixes.push([prefix, card.id]);
    }
    for (const event of events) subjects.set(singletonKeys.webhookDelivery(event.id), event.id);
    const rows = await this.storage.jobs.listBySingletonKeys(
      [...subjects.keys()],
      prefixes.map(([prefix]) => prefix),
      MAX_JOBS,
    );
    const subjectOf = (key: string | null) =>
      key === null ? null : (subjects.get(key) ?? prefixes.find(([prefix]) => key.startsWith(prefix))?.[1] ?? null);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      state: row.state,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      runAt: new Date(Number(row.run_at)),
      updatedAt: new Date(Number(row.updated_at)),
      lastError: row.last_error,
      subject: subjectOf(row.singleton_key),
    }));
  }
}
