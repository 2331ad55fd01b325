/**
 * What bankgate tells a customer's receiver (Flinks' webhooks:
 * https://docs.flinks.com/api/connect/webhooks). Bodies are Flinks-shaped (`ResponseType` names the
 * event) plus `EventId`, the id receivers drop duplicates by.
 */
export type WebhookEventType = "KYC" | "GetAccountsDetail" | "RefreshFailed";

export interface WebhookEvent {
  customerId: string;
  type: WebhookEventType;
  /** The card it is about: DeleteCard deletes its undelivered and delivered events alike. */
  loginId: string | null;
  /** The Flinks body without `ResponseType` and `EventId`, which publishing adds. */
  body: Record<string, unknown>;
}

/** The headers that carry the event id and type besides the body (receivers can dedupe before parsing). */
export const EVENT_ID_HEADER = "bankgate-event-id";
export const EVENT_TYPE_HEADER = "bankgate-event-type";
/**
 * Flinks' signature header: base64(HMAC-SHA256(secret, raw body))
 * (https://docs.flinks.com/reference/hmac).
 */
export const SIGNATURE_HEADER = "flinks-authenticity-key";

/** The exact body sent: ResponseType first as in Flinks' examples, EventId last. */
export function eventBody(event: WebhookEvent, eventId: string): string {
  return JSON.stringify({ ResponseType: event.type, ...event.body, EventId: eventId });
}

/** Binds an event body's ciphertext to its event: copied to another row it fails to open. */
export function webhookBodyAad(eventId: string): string {
  return `webhook-event:${eventId}:body`;
}
