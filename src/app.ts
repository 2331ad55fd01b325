import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import { registerInstitutions } from "./api/bankgate/institutions.js";
import { registerConnectPage } from "./api/connect/connect-page.js";
import { registerConnectSessions } from "./api/connect/connect-sessions.js";
import { widgetFilesLoader } from "./api/connect/widget-files.js";
import { registerDemo } from "./api/demo/demo-routes.js";
import { registerErrorHandling, sendError } from "./api/errors.js";
import { type FlinksApp, registerFlinksRoutes } from "./api/flinks/flinks-routes.js";
import { registerJsonParser } from "./api/json-parser.js";
import { loggerOptions } from "./api/logger-options.js";
import { registerSessionIntrospection } from "./api/operator/session-introspection.js";
import { registerUsage } from "./api/operator/usage.js";
import { registerWebhookRoutes } from "./api/operator/webhooks.js";
import { registerSandboxCards } from "./api/sandbox/sandbox-cards.js";
import { registerSandboxClock } from "./api/sandbox/sandbox-clock.js";
import { registerSandboxScripts } from "./api/sandbox/sandbox-scripts.js";
import { registerSandboxSessions } from "./api/sandbox/sandbox-sessions.js";
import type { Deps } from "./deps.js";
import { ApiError } from "./errors/api-error.js";
import type { VirtualClock } from "./lib/virtual-clock.js";

/** Builds the HTTP application; never listens (tests use inject, main.ts listens). */
export async function buildApp(deps: Deps, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(deps.config.logLevel),
    bodyLimit: deps.config.bodyLimitBytes,
    // Long path ids reach the handlers, which answer them like any unknown id.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Fastify's own URL errors (bad percent-escapes…) get the Flinks error body too.
    frameworkErrors: (_error, _request, reply) => sendError(reply, new ApiError("INVALID_REQUEST")),
    // No type coercion: ["id"] is not "id". Booleans sent as strings ("True") are the one
    // tolerance clients need, and canonicalizeBody grants exactly that.
    ajv: { customOptions: { coerceTypes: false } },
    rewriteUrl: (request) => stripTrailingSpaces(request.url ?? "/"),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Response schemas document; they do not filter. Bodies go out exactly as built.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerJsonParser(app);
  registerErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      info: {
        title: "bankgate",
        version: "0.1.0",
        description: "A self-hostable gateway that speaks the Flinks BankingServices API.",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
          authKey: { type: "apiKey", in: "header", name: "flinks-auth-key" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ apiKey: [] }, { authKey: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.get("/health", { schema: { hide: true } }, async () => ({ status: "ok", store: deps.storeKind }));

  await registerFlinksRoutes(app as FlinksApp, deps.services);
  registerSessionIntrospection(app as FlinksApp, {
    callerAuth: deps.services.callerAuth,
    storage: deps.storage,
    jobs: deps.jobs,
    now: () => deps.clock.now(),
  });
  registerWebhookRoutes(app as FlinksApp, {
    callerAuth: deps.services.callerAuth,
    storage: deps.storage,
    settings: deps.webhookSettings,
    publisher: deps.webhooks,
  });
  registerUsage(app as FlinksApp, { callerAuth: deps.services.callerAuth, storage: deps.storage, now: () => deps.clock.now() });
  registerInstitutions(app as FlinksApp, { connectors: deps.services.connectors });
  // The Connect widget (issue 4): the page and its assets, and the endpoints it needs beyond the Flinks surface.
  const widget = widgetFilesLoader(deps.config.widgetDir);
  registerConnectPage(app as FlinksApp, { widget, customers: deps.services.customers, connectors: deps.services.connectors });
  registerConnectSessions(app as FlinksApp, { services: deps.services, storage: deps.storage, clock: deps.clock });
  // The sandbox control plane (BANKGATE_SANDBOX_CONTROL): absent routes answer 404 NOT_FOUND.
  if (deps.sandboxClock) {
    registerSandboxControl(app as FlinksApp, deps, deps.sandboxClock);
    if (deps.developmentCustomer) {
      registerDemo(app as FlinksApp, {
        widget,
        developmentCustomerId: deps.developmentCustomer.customerId,
        tokenIssuer: deps.services.tokenIssuer,
      });
    }
  }
  await app.ready();
  return app;
}

function registerSandboxControl(app: FlinksApp, deps: Deps, clock: VirtualClock): void {
  const { callerAuth } = deps.services;
  registerSandboxClock(app, { callerAuth, clock });
  registerSandboxCards(app, { callerAuth, storage: deps.storage, secrets: deps.secrets, memories: deps.memories });
  registerSandboxScripts(app, { callerAuth, memories: deps.memories });
  registerSandboxSessions(app, { callerAuth, storage: deps.storage, now: () => clock.now() });
}

/**
 * The C# SDK's GetAccountsDetail path ends in a space ("BankingServices/GetAccountsDetail ");
 * Flinks tolerates it, so do we.
 */
function stripTrailingSpaces(url: string): string {
  const queryStart = url.indexOf("?");
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const trimmed = path.replace(/(?:%20|\s)+$/i, "");
  return trimmed === path ? url : trimmed + (queryStart === -1 ? "" : url.slice(queryStart));
}
