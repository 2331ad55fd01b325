import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Caller, CallerAuth, CallerCredentials } from "../../customers/caller-auth.js";

/**
 * What a route takes as proof of its caller, declared once per route as `config: { auth }`:
 * - caller: an API key, an authorize token, or nothing where the customer allows legacy clients
 * - serverCaller: the same without authorize tokens (card management is server-to-server)
 * - apiKey: the API key only (operators' session view)
 * - secretKey: the secret key in `flinks-auth-key` (issuing tokens, operator and sandbox endpoints)
 * - bearerSecretKey: the secret key as `Authorization: Bearer` (GetNightlyRefreshStatus)
 * - public: no proof (institution list, the widget's page)
 */
export type RouteAuth = "caller" | "serverCaller" | "apiKey" | "secretKey" | "bearerSecretKey" | "public";

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** Who called: set before the handler on every route whose auth is not "public". */
    caller: Caller;
  }
}

const AUTHENTICATE: Record<Exclude<RouteAuth, "public">, (auth: CallerAuth, credentials: CallerCredentials) => Promise<Caller>> = {
  caller: (auth, credentials) => auth.caller(credentials),
  serverCaller: (auth, credentials) => auth.serverCaller(credentials),
  apiKey: (auth, credentials) => auth.withApiKey(credentials),
  secretKey: (auth, credentials) => auth.withSecretKey(credentials),
  bearerSecretKey: (auth, credentials) => auth.withBearerSecretKey(credentials),
};

/**
 * Makes every route of this plugin declare its auth (a route without one fails at start), and
 * authenticates before each handler — after validation, so a malformed request answers 400
 * whoever sends it, as Flinks does.
 */
export function installRouteAuth(app: FastifyInstance, callerAuth: CallerAuth): void {
  // Every non-public route's handler runs after the hook below has set it; public routes never read it.
  app.decorateRequest("caller", null as unknown as Caller);
  app.addHook("onRoute", (route) => {
    if (!route.config?.auth) throw new Error(`${route.method} ${route.url} declares no auth`);
  });
  app.addHook("preHandler", async (request) => {
    const { auth } = request.routeOptions.config;
    if (auth && auth !== "public") request.caller = await AUTHENTICATE[auth](callerAuth, credentialsOf(request));
  });
}

/** The customerId of the path and the three headers callers prove themselves with. */
export function credentialsOf(request: FastifyRequest): CallerCredentials {
  const { customerId } = (request.params ?? {}) as { customerId?: unknown };
  return {
    customerId: typeof customerId === "string" ? customerId : "",
    apiKey: header(request, "x-api-key"),
    bearer: /^Bearer\s+(\S+)\s*$/i.exec(header(request, "authorization") ?? "")?.[1],
    authKey: header(request, "flinks-auth-key"),
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
