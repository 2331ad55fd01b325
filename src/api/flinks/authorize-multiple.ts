import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { isUuid, newRandomId } from "../../lib/ids.js";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import type { FlinksRouteContext } from "./flinks-routes.js";

const Body = Type.Object({
  LoginIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 100 }),
  MostRecentCached: Type.Optional(Type.Boolean({ description: "Only cached mode (true, the default) is offered." })),
});

const Reply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  ValidLoginIds: Type.Array(Type.Object({ LoginId: Type.String(), RequestId: Type.String() })),
  InvalidLoginIds: Type.Array(Type.Object({ LoginId: Type.String() })),
});

/**
 * POST /AuthorizeMultiple (legacy, flinks-api.md §7.5): one cached session per LoginId.
 * Live mode is refused: each card may need its user for MFA, which one call cannot carry.
 * Server-to-server only, like card management: an authorize token opens one session.
 */
export function registerAuthorizeMultiple({ app, services, hidden }: FlinksRouteContext): void {
  app.post(
    "/AuthorizeMultiple",
    {
      schema: {
        hide: hidden,
        tags: ["Authorize"],
        summary: "Cached sessions for several cards at once (legacy)",
        body: Body,
        response: { 200: Reply },
      },
      preValidation: canonicalizeBody(Body),
    },
    async function authorizeMultiple(request) {
      const caller = await services.callerAuth.caller(request);
      services.callerAuth.assertServerCaller(caller);
      if (request.body.MostRecentCached === false) {
        throw new ApiError("INVALID_REQUEST", {}, "AuthorizeMultiple only opens cached sessions (MostRecentCached: true).");
      }
      const valid: Array<{ LoginId: string; RequestId: string }> = [];
      const invalid: Array<{ LoginId: string }> = [];
      for (const raw of new Set(request.body.LoginIds.map((id) => id.trim().toLowerCase()))) {
        if (!isUuid(raw)) {
          invalid.push({ LoginId: raw });
          continue;
        }
        const opening = { customerId: caller.customer.id, requestId: newRandomId(), authorizeTokenHash: null, tag: null };
        try {
          const outcome = await services.authorize.startCached(opening, raw);
          valid.push({ LoginId: raw, RequestId: outcome.session.requestId });
        } catch (error) {
          if (!(error instanceof ApiError) || error.code !== "INVALID_LOGIN") throw error;
          invalid.push({ LoginId: raw });
        }
      }
      return { HttpStatusCode: 200 as const, ValidLoginIds: valid, InvalidLoginIds: invalid };
    },
  );
}
