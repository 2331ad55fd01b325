import type { FlinksRouteContext } from "./flinks-routes.js";

/** POST /GenerateAuthorizeToken: the secret key in `flinks-auth-key` buys one single-use token. */
export function registerGenerateAuthorizeToken({ app, services, hidden }: FlinksRouteContext): void {
  app.post(
    "/GenerateAuthorizeToken",
    { schema: { hide: hidden, tags: ["Authorize"], summary: "Issue a single-use authorize token" } },
    async function generateAuthorizeToken(request) {
      const customer = await services.callerAuth.withSecretKey(request);
      const token = await services.tokenIssuer.issue(customer.id);
      return { HttpStatusCode: 200, Token: token };
    },
  );
}
