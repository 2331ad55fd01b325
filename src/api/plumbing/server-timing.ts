import { AsyncLocalStorage } from "node:async_hooks";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import type { ConnectorCall } from "../observability/observed-connectors.js";

interface InstitutionTime {
  ms: number;
  /** Set once the answer's headers are written: a call still running after that is not this answer's. */
  sent: boolean;
}

/**
 * `Server-Timing: institution;dur=…, bankgate;dur=…` on the routes that call an institution
 * inline (/Authorize): how long the institution's connector calls took while the request was
 * served, and what bankgate added around them. Browser developer tools show it; the MFA-step
 * bench reads it (docs/observability.md). Durations are milliseconds with one decimal.
 */
export class ServerTiming {
  readonly #current = new AsyncLocalStorage<InstitutionTime>();

  /** The connector observer: adds a call's time to the request it was made for, if it is timed. */
  readonly connectorCalled = (call: ConnectorCall): void => {
    const time = this.#current.getStore();
    if (time && !time.sent) time.ms += call.seconds * 1000;
  };

  /**
   * Route hooks. The handler runs inside the request's timing: preHandler, because the body is
   * read in the socket's own async context, which an earlier hook's context would not reach.
   * The total is Fastify's elapsed time, from the request's first hook.
   */
  readonly hooks = {
    preHandler: (_request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
      this.#current.run({ ms: 0, sent: false }, done);
    },
    onSend: (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
      const time = this.#current.getStore();
      if (time) {
        time.sent = true;
        const total = reply.elapsedTime;
        reply.header("server-timing", `institution;dur=${time.ms.toFixed(1)}, bankgate;dur=${Math.max(0, total - time.ms).toFixed(1)}`);
      }
      done(null, payload);
    },
  };
}
