import { createRequire } from "node:module";
import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import type { FastifyInstance, RouteOptions } from "fastify";

type Hook = (...args: never[]) => unknown;
type DocumentFunction = FastifyInstance["swagger"];
type SwaggerPlugin = (instance: unknown, options: FastifyDynamicSwaggerOptions, done: (error?: Error) => void) => void;

// Loaded on the first call: @fastify/swagger's CommonJS tree (the YAML library, the $ref
// resolver) took about a sixth of a cold start's CPU, for a document few starts ever serve.
const requireFromHere = createRequire(import.meta.url);

/**
 * Decorates `app.swagger()` as @fastify/swagger does (docs/decisions.md, "Start-up"), but
 * loads the plugin on the first call. At registration it only records what the plugin's
 * hooks would have seen — every route (onRoute), every plugin context (onRegister) — as the
 * plugin would, from the same point of the registration on. The first call runs the real
 * plugin against a stand-in that hands those records to its hooks, in the same order, then
 * calls the document function the plugin decorated: the document is the one the plugin
 * builds, byte for byte (test/api/openapi-document.test.ts). Register it where the plugin
 * was registered: before every route it documents.
 */
export function registerDeferredDocument(app: FastifyInstance, options: FastifyDynamicSwaggerOptions): void {
  const routes: RouteOptions[] = [];
  const contexts: FastifyInstance[] = [];
  let ready = false;
  let build: DocumentFunction | undefined;
  app.addHook("onRoute", (route) => {
    routes.push(route as RouteOptions);
  });
  app.addHook("onRegister", (context) => {
    contexts.push(context);
  });
  app.addHook("onReady", async () => {
    ready = true;
  });
  const document = ((documentOptions?: { yaml?: boolean }) => {
    // As the plugin: the document covers every route, so it exists only once all are registered.
    if (!ready) throw new Error(".swagger() must be called after .ready()");
    if (!build) {
      build = buildWithPlugin(app, options, routes, contexts);
      contexts.length = 0; // as the plugin, which forgets them once read
    }
    return build(documentOptions as { yaml: boolean });
  }) as DocumentFunction;
  app.decorate("swagger", document);
}

/** Runs @fastify/swagger against the recorded routes and contexts: its document function. */
function buildWithPlugin(
  app: FastifyInstance,
  options: FastifyDynamicSwaggerOptions,
  routes: readonly RouteOptions[],
  contexts: readonly FastifyInstance[],
): DocumentFunction {
  const { fastifySwagger } = requireFromHere("@fastify/swagger") as { fastifySwagger: SwaggerPlugin };
  const hooks = new Map<string, Hook>();
  let decorated: DocumentFunction | undefined;
  const standIn = {
    addHook: (name: string, hook: Hook) => {
      hooks.set(name, hook);
    },
    decorate: (_name: string, value: DocumentFunction) => {
      decorated = value;
    },
    getSchemas: () => app.getSchemas(),
  };
  let failure: Error | undefined;
  fastifySwagger(standIn, { ...options }, (error) => {
    failure = error;
  });
  if (failure) throw failure;
  const onRoute = hooks.get("onRoute") as ((route: RouteOptions) => void) | undefined;
  const onRegister = hooks.get("onRegister") as ((context: FastifyInstance) => unknown) | undefined;
  const onReady = hooks.get("onReady") as ((done: () => void) => void) | undefined;
  if (!onRoute || !onRegister || !onReady || !decorated) {
    throw new Error(
      "@fastify/swagger no longer registers the hooks its deferred registration replays (src/api/openapi/deferred-document.ts)",
    );
  }
  for (const route of routes) onRoute(route);
  for (const context of contexts) void onRegister(context);
  onReady(() => {});
  return decorated;
}
