import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { checkWebhookUrl, MIN_WEBHOOK_SECRET_LENGTH } from "../../lib/webhook-receiver.js";
import type { WebhookDelivery } from "../../webhooks/webhook-log.js";
import type { ApiServices, TypedApp } from "../api-services.js";

const CustomerParams = Type.Object({ customerId: Type.String() });
const EventParams = Type.Object({ customerId: Type.String(), eventId: Type.String() });

export const ConfigureBody = Type.Object({
  Url: Type.String({ description: "http(s) URL of the receiver; private and loopback addresses are allowed." }),
  Secret: Type.Optional(
    Type.String({
      minLength: MIN_WEBHOOK_SECRET_LENGTH,
      maxLength: 256,
      description: "HMAC signing secret; omitted: the current one is kept, or one is generated and returned once.",
    }),
  ),
});
export const ConfigureReply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  Url: Type.String(),
  Secret: Type.Optional(Type.String({ description: "Only when bankgate generated it: store it, it is not shown again." })),
});

const DeliveriesQuery = Type.Object({
  eventId: Type.Optional(Type.String({ description: "Only this event." })),
  limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$", description: "Events to list, newest first (1–100, default 50)." })),
});
const Attempt = Type.Object({
  At: Type.String({ format: "date-time" }),
  StatusCode: Type.Union([Type.Integer(), Type.Null()], { description: "null when no HTTP answer came." }),
  DurationMs: Type.Integer(),
  Error: Type.Union([Type.String(), Type.Null()]),
});
const Delivery = Type.Object({
  EventId: Type.String(),
  Type: Type.String({ description: "KYC | GetAccountsDetail | RefreshFailed" }),
  State: Type.String({ description: "pending | delivered | failed" }),
  CreatedAt: Type.String({ format: "date-time" }),
  DeliveredAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  Attempts: Type.Array(Attempt),
});
export const DeliveriesReply = Type.Object({ HttpStatusCode: Type.Literal(200), Deliveries: Type.Array(Delivery) });
export const ReplayReply = Type.Object({ HttpStatusCode: Type.Literal(202), EventId: Type.String(), State: Type.Literal("pending") });

/**
 * The webhook operator endpoints (docs/webhooks.md), opened by the customer's secret key in
 * `flinks-auth-key` as /GenerateAuthorizeToken is: configure the receiver, read the
 * delivery log, replay an event.
 */
export function registerWebhookRoutes(app: TypedApp, services: ApiServices): void {
  app.put(
    "/bankgate/v1/:customerId/webhooks",
    {
      schema: {
        tags: ["Operators"],
        summary: "Set the webhook receiver URL and signing secret",
        params: CustomerParams,
        body: ConfigureBody,
        response: { 200: ConfigureReply },
      },
      config: { auth: "secretKey" },
    },
    async function configureWebhooks(request) {
      const checked = checkWebhookUrl(request.body.Url);
      if ("refused" in checked) throw new ApiError("INVALID_REQUEST", {}, `Invalid request: Url is refused: ${checked.refused}.`);
      const customerId = request.caller.customer.id;
      const { generatedSecret } = await services.webhookSettings.configure(customerId, checked.url, request.body.Secret ?? null);
      return { HttpStatusCode: 200 as const, Url: checked.url, ...(generatedSecret ? { Secret: generatedSecret } : {}) };
    },
  );

  app.get(
    "/bankgate/v1/:customerId/webhooks/deliveries",
    {
      schema: {
        tags: ["Operators"],
        summary: "The webhook delivery log: events, newest first, with every attempt",
        params: CustomerParams,
        querystring: DeliveriesQuery,
        response: { 200: DeliveriesReply },
      },
      config: { auth: "secretKey" },
    },
    async function getWebhookDeliveries(request) {
      const limit = Number(request.query.limit ?? 50);
      if (limit < 1 || limit > 100) throw new ApiError("INVALID_REQUEST", {}, "Invalid request: limit must be between 1 and 100.");
      const deliveries = await services.webhookLog.deliveries(request.caller.customer.id, { eventId: request.query.eventId, limit });
      return { HttpStatusCode: 200 as const, Deliveries: deliveries.map(deliveryView) };
    },
  );

  app.post(
    "/bankgate/v1/:customerId/webhooks/deliveries/:eventId/replay",
    {
      schema: {
        tags: ["Operators"],
        summary: "Send a webhook event again (same EventId), with a fresh set of attempts",
        params: EventParams,
        response: { 202: ReplayReply },
      },
      config: { auth: "secretKey" },
    },
    async function replayWebhookEvent(request, reply) {
      const eventId = await services.webhookLog.replay(request.caller.customer.id, request.params.eventId);
      return reply.code(202).send({ HttpStatusCode: 202, EventId: eventId, State: "pending" });
    },
  );
}

function deliveryView(delivery: WebhookDelivery) {
  return {
    EventId: delivery.eventId,
    Type: delivery.type,
    State: delivery.state,
    CreatedAt: delivery.createdAt.toISOString(),
    DeliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    Attempts: delivery.attempts.map((attempt) => ({
      At: attempt.at.toISOString(),
      StatusCode: attempt.statusCode,
      DurationMs: attempt.durationMs,
      Error: attempt.error,
    })),
  };
}
