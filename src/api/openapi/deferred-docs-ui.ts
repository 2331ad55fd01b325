import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import type { FastifySwaggerUiOptions } from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";

/** Headers the answer gets from this server's own HTTP layer, not from the docs UI. */
const TRANSPORT_HEADERS = new Set(["content-length", "date", "connection", "keep-alive", "transfer-encoding"]);
/** Tags a request sent to the docs UI's own app, so that an error it meets is handed back here. */
const CALL_HEADER = "x-bankgate-docs-call";
/**
 * The URL as `app` saw it. inject() parses the URL it is given as a WHATWG URL, which resolves
 * "." and ".." segments; the UI's app routes the URL from this header instead, so that
 * @fastify/static judges the path the client sent (and refuses one that leaves its folder).
 */
const URL_HEADER = "x-bankgate-docs-url";

export interface DeferredDocsUiOptions {
  /** Where the UI lives, e.g. "/docs". */
  routePrefix: string;
  /** Its Content-Security-Policy (@fastify/swagger-ui's `staticCSP`). */
  staticCSP: string;
  /** The router options of `app`, so both apps match URLs alike (case, trailing slash). */
  routerOptions: { caseSensitive: boolean; ignoreTrailingSlash: boolean; maxParamLength: number };
}

/**
 * Swagger UI at `routePrefix`, loaded on its first request (docs/decisions.md, "Start-up"):
 * @fastify/swagger-ui, @fastify/static and the YAML library took about a tenth of a cold
 * start's CPU. The UI runs as @fastify/swagger-ui in an app of its own, built on the first
 * request and never listening; `app` routes every GET under `routePrefix` to it (inject) and
 * answers with its status, headers and bytes. What the UI's own routes did inside `app`
 * happens here too: a file it does not have (it calls not-found) gets `app`'s not-found
 * answer, an error it meets (a path escaping its folder) goes to `app`'s error handler, each
 * with the headers the UI had set (its Content-Security-Policy); `app`'s hooks (no-store,
 * request id, logs, metrics) run as on any route. `app.swagger()` is the document it shows.
 */
export function registerDeferredDocsUi(app: FastifyInstance, options: DeferredDocsUiOptions): void {
  let docsApp: Promise<FastifyInstance> | undefined;
  const errors = new Map<string, unknown>();
  let calls = 0;
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    docsApp ??= buildDocsApp(app, options, errors).catch((error: unknown) => {
      docsApp = undefined; // the next request tries again
      throw error;
    });
    const ui = await docsApp;
    const call = String(++calls);
    let error: unknown;
    const answer = await ui
      .inject({
        // HEAD is answered as GET: `app`'s HEAD route sends the headers of the GET answer.
        method: "GET",
        url: request.url,
        headers: { ...request.headers, [CALL_HEADER]: call, [URL_HEADER]: request.url },
      })
      .finally(() => {
        error = errors.get(call);
        errors.delete(call);
      });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !TRANSPORT_HEADERS.has(name)) reply.header(name, value);
    }
    if (error !== undefined) throw error;
    if (answer.statusCode === 404) return reply.callNotFound();
    reply.code(answer.statusCode);
    return answer.rawPayload.length === 0 ? reply.send() : reply.send(answer.rawPayload);
  };
  const route = { schema: { hide: true } } as const;
  app.get(options.routePrefix, route, forward);
  app.get(`${options.routePrefix}/*`, route, forward);
  app.addHook("onClose", async () => {
    const built = await docsApp?.catch(() => undefined);
    await built?.close();
  });
}

/** @fastify/swagger-ui in an app of its own, showing `app.swagger()`; errors are handed back through `errors`. */
async function buildDocsApp(app: FastifyInstance, options: DeferredDocsUiOptions, errors: Map<string, unknown>): Promise<FastifyInstance> {
  const [{ default: swaggerUi }, { default: swagger }] = await Promise.all([import("@fastify/swagger-ui"), import("@fastify/swagger")]);
  const ui = Fastify({
    logger: false,
    routerOptions: options.routerOptions,
    rewriteUrl: (request) => String(request.headers[URL_HEADER] ?? request.url ?? "/"),
  });
  // @fastify/swagger-ui requires @fastify/swagger in its app; this one documents nothing, under
  // another name, and the UI's `swagger()` is `app`'s document.
  await ui.register(swagger, { openapi: {}, decorator: "ownEmptyDocument" } as FastifyDynamicSwaggerOptions);
  ui.decorate("swagger", ((documentOptions?: { yaml: boolean }) =>
    app.swagger(documentOptions as { yaml: boolean })) as FastifyInstance["swagger"]);
  ui.setErrorHandler((error, request, reply) => {
    errors.set(String(request.headers[CALL_HEADER]), error);
    return reply.code(500).send();
  });
  await ui.register(swaggerUi, { routePrefix: options.routePrefix, staticCSP: options.staticCSP } satisfies FastifySwaggerUiOptions);
  await ui.ready();
  return ui;
}
