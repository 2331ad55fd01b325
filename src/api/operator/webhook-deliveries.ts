import type { Storage } from "../../storage/storage.js";

/** The delivery log as the operator endpoint shows it: events newest first, their attempts oldest first. */
export async function listDeliveries(storage: Storage, customerId: string, options: { eventId?: string; limit: number }) {
  const events = await storage.webhooks.listEvents(customerId, options);
  const attempts = await storage.webhooks.listAttempts(events.map((event) => event.id));
  return events.map((event) => ({
    EventId: event.id,
    Type: event.type,
    State: event.state,
    CreatedAt: new Date(Number(event.created_at)).toISOString(),
    DeliveredAt: event.delivered_at === null ? null : new Date(Number(event.delivered_at)).toISOString(),
    Attempts: attempts
      .filter((attempt) => attempt.event_id === event.id)
      .map((attempt) => ({
        At: new Date(Number(attempt.attempted_at)).toISOString(),
        StatusCode: attempt.status_code,
        DurationMs: attempt.duration_ms,
        Error: attempt.error,
      })),
  }));
}
