import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { InstitutionTime } from "../../sessions/step-runner.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Time spent in institution connectors for this request; set by routes that call one inline. */
    institutionTime: InstitutionTime | null;
  }
}

/**
 * `Server-Timing: institution;dur=…, bankgate;dur=…` on the routes that call an institution
 * inline (/Authorize): how long the institution's connector took for the request, and what
 * bankgate added around it (docs/observability.md). Durations in milliseconds, one decimal.
 *
 * The handler asks for the request's InstitutionTime and hands it down to the step it runs,
 * which adds the connector's time to it; the onSend hook writes the header, on errors too.
 * Passed explicitly rather than through AsyncLocalStorage: on Node 20 an active
 * AsyncLocalStorage puts a hook on every promise of the process, a cost the hot routes would
 * pay for a header they never carry. Kept on the request (a declared decoration, so every
 * request keeps one shape) rather than in a WeakMap, whose entries the GC must trace apart.
 */
export function installServerTiming(app: FastifyInstance): void {
  app.decorateRequest("institutionTime", null);
}

/** The request's institution time, starting at zero. */
export function institutionTimeOf(request: FastifyRequest): InstitutionTime {
  request.institutionTime ??= { ms: 0 };
  return request.institutionTime;
}

/** The route's onSend hook: the header, when the handler timed the request. */
export function sendServerTiming(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
) {
  const time = request.institutionTime;
  if (time) {
    const total = reply.elapsedTime;
    reply.header("server-timing", `institution;dur=${time.ms.toFixed(1)}, bankgate;dur=${Math.max(0, total - time.ms).toFixed(1)}`);
  }
  done(null, payload);
}
