/**
 * The OpenAPI document and Swagger UI, loaded on first use (src/api/openapi/deferred-*.ts),
 * answer exactly as @fastify/swagger and @fastify/swagger-ui registered at start do: the same
 * app built both ways, with what makes the replay hard (routes in nested prefixed plugins, a
 * schema added to a child context, a recursive schema with $id, a hidden route, a route added
 * after, a GET's HEAD twin), and the same requests sent to both.
 */
import swagger, { type FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { Type } from "typebox";
import { describe, expect, it } from "vitest";
import { registerDeferredDocsUi } from "../../src/api/openapi/deferred-docs-ui.js";
import { registerDeferredDocument } from "../../src/api/openapi/deferred-document.js";

const ROUTER_OPTIONS = { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 };
const CSP = "default-src 'none'; frame-ancestors 'none'";

const documentOptions = (): FastifyDynamicSwaggerOptions => ({
  openapi: { openapi: "3.1.0", info: { title: "t", version: "1" } },
  transform: ({ schema, url }) => ({ schema: schema && !schema.hide ? { ...schema, operationId: `op ${url}` } : schema, url }),
});

const Node = Type.Cyclic({ Node: Type.Object({ name: Type.String(), children: Type.Array(Type.Ref("Node")) }) }, "Node");

async function buildApp(deferred: boolean): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, routerOptions: ROUTER_OPTIONS });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ notFound: true }));
  app.setErrorHandler((error, _request, reply) => reply.code(418).send({ failed: (error as Error).message }));
  app.addHook("onSend", async (_request, reply, payload) => {
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });
  if (deferred) {
    registerDeferredDocument(app, documentOptions());
    registerDeferredDocsUi(app, { routePrefix: "/docs", staticCSP: CSP, routerOptions: ROUTER_OPTIONS });
  } else {
    await app.register(swagger, documentOptions());
    await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: CSP });
  }
  app.get("/hidden", { schema: { hide: true } }, async () => "h");
  await app.register(
    async (outer) => {
      outer.addSchema({ $id: "Shared", type: "object", properties: { id: { type: "string" } } });
      outer.get(
        "/shared/:id",
        { schema: { params: Type.Object({ id: Type.String() }), response: { 200: { $ref: "Shared#" } } } },
        async () => ({}),
      );
      await outer.register(
        async (inner) => {
          inner.post("/tree", { schema: { body: Node, response: { 200: Node } } }, async () => ({}));
          inner.route({
            method: ["GET", "POST"],
            url: "/both",
            schema: { querystring: Type.Object({ q: Type.Optional(Type.Integer()) }) },
            handler: async () => ({}),
          });
        },
        { prefix: "/inner" },
      );
    },
    { prefix: "/v1" },
  );
  app.get("/last", { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

const UI_REQUESTS: Array<{ method: "GET" | "HEAD" | "POST"; url: string; headers?: Record<string, string> }> = [
  { method: "GET", url: "/docs" },
  { method: "GET", url: "/docs/" },
  { method: "GET", url: "/DOCS/" },
  { method: "HEAD", url: "/docs/" },
  { method: "GET", url: "/docs/json" },
  { method: "GET", url: "/docs/yaml" },
  { method: "GET", url: "/docs/static/index.html" },
  { method: "GET", url: "/docs/static/swagger-initializer.js" },
  { method: "GET", url: "/docs/static/swagger-ui.css" },
  { method: "HEAD", url: "/docs/static/swagger-ui.css" },
  { method: "GET", url: "/docs/static/swagger-ui.css", headers: { range: "bytes=0-9" } },
  { method: "GET", url: "/docs/static/swagger-ui.css", headers: { range: "bytes=999999999-" } },
  { method: "GET", url: "/docs/static/nope.js" },
  { method: "GET", url: "/docs/static/" },
  { method: "GET", url: "/docs/unknown" },
  { method: "POST", url: "/docs/json" },
];

/** What a client sees of an answer, less what differs by the second (Date) or file time. */
function seen(response: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }) {
  const { date: _date, ...headers } = response.headers;
  return { status: response.statusCode, headers, body: response.rawPayload.toString("base64") };
}

describe("the OpenAPI document and Swagger UI loaded on first use", () => {
  it("build the document @fastify/swagger builds, as JSON and as YAML", async () => {
    const [eager, deferred] = await Promise.all([buildApp(false), buildApp(true)]);
    try {
      const document = eager.swagger();
      expect(Object.keys(document.paths ?? {})).toEqual(["/v1/shared/{id}", "/v1/inner/tree", "/v1/inner/both", "/last"]);
      expect(JSON.stringify(deferred.swagger())).toBe(JSON.stringify(document));
      expect(deferred.swagger({ yaml: true })).toBe(eager.swagger({ yaml: true }));
      expect(deferred.swagger()).toBe(deferred.swagger()); // built once
    } finally {
      await Promise.all([eager.close(), deferred.close()]);
    }
  });

  it("answers every docs UI request as @fastify/swagger-ui does: status, headers and bytes", async () => {
    const [eager, deferred] = await Promise.all([buildApp(false), buildApp(true)]);
    try {
      for (const request of UI_REQUESTS) {
        const expected = seen(await eager.inject(request));
        expect(seen(await deferred.inject(request)), `${request.method} ${request.url}`).toEqual(expected);
      }
    } finally {
      await Promise.all([eager.close(), deferred.close()]);
    }
  });

  it("refuses to build the document before every route is registered, as the plugin does", () => {
    const app = Fastify({ logger: false });
    registerDeferredDocument(app, documentOptions());
    expect(() => app.swagger()).toThrow(/after \.ready\(\)/);
  });
});
