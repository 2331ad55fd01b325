import { Type } from "typebox";
import type { Storage } from "../../storage/storage.js";
import type { CallerAuth } from "../flinks/caller-auth.js";
import type { FlinksApp } from "../flinks/flinks-routes.js";
import { SessionSummary, summarizeSession } from "../operator/session-introspection.js";
import { CustomerParams, SandboxErrorBody, SERVED_WHEN, sandboxSecurity } from "./sandbox-schemas.js";

const Query = Type.Object({
  limit: Type.Optional(
    Type.String({ pattern: "^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$", description: "How many, newest first: 1 to 500 (default 50)." }),
  ),
});

/** GET /sandbox/v1/{customerId}/sessions: the customer's latest sessions, to see what a test left behind. */
export function registerSandboxSessions(app: FlinksApp, deps: { callerAuth: CallerAuth; storage: Storage; now(): Date }): void {
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
    },
    async function listSessions(request) {
      const customer = await deps.callerAuth.withSecretKey(request);
      const sessions = await deps.storage.sessions.listRecent(customer.id, Number(request.query.limit ?? 50));
      const now = deps.now();
      return { sessions: sessions.map((session) => summarizeSession(session, now)) };
    },
  );
}
