import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import type { ApiServices, TypedApp } from "../api-services.js";
import { assertSameSite, cookieOf, guardDashboardRequest, setSessionCookie } from "./dashboard-guard.js";
import type { DashboardServices } from "./dashboard-services.js";

const SignInBody = Type.Object(
  {
    customerId: Type.String({ minLength: 1, maxLength: 64 }),
    secretKey: Type.String({ minLength: 1, maxLength: 512 }),
  },
  { additionalProperties: false },
);

/** Sign-in, who is signed in, sign-out. */
export function registerDashboardAccount(app: TypedApp, services: ApiServices, dashboard: DashboardServices): void {
  const viewerView = (customerId: string, csrfToken: string) => ({
    customerId,
    csrfToken,
    mode: dashboard.mode,
    sandbox: services.sandbox !== null,
    idleSeconds: dashboard.signIn.idleSeconds,
  });

  app.post(
    "/dashboard/api/sign-in",
    { schema: { hide: true, body: SignInBody }, config: { auth: "public" } },
    async function dashboardSignIn(request, reply) {
      // No session yet, so no CSRF token: a cross-site sign-in (login CSRF) is refused by origin.
      assertSameSite(request);
      const { token, viewer } = await dashboard.signIn.signIn(request.body.customerId, request.body.secretKey);
      setSessionCookie(request, reply, token);
      return viewerView(viewer.customerId, viewer.csrfToken);
    },
  );

  app.get(
    "/dashboard/api/session",
    {
      schema: { hide: true },
      config: { auth: "public" },
      preHandler: (request) => guardDashboardRequest(request, dashboard.signIn, dashboard.mode),
    },
    async function dashboardSession(request) {
      return viewerView(request.dashboardViewer.customerId, request.dashboardViewer.csrfToken);
    },
  );

  app.post(
    "/dashboard/api/sign-out",
    { schema: { hide: true }, config: { auth: "public" } },
    async function dashboardSignOut(request, reply) {
      try {
        await guardDashboardRequest(request, dashboard.signIn, dashboard.mode);
      } catch (error) {
        // Signed out already: nothing to end, and the cookie goes anyway.
        if (!(error instanceof ApiError && error.code === "DASHBOARD_SIGNED_OUT")) throw error;
      }
      await dashboard.signIn.signOut(cookieOf(request));
      setSessionCookie(request, reply, null);
      return { signedOut: true };
    },
  );
}
