import { Type } from "typebox";
import { flinksTimestamp } from "../../wire/flinks/wire-format.js";
import type { FlinksRouteContext } from "./flinks-routes.js";

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const Reply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  IneligibleCards: Type.Array(
    Type.Object({
      LoginId: Type.String(),
      LastRefreshDate: Nullable(Type.String({ examples: ["2026-01-21T05:00:01.1450000"] })),
      LastRefreshState: Nullable(Type.String({ description: "Completed, Authenticating, AnsweringSecurityChallenge or Aggregating." })),
      LastRefreshErrorCode: Nullable(Type.String({ examples: ["QUESTION_NOT_FOUND"] })),
    }),
  ),
});

/**
 * GET /GetNightlyRefreshStatus (flinks-api.md §7.3), `Authorization: Bearer <secret key>`:
 * the scheduled cards the nightly run will skip or whose last refresh failed; an empty list
 * means every scheduled card is fine.
 */
export function registerNightlyRefreshStatus({ app, services, hidden }: FlinksRouteContext): void {
  app.get(
    "/GetNightlyRefreshStatus",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "Scheduled cards that are not refreshed nightly, or whose last refresh failed",
        response: { 200: Reply },
      },
    },
    async function getNightlyRefreshStatus(request) {
      const customer = await services.callerAuth.withBearerSecretKey(request);
      const cards = await services.cardRefresh.status(customer.id);
      return {
        HttpStatusCode: 200 as const,
        IneligibleCards: cards.map((card) => ({
          LoginId: card.loginId,
          LastRefreshDate: card.lastRefreshDate && flinksTimestamp(card.lastRefreshDate),
          LastRefreshState: card.lastRefreshState,
          LastRefreshErrorCode: card.lastRefreshErrorCode,
        })),
      };
    },
  );
}
