import { tokenBody } from "../../wire/flinks/authorize-replies.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/** POST /GenerateAuthorizeToken: the secret key in `flinks-auth-key` buys one single-use token. */
export function registerGenerateAuthorizeToken({ app, services, hidden }: FlinksRoutes): void {
  app.post(
    "/GenerateAuthorizeToken",
    {
      schema: { hide: hidden, tags: ["Authorize"], summary: "Issue a single-use authorize token" },
      config: { auth: "secretKey" },
    },
    async function generateAuthorizeToken(request) {
      return tokenBody(await services.tokenIssuer.issue(request.caller.customer.id));
    },
  );
}
