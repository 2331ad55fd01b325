import { Type } from "typebox";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import {
  SetScheduledRefreshBody,
  SetScheduledRefreshQuery,
  scheduledRefreshMessage,
  scheduledRefreshRequestOf,
} from "../../wire/flinks/card-management.js";
import { parseLoginId } from "../../wire/flinks/ids.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/**
 * PATCH /SetScheduledRefresh: the answer is a bare JSON string. The Ruby client sends
 * `login_id` and `is_activated` in the query string with an empty body, the C# client
 * `"IsActivated": "true"`; both work.
 */
export function registerSetScheduledRefresh({ app, services, hidden }: FlinksRoutes): void {
  app.patch(
    "/SetScheduledRefresh",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "Turn a card's nightly refresh on or off",
        body: SetScheduledRefreshBody,
        querystring: SetScheduledRefreshQuery,
        response: { 200: Type.String({ examples: ["LoginId 5e115eac-… has now been activated for automatic refresh"] }) },
      },
      preValidation: canonicalizeBody(SetScheduledRefreshBody),
      config: { auth: "serverCaller" },
    },
    async function setScheduledRefresh(request, reply) {
      const { rawLoginId, activated } = scheduledRefreshRequestOf(request.body, request.query);
      const loginId = parseLoginId(rawLoginId);
      await services.cardRefresh.setScheduled(request.caller.customer.id, request.caller.scope, loginId, activated);
      // A bare JSON string: Fastify would send a string as text/plain.
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(scheduledRefreshMessage(loginId, activated)));
    },
  );
}
