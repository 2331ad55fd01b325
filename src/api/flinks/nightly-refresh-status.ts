import { NightlyRefreshStatusReply, nightlyRefreshStatusBody } from "../../wire/flinks/card-management.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/**
 * GET /GetNightlyRefreshStatus, `Authorization: Bearer <secret key>`: the scheduled cards the
 * nightly run will skip or whose last refresh failed; an empty list means every scheduled
 * card is fine.
 */
export function registerNightlyRefreshStatus({ app, services, hidden }: FlinksRoutes): void {
  app.get(
    "/GetNightlyRefreshStatus",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "Scheduled cards that are not refreshed nightly, or whose last refresh failed",
        response: { 200: NightlyRefreshStatusReply },
      },
      config: { auth: "bearerSecretKey" },
    },
    async function getNightlyRefreshStatus(request) {
      return nightlyRefreshStatusBody(await services.cardRefresh.status(request.caller.customer.id));
    },
  );
}
