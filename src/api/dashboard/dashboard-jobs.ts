import type { TypedApp } from "../api-services.js";
import type { DashboardServices } from "./dashboard-services.js";

/** GET /dashboard/api/jobs: the customer's aggregations, nightly refreshes and webhook deliveries, newest first. */
export function registerDashboardJobs(app: TypedApp, dashboard: DashboardServices): void {
  app.get("/dashboard/api/jobs", { schema: { hide: true }, config: { auth: "public" } }, async function dashboardJobs(request) {
    return { now: dashboard.clock.now().toISOString(), jobs: await dashboard.jobs.list(request.dashboardViewer.customerId) };
  });
}
