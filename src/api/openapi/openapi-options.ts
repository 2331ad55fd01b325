import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import type { FastifySchema } from "fastify";
import { documentRoute, type RouteToDocument } from "./document-route.js";

/**
 * The options of @fastify/swagger: an OpenAPI 3.1 document (its schemas are JSON Schema
 * 2020-12, as TypeBox writes them, so `examples` and `type: "null"` need no translation), one
 * server — this one, relative — and every route completed by documentRoute.
 */
export function openapiOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "bankgate",
        version,
        description: "A self-hostable gateway that speaks the Flinks BankingServices API.",
        license: { name: "MIT", identifier: "MIT" },
      },
      servers: [{ url: "/", description: "This server" }],
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
          authKey: { type: "apiKey", in: "header", name: "flinks-auth-key" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ apiKey: [] }, { authKey: [] }, { bearer: [] }],
    },
    // An undocumented or hidden route passes through as it is (the plugin leaves hidden ones out).
    transform: (route) => {
      const { schema, url } = documentRoute(route as unknown as RouteToDocument);
      return { schema: (schema ?? route.schema) as FastifySchema, url };
    },
  };
}
