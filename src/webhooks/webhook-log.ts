import { ApiError } from "../errors/api-error.js";
import { isUuid } from "../lib/ids.js";
import type { Storage } from "../storage/storage.js";
import type { WebhookPublisher } from "./webhook-publisher.js";

export interface WebhookDelivery {
  eventId: string;
  type: string;
  state: string;
  createdAt: Date;
  deliveredAt: Date | null;
  /** Oldest first. */
  attempts: Array<{ at: Date; statusCode: number | null; durationMs: number; error: string | null }>;
}

/** The delivery log of a customer's webhook events, and replays. */
export class WebhookLog {
  constructor(private readonly deps: { storage: Storage; publisher: WebhookPublisher }) {}

  /** Events newest first, each with its attempts. An eventId that is not a UUID matches nothing. */
  async deliveries(customerId: string, options: { eventId?: string; limit: number }): Promise<WebhookDelivery[]> {
    if (options.eventId !== undefined && !isUuid(options.eventId)) return [];
    const { storage } = this.deps;
    const events = await storage.webhooks.listEvents(customerId, { ...options, eventId: options.eventId?.toLowerCase() });
    const attempts = await storage.webhooks.listAttempts(events.map((event) => event.id));
    return events.map((event) => ({
      eventId: event.id,
      type: event.type,
      state: event.state,
      createdAt: new Date(Number(event.created_at)),
      deliveredAt: event.delivered_at === null ? null : new Date(Number(event.delivered_at)),
      attempts: attempts
        .filter((attempt) => attempt.event_id === event.id)
        .map((attempt) => ({
          at: new Date(Number(attempt.attempted_at)),
          statusCode: attempt.status_code,
          durationMs: attempt.duration_ms,
          error: attempt.error,
        })),
    }));
  }

  /** Sends an event again (same EventId) with a fresh set of attempts; returns its id. */
  async replay(customerId: string, rawEventId: string): Promise<string> {
    const eventId = rawEventId.toLowerCase();
    const { storage, publisher } = this.deps;
    const event = isUuid(eventId) ? await storage.webhooks.findEvent(customerId, eventId) : undefined;
    if (!event) throw new ApiError("WEBHOOK_EVENT_NONEXISTENT");
    if (!(await storage.webhooks.findEndpoint(customerId))) throw new ApiError("WEBHOOK_NOT_CONFIGURED");
    await storage.transaction(async (tx) => {
      // Held: an event deleted meanwhile (DeleteCard) gets no new delivery job.
      if (!(await tx.webhooks.holdEvent(event.id))) throw new ApiError("WEBHOOK_EVENT_NONEXISTENT");
      await tx.webhooks.setEventState(event.id, "pending", null);
      await publisher.enqueueDelivery(customerId, event.id, tx);
    });
    return event.id;
  }
}
