import { Type } from "typebox";
import type { ApiServices, TypedApp } from "../api-services.js";
import { SessionSummary, sessionSummaryView } from "../bankgate/session-introspection.js";
import { CustomerParams, SandboxErrorBody, SERVED_WHEN, sandboxSecurity } from "./sandbox-schemas.js";

const Query = Type.Object({
  limit: Type.Optional(
    Type.String({ pattern: "^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$", description: "How many, newest first: 1 to 500 (default 50)." }),
  ),
});

/** GET /sandbox/v1/{customerId}/sessions: the customer's latest sessions, to see what a test left behind. */
export function registerSandboxSessions(app: TypedApp, services: ApiServices): void {
  app.get(
    "/sandbox/v1/:customerId/sessions",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "List the latest sessions",
        description: `Newest first, with their state, pending prompts and expiry (never answers or credentials). ${SERVED_WHEN}`,
        security: sandboxSecurity,
        params: CustomerParams,
        querystring: Query,
        response: { 200: Type.Object({ sessions: Type.Array(SessionSummary) }), 400: SandboxErrorBody, 401: SandboxErrorBody },
      },
      config: { auth: "secretKey" },
    },
    async function listSessions(request) {
      const sessions = await services.sessionInspector.listRecent(request.caller.customer.id, Number(request.query.limit ?? 50));
      return { sessions: sessions.map(sessionSummaryView) };
    },
  );
}
