import type { Clock } from "../lib/clock.js";
import type { FaultPoints } from "../lib/fault-points.js";
import type { Job } from "../queue/job.js";
import type { Storage } from "../storage/storage.js";
import type { Vault } from "../vault/vault.js";
import { signWebhook } from "../webhooks/sign-webhook.js";
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, webhookBodyAad } from "../webhooks/webhook-event.js";
import { webhookSecretAad } from "../webhooks/webhook-settings.js";

export interface WebhookDeliveryDeps {
  storage: Storage;
  vault: Vault;
  clock: Clock;
  /** A receiver that has not answered within this time counts as a failed attempt. */
  requestTimeoutSeconds: number;
  faults: FaultPoints;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

/**
 * One delivery attempt of one event: POST the stored body, signed, and log the attempt.
 * Only a 200 delivers (Flinks: any other answer is a failure); anything else throws, and
 * the job queue retries at the webhook interval until the last attempt marks it failed.
 * At least once: a crash between the receiver's 200 and the commit sends it again, with
 * the same EventId.
 */
export function createWebhookDeliveryHandler(deps: WebhookDeliveryDeps): (job: Job<"webhook-delivery">) => Promise<void> {
  return async (job) => {
    const { customerId, eventId } = job.payload;
    const event = await deps.storage.webhooks.findEvent(customerId, eventId);
    if (!event || event.state === "delivered") return;
    const endpoint = await deps.storage.webhooks.findEndpoint(customerId);
    const body = deps.vault.decrypt(event.body_enc, webhookBodyAad(event.id));
    const attemptedAt = deps.clock.now().getTime();
    const started = performance.now();
    const outcome: Outcome = endpoint
      ? await post(
          endpoint.url,
          body,
          {
            "content-type": "application/json; charset=utf-8",
            [SIGNATURE_HEADER]: signWebhook(deps.vault.decrypt(endpoint.secret_enc, webhookSecretAad(customerId)), body),
            [EVENT_ID_HEADER]: event.id,
            [EVENT_TYPE_HEADER]: event.type,
            "user-agent": "bankgate-webhooks",
          },
          deps.requestTimeoutSeconds,
        )
      : { statusCode: null, error: "no webhook URL is configured" };
    const durationMs = Math.round(performance.now() - started);
    deps.faults.hit("webhook-delivery:after-post");
    const delivered = outcome.statusCode === 200;
    const logged = await deps.storage.transaction(async (tx) => {
      // Deleted meanwhile (DeleteCard): no attempt may outlive its event, and nothing is left to retry.
      if (!(await tx.webhooks.holdEvent(event.id))) return false;
      await tx.webhooks.insertAttempt({ event_id: event.id, attempted_at: attemptedAt, duration_ms: durationMs, ...toColumns(outcome) });
      if (delivered) await tx.webhooks.setEventState(event.id, "delivered", deps.clock.now().getTime());
      else if (job.attempts >= job.maxAttempts) await tx.webhooks.setEventState(event.id, "failed", null);
      return true;
    });
    if (logged && !delivered) throw new Error(outcome.error ?? `the receiver answered ${outcome.statusCode}`);
  };
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutSeconds: number): Promise<Outcome> {
  try {
    // Redirects are not followed: a 3xx is a failed attempt, as Flinks counts any answer but
    // 200 (https://docs.flinks.com/api/connect/webhooks).
    const response = await fetch(url, {
      method: "POST",
      body,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    await response.body?.cancel();
    return { statusCode: response.status, error: response.status === 200 ? null : `the receiver answered ${response.status}` };
  } catch (error) {
    return { statusCode: null, error: describeFailure(error) };
  }
}

/** A short reason for the delivery log; never the body. */
function describeFailure(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "the receiver did not answer in time";
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return `the request failed${cause?.code ? ` (${cause.code})` : ""}`;
}

function toColumns(outcome: Outcome) {
  return { status_code: outcome.statusCode, error: outcome.error?.slice(0, 256) ?? null };
}
