import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import type { ApiServices } from "./api/api-services.js";
import { bankgateApi } from "./api/bankgate/bankgate-plugin.js";
import { connectApi } from "./api/connect/connect-plugin.js";
import { dashboardApi } from "./api/dashboard/dashboard-plugin.js";
import { demoApi } from "./api/demo/demo-plugin.js";
import { flinksApi } from "./api/flinks/flinks-plugin.js";
import { registerHealthRoutes } from "./api/observability/health-routes.js";
import { registerMetrics } from "./api/observability/metrics-route.js";
import { registerDeferredDocsUi } from "./api/openapi/deferred-docs-ui.js";
import { registerDeferredDocument } from "./api/openapi/deferred-document.js";
import { openapiOptions } from "./api/openapi/openapi-options.js";
import { DOCS_CSP } from "./api/plumbing/docs-csp.js";
import { registerErrorHandling, sendError } from "./api/plumbing/error-handling.js";
import { httpTimeoutOptions, limitConnections } from "./api/plumbing/http-limits.js";
import { registerJsonCharsetCheck } from "./api/plumbing/json-charset.js";
import { registerJsonParser } from "./api/plumbing/json-parser.js";
import { lazyValidatorCompilers } from "./api/plumbing/lazy-validators.js";
import { loggerOptions } from "./api/plumbing/logger-options.js";
import { registerNoStore } from "./api/plumbing/no-store.js";
import { OneLinePerRequest, registerRequestIdHeader, requestIdOf } from "./api/plumbing/request-log.js";
import { sandboxApi } from "./api/sandbox/sandbox-plugin.js";
import { SIMULATOR_PATHS } from "./connectors/institution-catalog.js";
import type { Deps } from "./deps.js";
import { ApiError } from "./errors/api-error.js";
import type { DroppingLogStream } from "./lib/dropping-log-stream.js";
import type { SimpleFinSimStore } from "./sim/simplefin/sim-store.js";

// Long path ids reach the handlers, which answer them like any unknown id.
const ROUTER_OPTIONS = { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 };

/** Builds the HTTP application; never listens (tests use inject, main.ts listens). */
export async function buildApp(deps: Deps, options: { logger?: boolean; logStream?: DroppingLogStream } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(deps.config.server.logLevel, options.logStream),
    bodyLimit: deps.config.server.bodyLimitBytes,
    ...httpTimeoutOptions(deps.config.server),
    routerOptions: ROUTER_OPTIONS,
    // Fastify's own URL errors (bad percent-escapes…) get the Flinks error body too.
    frameworkErrors: (_error, _request, reply) => sendError(reply, new ApiError("INVALID_REQUEST")),
    // No type coercion: ["id"] is not "id". Booleans sent as strings ("True") are the one
    // tolerance clients need, and canonicalizeBody grants exactly that.
    ajv: { customOptions: { coerceTypes: false } },
    schemaController: { compilersFactory: lazyValidatorCompilers() },
    rewriteUrl: (request) => stripTrailingSpaces(request.url ?? "/"),
    // One log line per request, with an id sent back in X-Request-Id (api/plumbing/request-log.ts).
    logController: new OneLinePerRequest(),
    genReqId: requestIdOf,
  }).withTypeProvider<TypeBoxTypeProvider>();

  limitConnections(app.server, deps.config.server);
  // Response schemas document; they do not filter. Bodies go out exactly as built.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerJsonParser(app);
  registerJsonCharsetCheck(app);
  registerErrorHandling(app);
  registerNoStore(app);
  registerRequestIdHeader(app);
  if (deps.observability.metrics) registerMetrics(app, deps.observability.metrics, deps.config.keys.metricsToken);

  // @fastify/swagger and @fastify/swagger-ui, loaded on first use (docs/decisions.md, "Start-up").
  registerDeferredDocument(app, openapiOptions("0.1.0"));
  registerDeferredDocsUi(app, { routePrefix: "/docs", staticCSP: DOCS_CSP, routerOptions: ROUTER_OPTIONS });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  // Never touches the store: it answers while the store is locked, full or down. `droppedLogs`: lines the log stream could not write.
  app.get("/health", { schema: { hide: true } }, async () => ({
    status: "ok",
    store: deps.storeKind,
    droppedLogs: options.logStream?.dropped(),
  }));

  registerHealthRoutes(app, { readings: deps.observability.readings, widgetBuilt: () => deps.api.widget() !== null });

  const services: ApiServices = deps.api;
  await app.register(flinksApi, { services });
  await app.register(bankgateApi, { services });
  await app.register(connectApi, { services });
  await app.register(sandboxApi, { services });
  await app.register(demoApi, { services });
  await app.register(dashboardApi, { services });
  if (deps.simpleFinSimStore) await registerSimulators(app, deps, deps.simpleFinSimStore);
  await app.ready();
  return app;
}

/**
 * The built-in protocol simulators (development): a SimpleFIN server and an OFX server on this
 * server's own address, reached over real HTTP by the sandbox institutions in front of them.
 */
async function registerSimulators(app: FastifyInstance, deps: Deps, store: SimpleFinSimStore): Promise<void> {
  // Loaded only when they run (development): a production start does not pay for them.
  const [{ simpleFinSimulator }, { ofxSimPlugin }] = await Promise.all([
    import("./sim/simplefin/simplefin-simulator.js"),
    import("./sim/ofx/ofx-sim-plugin.js"),
  ]);
  // They speak their own protocols, not bankgate's API: out of the OpenAPI document.
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/sim/")) route.schema = { ...route.schema, hide: true };
  });
  await app.register(simpleFinSimulator, {
    prefix: SIMULATOR_PATHS.simplefin,
    baseUrl: () => `${deps.selfAddress.origin()}${SIMULATOR_PATHS.simplefin}`,
    clock: deps.clock,
    store,
  });
  await app.register(ofxSimPlugin, { prefix: SIMULATOR_PATHS.ofx, clock: deps.clock, seed: "bankgate" });
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
