import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { utcDay } from "../../lib/clock.js";
import type { Storage } from "../../storage/storage.js";
import type { CallerAuth } from "../flinks/caller-auth.js";
import type { FlinksApp } from "../flinks/flinks-routes.js";

const DAY_MS = 86_400_000;
/** Longest range one call reads: a year, leap day included. */
const MAX_DAYS = 366;
const DEFAULT_DAYS = 31;

const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "UTC day, YYYY-MM-DD (inclusive)." });
const Params = Type.Object({ customerId: Type.String() });
const Query = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) });
const UsageReply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  From: Type.String(),
  To: Type.String(),
  LiveConnections: Type.Integer({ description: "Total over the range." }),
  Days: Type.Array(Type.Object({ Date: Type.String(), LiveConnections: Type.Integer() }), {
    description: "Every day of the range, oldest first.",
  }),
});

/**
 * GET /bankgate/v1/{customerId}/usage?from=&to=: billable live connections per UTC day
 * (docs/webhooks.md, "Usage"). Secret key in `flinks-auth-key`. Defaults: the last 31 days
 * up to today.
 */
export function registerUsage(app: FlinksApp, deps: { callerAuth: CallerAuth; storage: Storage; now(): Date }): void {
  app.get(
    "/bankgate/v1/:customerId/usage",
    {
      schema: {
        tags: ["Operators"],
        summary: "Billable live connections per UTC day",
        params: Params,
        querystring: Query,
        response: { 200: UsageReply },
      },
    },
    async function getUsage(request) {
      const customer = await deps.callerAuth.withSecretKey(request);
      const toMs = parseDay(request.query.to ?? utcDay(deps.now()), "to");
      const fromMs = request.query.from === undefined ? toMs - (DEFAULT_DAYS - 1) * DAY_MS : parseDay(request.query.from, "from");
      if (fromMs > toMs) throw new ApiError("INVALID_REQUEST", {}, "Invalid request: from must not be after to.");
      if ((toMs - fromMs) / DAY_MS + 1 > MAX_DAYS)
        throw new ApiError("INVALID_REQUEST", {}, `Invalid request: at most ${MAX_DAYS} days per call.`);
      const from = utcDay(new Date(fromMs));
      const to = utcDay(new Date(toMs));
      const counts = await deps.storage.usage.liveConnections(customer.id, from, to);
      const days = [];
      for (let at = fromMs; at <= toMs; at += DAY_MS) {
        const day = utcDay(new Date(at));
        days.push({ Date: day, LiveConnections: counts.get(day) ?? 0 });
      }
      const total = days.reduce((sum, day) => sum + day.LiveConnections, 0);
      return { HttpStatusCode: 200 as const, From: from, To: to, LiveConnections: total, Days: days };
    },
  );
}

/** Epoch ms of a YYYY-MM-DD that names a real calendar day (2026-02-30 is refused, not rolled over). */
function parseDay(day: string, field: string): number {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(ms) || utcDay(new Date(ms)) !== day)
    throw new ApiError("INVALID_REQUEST", {}, `Invalid request: ${field} is not a calendar day.`);
  return ms;
}
