import type { FastifyInstance } from "fastify";
import { ApiError } from "../../errors/api-error.js";
import type { BankgateMetrics } from "./bankgate-metrics.js";
import { mayReadMetrics } from "./metrics-access.js";

/**
 * GET /metrics (Prometheus text format) and the one onResponse hook that counts every answer
 * by route pattern and status. The hook does two counter/histogram updates in memory: the
 * store is read only when /metrics itself is (bench: docs/performance.md).
 */
export function registerMetrics(app: FastifyInstance, metrics: BankgateMetrics, token: string | null): void {
  app.addHook("onResponse", (request, reply, done) => {
    metrics.requestAnswered(request.method, request.routeOptions.url ?? "unmatched", reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get("/metrics", { schema: { hide: true } }, async (request, reply) => {
    const access = mayReadMetrics(request, token);
    if (access === "hidden") throw new ApiError("NOT_FOUND");
    if (access === "refused") throw new ApiError("ACCESS_DENIED");
    return reply.header("content-type", metrics.contentType).send(await metrics.render());
  });
}
