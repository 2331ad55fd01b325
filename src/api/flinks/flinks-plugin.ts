import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { AccountsReplies } from "../../wire/flinks/data-replies.js";
import { StatementsReplies } from "../../wire/flinks/statements-replies.js";
import type { ApiPluginOptions, TypedApp } from "../api-services.js";
import { installRouteAuth } from "../plumbing/route-auth.js";
import { installServerTiming } from "../plumbing/server-timing.js";
import { registerAuthorize } from "./authorize.js";
import { registerAuthorizeMultiple } from "./authorize-multiple.js";
import { registerDeleteCard } from "./delete-card.js";
import type { FlinksRoutes } from "./flinks-routes.js";
import { registerGenerateAuthorizeToken } from "./generate-authorize-token.js";
import { registerGetAccounts } from "./get-accounts.js";
import { registerGetStatements } from "./get-statements.js";
import { registerMfaQuestions } from "./mfa-questions.js";
import { registerNightlyRefreshStatus } from "./nightly-refresh-status.js";
import { registerSetScheduledRefresh } from "./set-scheduled-refresh.js";

/**
 * The Flinks surface under /v3/{customerId}/BankingServices, and again without /v3 because
 * the Python client drops it when its base URL has no /v3/. Both share one cache of
 * serialized answers.
 */
export const flinksApi: FastifyPluginAsyncTypebox<ApiPluginOptions> = async (app, { services }) => {
  const accounts = new AccountsReplies(services.connectors);
  const statements = new StatementsReplies(services.connectors);
  for (const [prefix, hidden] of [
    ["/v3/:customerId/BankingServices", false],
    ["/:customerId/BankingServices", true],
  ] as const) {
    await app.register(
      async (scoped: TypedApp) => {
        installRouteAuth(scoped, services.callerAuth);
        installServerTiming(scoped);
        const routes: FlinksRoutes = { app: scoped, services, accounts, statements, hidden };
        registerGenerateAuthorizeToken(routes);
        registerAuthorize(routes);
        registerAuthorizeMultiple(routes);
        registerGetAccounts(routes);
        registerGetStatements(routes);
        registerDeleteCard(routes);
        registerSetScheduledRefresh(routes);
        registerNightlyRefreshStatus(routes);
        registerMfaQuestions(routes);
      },
      { prefix },
    );
  }
};
