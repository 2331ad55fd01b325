import { ApiError } from "../../errors/api-error.js";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import { AuthorizeMultipleBody, AuthorizeMultipleReply } from "../../wire/flinks/card-management.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/**
 * POST /AuthorizeMultiple (legacy): one cached session per LoginId. Live mode is refused:
 * each card may need its user for MFA, which one call cannot carry. Server-to-server only,
 * like card management: an authorize token opens one session.
 */
export function registerAuthorizeMultiple({ app, services, hidden }: FlinksRoutes): void {
  app.post(
    "/AuthorizeMultiple",
    {
      schema: {
        hide: hidden,
        tags: ["Authorize"],
        summary: "Cached sessions for several cards at once (legacy)",
        body: AuthorizeMultipleBody,
        response: { 200: AuthorizeMultipleReply },
      },
      preValidation: canonicalizeBody(AuthorizeMultipleBody),
      config: { auth: "serverCaller" },
    },
    async function authorizeMultiple(request) {
      if (request.body.MostRecentCached === false) {
        throw new ApiError("INVALID_REQUEST", {}, "AuthorizeMultiple only opens cached sessions (MostRecentCached: true).");
      }
      const { opened, unknown } = await services.authorize.startCachedMany(
        request.caller.customer.id,
        request.caller.scope,
        request.body.LoginIds,
      );
      return {
        HttpStatusCode: 200 as const,
        ValidLoginIds: opened.map(({ loginId, requestId }) => ({ LoginId: loginId, RequestId: requestId })),
        InvalidLoginIds: unknown.map((loginId) => ({ LoginId: loginId })),
      };
    },
  );
}
