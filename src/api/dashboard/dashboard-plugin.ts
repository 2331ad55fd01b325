import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { DashboardViewer } from "../../customers/dashboard-sign-in.js";
import type { ApiPluginOptions } from "../api-services.js";
import { registerDashboardAccount } from "./dashboard-account.js";
import { registerDashboardCards } from "./dashboard-cards.js";
import { registerDashboardClock } from "./dashboard-clock.js";
import { guardDashboardRequest } from "./dashboard-guard.js";
import { registerDashboardJobs } from "./dashboard-jobs.js";
import { registerDashboardPage } from "./dashboard-page.js";
import { registerDashboardScripts } from "./dashboard-scripts.js";
import { registerDashboardSessions } from "./dashboard-sessions.js";
import { registerDashboardWebhooks } from "./dashboard-webhooks.js";

/** Routes that run before (or without) a signed-in viewer. */
const OPEN_ROUTES = new Set([
  "/dashboard",
  "/dashboard/assets/:file",
  "/dashboard/api/sign-in",
  "/dashboard/api/session",
  "/dashboard/api/sign-out",
]);

/**
 * The dashboard at /dashboard/ (docs/dashboard.md): the page, and its private JSON API under
 * /dashboard/api/, signed in by a cookie (not by Flinks' headers). Registered only while
 * BANKGATE_DASHBOARD is on or read-only. Out of the OpenAPI document: it is the page's own
 * API, not a contract for integrators (docs/decisions.md, "Dashboard").
 */
export const dashboardApi: FastifyPluginAsyncTypebox<ApiPluginOptions> = async (app, { services }) => {
  const dashboard = services.dashboard;
  if (!dashboard) return;
  app.decorateRequest("dashboardViewer", null as unknown as DashboardViewer);
  // Every other route is the viewer's: the guard runs before it (after validation, like route-auth).
  app.addHook("onRoute", (route) => {
    if (OPEN_ROUTES.has(route.url)) return;
    if (!route.url.startsWith("/dashboard/api/")) throw new Error(`${route.url} is not a dashboard route`);
    route.preHandler = [async (request) => guardDashboardRequest(request, dashboard.signIn, dashboard.mode)];
  });
  registerDashboardPage(app, dashboard);
  registerDashboardAccount(app, services, dashboard);
  registerDashboardCards(app, services, dashboard.cards, dashboard.statements);
  registerDashboardSessions(app, services, dashboard);
  registerDashboardJobs(app, dashboard);
  registerDashboardClock(app, services, dashboard);
  registerDashboardWebhooks(app, services);
  registerDashboardScripts(app, services);
};
