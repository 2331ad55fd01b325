import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { isUuid } from "../../lib/ids.js";
import { checkWebhookUrl, MIN_WEBHOOK_SECRET_LENGTH } from "../../lib/webhook-receiver.js";
import type { Storage } from "../../storage/storage.js";
import type { WebhookPublisher } from "../../webhooks/webhook-publisher.js";
import type { WebhookSettings } from "../../webhooks/webhook-settings.js";
import type { CallerAuth } from "../flinks/caller-auth.js";
import type { FlinksApp } from "../flinks/flinks-routes.js";
import { listDeliveries } from "./webhook-deliveries.js";

const CustomerParams = Type.Object({ customerId: Type.String() });
const EventParams = Type.Object({ customerId: Type.String(), eventId: Type.String() });

const ConfigureBody = Type.Object({
  Url: Type.String({ description: "http(s) URL of the receiver; private and loopback addresses are allowed." }),
  Secret: Type.Optional(
    Type.String({
      minLength: MIN_WEBHOOK_SECRET_LENGTH,
      maxLength: 256,
      description: "HMAC signing secret; omitted: the current one is kept, or one is generated and returned once.",
    }),
  ),
});
const ConfigureReply = Type.Object({
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
const DeliveriesReply = Type.Object({ HttpStatusCode: Type.Literal(200), Deliveries: Type.Array(Delivery) });
const ReplayReply = Type.Object({ HttpStatusCode: Type.Literal(202), EventId: Type.String(), State: Type.Literal("pending") });

export interface WebhookRoutesDeps {
  callerAuth: CallerAuth;
  storage: Storage;
  settings: WebhookSettings;
  publisher: WebhookPublisher;
}

/**
 * The webhook operator endpoints (docs/webhooks.md), opened by the customer's secret key in
 * `flinks-auth-key` as /GenerateAuthorizeToken is: configure the receiver, read the
 * delivery log, replay an event.
 */
export function registerWebhookRoutes(app: FlinksApp, deps: WebhookRoutesDeps): void {
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
    },
    async function configureWebhooks(request) {
      const customer = await deps.callerAuth.withSecretKey(request);
      const checked = checkWebhookUrl(request.body.Url);
      if ("refused" in checked) throw new ApiError("INVALID_REQUEST", {}, `Invalid request: Url is refused: ${checked.refused}.`);
      const { generatedSecret } = await deps.settings.configure(customer.id, checked.url, request.body.Secret ?? null);
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
    },
    async function getWebhookDeliveries(request) {
      const customer = await deps.callerAuth.withSecretKey(request);
      const limit = Number(request.query.limit ?? 50);
      if (limit < 1 || limit > 100) throw new ApiError("INVALID_REQUEST", {}, "Invalid request: limit must be between 1 and 100.");
      const eventId = request.query.eventId;
      if (eventId !== undefined && !isUuid(eventId)) return { HttpStatusCode: 200 as const, Deliveries: [] };
      const deliveries = await listDeliveries(deps.storage, customer.id, { eventId: eventId?.toLowerCase(), limit });
      return { HttpStatusCode: 200 as const, Deliveries: deliveries };
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
    },
    async function replayWebhookEvent(request, reply) {
      const customer = await deps.callerAuth.withSecretKey(request);
      const eventId = request.params.eventId.toLowerCase();
      const event = isUuid(eventId) ? await deps.storage.webhooks.findEvent(customer.id, eventId) : undefined;
      if (!event) throw new ApiError("WEBHOOK_EVENT_NONEXISTENT");
      if (!(await deps.storage.webhooks.findEndpoint(customer.id))) throw new ApiError("WEBHOOK_NOT_CONFIGURED");
      await deps.storage.transaction(async (tx) => {
        await tx.webhooks.setEventState(event.id, "pending", null);
        await deps.publisher.enqueueDelivery(customer.id, event.id, tx);
      });
      return reply.code(202).send({ HttpStatusCode: 202, EventId: event.id, State: "pending" });
    },
  );
}
