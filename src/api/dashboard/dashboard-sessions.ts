import { Type } from "typebox";
import type { ApiServices, TypedApp } from "../api-services.js";
import { sessionSummaryView } from "../bankgate/session-introspection.js";
import type { DashboardServices } from "./dashboard-services.js";

const RECENT_SESSIONS = 50;

/**
 * Sessions, live and recent, and one session's timeline. Every answer carries the server's
 * (virtual) `now`: the page counts down to the idle expiry and the cap from it, so a moved
 * clock shows at once.
 */
export function registerDashboardSessions(app: TypedApp, services: ApiServices, dashboard: DashboardServices): void {
  const now = () => dashboard.clock.now().toISOString();
  // While the virtual clock stands still, the page's countdowns must too.
  const frozen = () => services.sandbox?.clock.state().frozen ?? false;

  app.get("/dashboard/api/sessions", { schema: { hide: true }, config: { auth: "public" } }, async function dashboardSessions(request) {
    const sessions = await services.sessionInspector.listRecent(request.dashboardViewer.customerId, RECENT_SESSIONS);
    return {
      now: now(),
      frozen: frozen(),
      // The operator API's view of each session, with the prompts alone (no choices) in place of the challenges.
      sessions: sessions.map((summary) => {
        const { pendingChallenges, ...view } = sessionSummaryView(summary);
        return { ...view, pendingPrompts: pendingChallenges.map((challenge) => challenge.prompt) };
      }),
    };
  });

  app.get(
    "/dashboard/api/sessions/:requestId",
    { schema: { hide: true, params: Type.Object({ requestId: Type.String({ maxLength: 64 }) }) }, config: { auth: "public" } },
    async function dashboardSessionTimeline(request) {
      const { session, expired, steps } = await dashboard.timeline.of(request.dashboardViewer.customerId, request.params.requestId);
      return {
        now: now(),
        frozen: frozen(),
        requestId: session.requestId,
        state: session.state,
        mode: session.mode,
        institution: session.institution,
        loginId: session.loginId,
        expired,
        expiresAt: session.expiresAt.toISOString(),
        absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
        steps: steps.map((step) => ({ ...step, at: step.at.toISOString() })),
      };
    },
  );
}
