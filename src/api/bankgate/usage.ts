import { Type } from "typebox";
import type { ApiServices, TypedApp } from "../api-services.js";

const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "UTC day, YYYY-MM-DD (inclusive)." });
const Params = Type.Object({ customerId: Type.String() });
export const UsageQuery = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) });
export const UsageReply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  From: Type.String(),
  To: Type.String(),
  LiveConnections: Type.Integer({ description: "Total over the range." }),
  Days: Type.Array(Type.Object({ Date: Type.String(), LiveConnections: Type.Integer() }), {
    description: "Every day of the range, oldest first.",
  }),
});

/**
 * GET /bankgate/v1/{customerId}/usage?from=&to=: billable live connections per UTC day
 * (docs/webhooks.md, "Usage"). Secret key in `flinks-auth-key`. Defaults: the last 31 days
 * up to today.
 */
export function registerUsage(app: TypedApp, services: ApiServices): void {
  app.get(
    "/bankgate/v1/:customerId/usage",
    {
      schema: {
        tags: ["Operators"],
        summary: "Billable live connections per UTC day",
        params: Params,
        querystring: UsageQuery,
        response: { 200: UsageReply },
      },
      config: { auth: "secretKey" },
    },
    async function getUsage(request) {
      const usage = await services.usage.liveConnections(request.caller.customer.id, request.query);
      return {
        HttpStatusCode: 200 as const,
        From: usage.from,
        To: usage.to,
        LiveConnections: usage.total,
        Days: usage.days.map(({ day, liveConnections }) => ({ Date: day, LiveConnections: liveConnections })),
      };
    },
  );
}
