import { Type } from "typebox";
import type { VirtualTimeControl } from "../../lib/virtual-clock.js";
import type { TypedApp } from "../api-services.js";
import { SandboxErrorBody as ErrorBody, CustomerParams as Params, sandboxSecurity as security } from "./sandbox-schemas.js";

const MAX_ADVANCE_SECONDS = 31_536_000; // one year

const PROCESS_WIDE =
  "The clock is server-wide: one per bankgate server, shared by every customer and by the server's worker processes " +
  "(BANKGATE_WORKERS; each server of a scale-out deployment has its own). Every expiry follows it: RequestIds, authorize tokens, " +
  "the processing cap, attempt locks, queued jobs and the sandbox bank's delays. Needs the customer's secret key in " +
  "`flinks-auth-key`; served only with BANKGATE_SANDBOX_CONTROL=on.";

export const ClockState = Type.Object(
  {
    now: Type.String({ format: "date-time", description: "The server's current (virtual) time.", examples: ["2026-01-15T15:08:00.000Z"] }),
    offsetSeconds: Type.Number({
      description: "Virtual time minus real time, in seconds (decreases while frozen).",
      examples: [480],
    }),
    frozen: Type.Boolean({ description: "true while virtual time stands still.", examples: [false] }),
  },
  { description: "Where the process-wide virtual clock stands." },
);

export const AdvanceBody = Type.Object(
  {
    seconds: Type.Integer({
      minimum: 1,
      maximum: MAX_ADVANCE_SECONDS,
      description: "How far to move virtual time forward (1 s … one year). Time never goes back.",
      examples: [480],
    }),
  },
  { examples: [{ seconds: 480 }] },
);

const responses = { 200: ClockState, 400: ErrorBody, 401: ErrorBody };

/**
 * The sandbox control plane's clock: read, advance, freeze and unfreeze the virtual
 * time every expiry follows, so integrators test timeouts without waiting for them.
 */
export function registerSandboxClock(app: TypedApp, clock: VirtualTimeControl): void {
  const view = () => {
    const { now, offsetSeconds, frozen } = clock.state();
    return { now: now.toISOString(), offsetSeconds, frozen };
  };

  app.get(
    "/sandbox/v1/:customerId/clock",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Read the virtual clock",
        description: PROCESS_WIDE,
        security,
        params: Params,
        response: responses,
      },
      config: { auth: "secretKey" },
    },
    async function readClock() {
      return view();
    },
  );

  app.post(
    "/sandbox/v1/:customerId/clock/advance",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Move the virtual clock forward",
        description: `Moves virtual time forward (also while frozen); whatever expires in between is expired at once. ${PROCESS_WIDE}`,
        security,
        params: Params,
        body: AdvanceBody,
        response: responses,
      },
      config: { auth: "secretKey" },
    },
    async function advanceClock(request) {
      await clock.advanceSeconds(request.body.seconds);
      return view();
    },
  );

  for (const [action, summary, apply] of [
    ["freeze", "Stop the virtual clock", () => clock.freeze()],
    ["unfreeze", "Let the virtual clock run again (from the frozen instant)", () => clock.unfreeze()],
  ] as const) {
    app.post(
      `/sandbox/v1/:customerId/clock/${action}`,
      {
        schema: {
          tags: ["Sandbox"],
          summary,
          description: `Idempotent. ${PROCESS_WIDE}`,
          security,
          params: Params,
          response: responses,
        },
        config: { auth: "secretKey" },
      },
      async () => {
        await apply();
        return view();
      },
    );
  }
}
