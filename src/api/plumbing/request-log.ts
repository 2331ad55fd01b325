import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";

/** The header that carries the request id both ways. */
export const REQUEST_ID_HEADER = "x-request-id";

/** An id a proxy or client chose: short and plain, so it cannot forge or flood a log line. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request id (Fastify's genReqId): the caller's or proxy's X-Request-Id when it is plain and
 * short — so one id follows a request across the proxy's and bankgate's logs — else a random
 * UUID (Fastify's default counter restarts at each start and repeats across processes).
 */
export function requestIdOf(request: IncomingMessage): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  return typeof offered === "string" && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
}

/**
 * One JSON line per request, when its answer is sent — Fastify's own pair ("incoming request",
 * "request completed") is replaced through its LogController, so its other lines (errors while
 * sending, a request during shutdown) stay: the request id (reqId, also sent back in
 * X-Request-Id), method and path as the logger's `req` serializer allows them
 * (logger-options.ts: no query string, no header, no body), the route pattern, the status and
 * the duration in milliseconds; at error level with the error when sending the answer failed.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      req: request,
      route: request.routeOptions.url ?? null,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request");
  }
}

/** Sends the request id back in X-Request-Id on every answer, errors and unknown URLs included. */
export function registerRequestIdHeader(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
