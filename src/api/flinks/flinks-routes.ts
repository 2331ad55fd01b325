import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { CardDataService } from "../../card-data/card-data-service.js";
import type { ConnectorRegistry } from "../../connectors/registry.js";
import type { AuthorizeTokenIssuer } from "../../customers/authorize-token-issuer.js";
import type { CustomerDirectory } from "../../customers/customer-directory.js";
import type { CardRefreshService } from "../../refresh/card-refresh-service.js";
import type { AuthorizeService } from "../../sessions/authorize-service.js";
import { registerAuthorize } from "./authorize.js";
import { registerAuthorizeMultiple } from "./authorize-multiple.js";
import type { CallerAuth } from "./caller-auth.js";
import { registerDeleteCard } from "./delete-card.js";
import { registerGenerateAuthorizeToken } from "./generate-authorize-token.js";
import { registerGetAccounts } from "./get-accounts.js";
import { registerGetStatements } from "./get-statements.js";
import { registerMfaQuestions } from "./mfa-questions.js";
import { registerNightlyRefreshStatus } from "./nightly-refresh-status.js";
import { registerSetScheduledRefresh } from "./set-scheduled-refresh.js";

export type FlinksApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface FlinksServices {
  callerAuth: CallerAuth;
  customers: CustomerDirectory;
  authorize: AuthorizeService;
  cardData: CardDataService;
  tokenIssuer: AuthorizeTokenIssuer;
  connectors: ConnectorRegistry;
  cardRefresh: CardRefreshService;
}

export interface FlinksRouteContext {
  app: FlinksApp;
  services: FlinksServices;
  /** The un-versioned twin of each route stays out of the OpenAPI document. */
  hidden: boolean;
}

/**
 * The Flinks surface under /v3/{customerId}/BankingServices, and again without /v3 because
 * the Python client drops it when its base URL has no /v3/ (flinks-api.md §1).
 */
export async function registerFlinksRoutes(app: FlinksApp, services: FlinksServices): Promise<void> {
  for (const [prefix, hidden] of [
    ["/v3/:customerId/BankingServices", false],
    ["/:customerId/BankingServices", true],
  ] as const) {
    await app.register(
      async (scoped) => {
        const context = { app: scoped as FlinksApp, services, hidden };
        registerGenerateAuthorizeToken(context);
        registerAuthorize(context);
        registerAuthorizeMultiple(context);
        registerGetAccounts(context);
        registerGetStatements(context);
        registerDeleteCard(context);
        registerSetScheduledRefresh(context);
        registerNightlyRefreshStatus(context);
        registerMfaQuestions(context);
      },
      { prefix },
    );
  }
}
