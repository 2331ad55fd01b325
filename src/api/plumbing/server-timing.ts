import type { FastifyReply, FastifyRequest } from "fastify";
import type { InstitutionTime } from "../../sessions/step-runner.js";

/**
 * `Server-Timing: institution;dur=…, bankgate;dur=…` on the routes that call an institution
 * inline (/Authorize): how long the institution's connector took for the request, and what
 * bankgate added around it (docs/observability.md). Durations in milliseconds, one decimal.
 *
 * The handler asks for the request's InstitutionTime and hands it down to the step it runs,
 * which adds the connector's time to it; the onSend hook writes the header, on errors too.
 * Passed explicitly rather than through AsyncLocalStorage: on Node 20 an active
 * AsyncLocalStorage puts a hook on every promise of the process, a cost the hot routes would
 * pay for a header they never carry.
 */
export class ServerTiming {
  readonly #times = new WeakMap<FastifyRequest, InstitutionTime>();

  /** The request's institution time, starting at zero. */
  forRequest(request: FastifyRequest): InstitutionTime {
    let time = this.#times.get(request);
    if (!time) {
      time = { ms: 0 };
      this.#times.set(request, time);
    }
    return time;
  }

  /** The route's onSend hook: the header, when the handler timed the request. */
  readonly onSend = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const time = this.#times.get(request);
    if (time) {
      const total = reply.elapsedTime;
      reply.header("server-timing", `institution;dur=${time.ms.toFixed(1)}, bankgate;dur=${Math.max(0, total - time.ms).toFixed(1)}`);
    }
    done(null, payload);
  };
}
