import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import type { ApiPluginOptions } from "../api-services.js";
import { NOT_BUILT } from "../connect/connect-page.js";
import { sendError } from "../plumbing/error-handling.js";
import { installRouteAuth } from "../plumbing/route-auth.js";

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

const DemoSetupToken = Type.Object({
  setupToken: Type.String({ description: "A one-time setup token to paste into the widget for institution SimpleFINSandbox." }),
});

/**
 * The demo: GET /demo, a parent app embedding the widget for the development customer, and
 * POST /demo/api/token, which hands that page authorize tokens. A real app's backend buys
 * tokens with its secret key; the demo page cannot hold one, so this endpoint does it for the
 * development customer only, and exists only while the sandbox control plane is on (never
 * with NODE_ENV=production unless forced). With the simulators on as well,
 * POST /demo/api/simplefin-token makes a setup token of the built-in SimpleFIN simulator for
 * the page to show (the control plane's own route wants the secret key).
 */
export const demoApi: FastifyPluginAsyncTypebox<ApiPluginOptions> = async (app, { services }) => {
  const customerId = services.demoCustomerId;
  if (!customerId) return;
  installRouteAuth(app, services.callerAuth);

  app.get("/demo", { schema: { hide: true }, config: { auth: "public" } }, async function demoPage(_request, reply) {
    const page = services.widget()?.pages.get("demo.html");
    if (!page) return sendError(reply, new ApiError("NOT_FOUND", {}, NOT_BUILT));
    // no-referrer: the page's URL reaches no other site (the widget's page has the same policy).
    return reply
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", DEMO_CSP)
      .header("referrer-policy", "no-referrer")
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
      config: { auth: "public" },
    },
    async function demoToken() {
      return { customerId, token: await services.tokenIssuer.issue(customerId, "sandbox") };
    },
  );

  const makeSetupToken = services.sandbox?.simpleFinSetupToken;
  if (!makeSetupToken) return;
  app.post(
    "/demo/api/simplefin-token",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Demo only: a setup token of the built-in SimpleFIN simulator",
        description:
          "For the /demo page, which has no secret key: a one-time setup token (scenario ok) whose claim URL is this " +
          "server's /sim/simplefin. Served only with the demo, the sandbox control plane and the simulators on " +
          "(BANKGATE_DEMO, BANKGATE_SANDBOX_CONTROL, BANKGATE_SIMULATORS); the simulator's own /sim/simplefin/create page " +
          "makes tokens of every scenario.",
        security: [],
        response: { 200: DemoSetupToken },
      },
      config: { auth: "public" },
    },
    async function demoSimpleFinToken() {
      const created = await makeSetupToken();
      // Only a bad user or scenario name fails, and none is given here.
      if ("error" in created) throw new ApiError("INTERNAL_ERROR");
      return { setupToken: created.token };
    },
  );
};
