import type { Clock } from "../lib/clock.js";
import { newTimeOrderedId } from "../lib/ids.js";
import { singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { Storage } from "../storage/storage.js";
import type { Vault } from "../vault/vault.js";
import { eventBody, type WebhookEvent, webhookBodyAad } from "./webhook-event.js";

export interface WebhookPublisherDeps {
  storage: Storage;
  vault: Vault;
  jobs: JobQueue;
  clock: Clock;
  /** Delivery attempts per event (Flinks: 10). */
  maxAttempts: number;
}

/**
 * The outbox's front door. `publish(event, tx)` writes the event and its delivery job in the
 * caller's transaction, so the event commits with the state change it reports or not at
 * all: a kill -9 after the commit finds the job still queued and delivers it (quality bar R7, docs/quality-bars.md).
 */
export class WebhookPublisher {
  constructor(private readonly deps: WebhookPublisherDeps) {}

  /** Returns the event id, or null when the customer has no receiver configured (nothing is kept). */
  async publish(event: WebhookEvent, tx: Storage = this.deps.storage): Promise<string | null> {
    if (!(await tx.webhooks.findEndpoint(event.customerId))) return null;
    const id = newTimeOrderedId();
    await tx.webhooks.insertEvent({
      id,
      customer_id: event.customerId,
      type: event.type,
      login_id: event.loginId,
      body_enc: this.deps.vault.encrypt(eventBody(event, id), webhookBodyAad(id)),
      state: "pending",
      created_at: this.deps.clock.now().getTime(),
      delivered_at: null,
    });
    await this.enqueueDelivery(event.customerId, id, tx);
    return id;
  }

  /**
   * publish for each of `events()`, built only when the customer has a receiver: the events of
   * an aggregation are whole card data in wire form, not worth building for nobody.
   */
  async publishAll(customerId: string, events: () => Promise<WebhookEvent[]>, tx: Storage = this.deps.storage): Promise<void> {
    if (!(await tx.webhooks.findEndpoint(customerId))) return;
    for (const event of await events()) await this.publish(event, tx);
  }

  /** A delivery job for a stored event (publish, replay); one queued at a time per event. */
  async enqueueDelivery(customerId: string, eventId: string, tx: Storage = this.deps.storage): Promise<void> {
    await this.deps.jobs.enqueue(
      "webhook-delivery",
      { customerId, eventId },
      { singletonKey: singletonKeys.webhookDelivery(eventId), maxAttempts: this.deps.maxAttempts },
      tx,
    );
  }
}
