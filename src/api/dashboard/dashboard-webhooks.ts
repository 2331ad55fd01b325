import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { checkWebhookUrl } from "../../lib/webhook-receiver.js";
import type { ApiServices, TypedApp } from "../api-services.js";

const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" });

/** Webhooks (the delivery log, replay, the receiver) and usage (billable live connections per day). */
export function registerDashboardWebhooks(app: TypedApp, services: ApiServices): void {
  const config = { auth: "public" as const };

  app.get("/dashboard/api/webhooks", { schema: { hide: true }, config }, async function dashboardWebhooks(request) {
    const customerId = request.dashboardViewer.customerId;
    const [receiver, deliveries] = await Promise.all([
      services.webhookSettings.receiver(customerId),
      services.webhookLog.deliveries(customerId, { limit: 50 }),
    ]);
    return { receiver, deliveries };
  });

  app.post(
    "/dashboard/api/webhooks/:eventId/replay",
    { schema: { hide: true, params: Type.Object({ eventId: Type.String({ maxLength: 64 }) }) }, config },
    async function dashboardReplay(request) {
      return { eventId: await services.webhookLog.replay(request.dashboardViewer.customerId, request.params.eventId), state: "pending" };
    },
  );

  app.put(
    "/dashboard/api/webhooks/receiver",
    {
      schema: { hide: true, body: Type.Object({ url: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }) },
      config,
    },
    async function dashboardSetReceiver(request) {
      const checked = checkWebhookUrl(request.body.url);
      if ("refused" in checked) throw new ApiError("INVALID_REQUEST", {}, `Invalid request: url is refused: ${checked.refused}.`);
      const { generatedSecret } = await services.webhookSettings.configure(request.dashboardViewer.customerId, checked.url, null);
      // A new secret is shown once, as the operator API does.
      return { url: checked.url, generatedSecret };
    },
  );

  app.get(
    "/dashboard/api/usage",
    { schema: { hide: true, querystring: Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) }) }, config },
    async function dashboardUsage(request) {
      return services.usage.liveConnections(request.dashboardViewer.customerId, request.query);
    },
  );
}
