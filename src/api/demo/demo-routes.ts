import type { AuthorizeTokenIssuer } from "../../customers/authorize-token-issuer.js";
import { ApiError } from "../../errors/api-error.js";
import { NOT_BUILT } from "../connect/connect-page.js";
import type { WidgetFiles } from "../connect/widget-files.js";
import { sendError } from "../errors.js";
import type { FlinksApp } from "../flinks/flinks-routes.js";

const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The demo (issue 4 item 9): GET /demo, a parent app embedding the widget for the
 * development customer, and POST /demo/api/token, which hands that page authorize tokens.
 * A real app's backend buys tokens with its secret key; the demo page cannot hold one, so
 * this endpoint does it for the development customer only, and exists only while the
 * sandbox control plane is on (never with NODE_ENV=production unless forced).
 */
export function registerDemo(
  app: FlinksApp,
  deps: { widget(): WidgetFiles | null; developmentCustomerId: string; tokenIssuer: AuthorizeTokenIssuer },
): void {
  app.get("/demo", { schema: { hide: true } }, async function demoPage(_request, reply) {
    const page = deps.widget()?.pages.get("demo.html");
    if (!page) return sendError(reply, new ApiError("NOT_FOUND", {}, NOT_BUILT));
    return reply
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", DEMO_CSP)
      .header("x-content-type-options", "nosniff")
      .send(page);
  });

  app.post(
    "/demo/api/token",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Demo only: an authorize token of the development customer",
        description:
          "For the /demo page, which has no secret key. Served only with BANKGATE_SANDBOX_CONTROL=on and a development " +
          "customer; a real app generates tokens server-side with /GenerateAuthorizeToken.",
        security: [],
      },
    },
    async function demoToken() {
      const token = await deps.tokenIssuer.issue(deps.developmentCustomerId);
      return { customerId: deps.developmentCustomerId, token };
    },
  );
}
