import type { FastifyInstance } from "fastify";

/**
 * `Cache-Control: no-store` on every answer that does not choose its own: API answers carry
 * account data, holder names and numbers, authorize tokens and keys, and no browser, proxy or
 * CDN cache may keep them. Static files (the widget's hashed assets, /docs) set their own
 * caching and keep it.
 */
export function registerNoStore(app: FastifyInstance): void {
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    done(null, payload);
  });
}
