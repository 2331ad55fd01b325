import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { canonicalizeBody, looseKey } from "../../wire/flinks/canonical-body.js";
import { parseLoginId } from "./authorize.js";
import type { FlinksRouteContext } from "./flinks-routes.js";

const Body = Type.Object({
  LoginId: Type.Optional(Type.String({ maxLength: 64 })),
  IsActivated: Type.Optional(Type.Boolean({ description: "true: refresh this card every night; false: stop (and stop paying for it)." })),
});

const Query = Type.Object({
  login_id: Type.Optional(Type.String({ maxLength: 64, description: "The Ruby client sends LoginId in the query string." })),
  is_activated: Type.Optional(Type.String({ maxLength: 8, description: "The Ruby client's IsActivated (true/false)." })),
});

/**
 * PATCH /SetScheduledRefresh (flinks-api.md §7.2): the answer is a bare JSON string. The
 * Ruby client sends `login_id` and `is_activated` in the query string with an empty body,
 * the C# client `"IsActivated": "true"`; both work.
 */
export function registerSetScheduledRefresh({ app, services, hidden }: FlinksRouteContext): void {
  const canonicalize = canonicalizeBody(Body);
  app.patch(
    "/SetScheduledRefresh",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "Turn a card's nightly refresh on or off",
        body: Body,
        querystring: Query,
        response: { 200: Type.String({ examples: ["LoginId 5e115eac-… has now been activated for automatic refresh"] }) },
      },
      preValidation: canonicalize,
    },
    async function setScheduledRefresh(request, reply) {
      const caller = await services.callerAuth.caller(request);
      services.callerAuth.assertServerCaller(caller);
      const query = Object.fromEntries(Object.entries(request.query).map(([key, value]) => [looseKey(key), value]));
      const rawLoginId = request.body?.LoginId ?? query.loginid;
      const activated = request.body?.IsActivated ?? booleanOf(query.isactivated);
      if (rawLoginId === undefined) throw new ApiError("INVALID_REQUEST", {}, "LoginId is required.");
      if (activated === undefined) throw new ApiError("INVALID_REQUEST", {}, "IsActivated must be true or false.");
      const loginId = parseLoginId(rawLoginId);
      await services.cardRefresh.setScheduled(caller.customer.id, loginId, activated);
      const message = `LoginId ${loginId} has now been ${activated ? "activated" : "deactivated"} for automatic refresh`;
      // A bare JSON string: Fastify would send a string as text/plain.
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(message));
    },
  );
}

function booleanOf(raw: string | undefined): boolean | undefined {
  const lowered = raw?.trim().toLowerCase();
  return lowered === "true" ? true : lowered === "false" ? false : undefined;
}
