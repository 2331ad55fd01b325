import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import type { TypedApp } from "../api-services.js";
import { sendAsset } from "../connect/send-asset.js";
import { sendError } from "../plumbing/error-handling.js";
import type { DashboardServices } from "./dashboard-services.js";

export const DASHBOARD_NOT_BUILT = "The dashboard is not built: run `npm run build` (npm install does it).";

/**
 * Scripts and styles only from this server, no framing, no inline script: the page holds a
 * signed-in session, so it gets the strictest policy that still runs it.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** GET /dashboard/ (the page) and /dashboard/assets/{file} (its hashed scripts and styles). */
export function registerDashboardPage(app: TypedApp, dashboard: DashboardServices): void {
  app.get(
    "/dashboard/assets/:file",
    { schema: { hide: true, params: Type.Object({ file: Type.String() }) }, config: { auth: "public" } },
    async function dashboardAsset(request, reply) {
      return sendAsset(request, reply, dashboard.files()?.assets.get(request.params.file));
    },
  );

  app.get("/dashboard", { schema: { hide: true }, config: { auth: "public" } }, async function dashboardPage(_request, reply) {
    const page = dashboard.files()?.pages.get("index.html");
    if (!page) return sendError(reply, new ApiError("NOT_FOUND", {}, DASHBOARD_NOT_BUILT));
    return reply
      .header("content-type", "text/html; charset=utf-8")
      .header("content-security-policy", PAGE_CSP)
      .header("x-frame-options", "DENY")
      .header("referrer-policy", "no-referrer")
      .header("x-content-type-options", "nosniff")
      .send(page);
  });
}
