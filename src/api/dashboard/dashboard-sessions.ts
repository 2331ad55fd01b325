import { Type } from "typebox";
import type { Challenge } from "../../connectors/types.js";
import type { ApiServices, TypedApp } from "../api-services.js";
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
      sessions: sessions.map(({ session, expired }) => ({
        requestId: session.requestId,
        state: session.state,
        mode: session.mode,
        institution: session.institution,
        loginId: session.loginId,
        pendingPrompts: session.state === "challenged" ? promptsOf(session.challenges) : [],
        attemptsLeft: session.attemptsLeft,
        errorCode: session.errorCode,
        expired,
        createdAt: session.createdAt.toISOString(),
        lastActivityAt: session.lastActivityAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
      })),
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

/** Prompts only: never an answer (a session holds none), and no choices either. */
function promptsOf(challenges: Challenge[] | null): string[] {
  return (challenges ?? []).map((challenge) => challenge.prompt);
}
