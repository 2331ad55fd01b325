import { ApiError } from "../errors/api-error.js";
import { type Clock, utcDay } from "../lib/clock.js";
import type { UsageStore } from "../storage/usage-store.js";

const DAY_MS = 86_400_000;
/** Longest range one call reads: a year, leap day included. */
const MAX_DAYS = 366;
const DEFAULT_DAYS = 31;

export interface UsageDays {
  from: string;
  to: string;
  total: number;
  /** Every day of the range, oldest first. */
  days: Array<{ day: string; liveConnections: number }>;
}

/** Billable live connections per UTC day (counted in the authorization commit). */
export class UsageReport {
  constructor(private readonly deps: { usage: UsageStore; clock: Clock }) {}

  /** Days "YYYY-MM-DD", inclusive; defaults: the last 31 days up to today. */
  async liveConnections(customerId: string, range: { from?: string; to?: string }): Promise<UsageDays> {
    const toMs = parseDay(range.to ?? utcDay(this.deps.clock.now()), "to");
    const fromMs = range.from === undefined ? toMs - (DEFAULT_DAYS - 1) * DAY_MS : parseDay(range.from, "from");
    if (fromMs > toMs) throw new ApiError("INVALID_REQUEST", {}, "Invalid request: from must not be after to.");
    if ((toMs - fromMs) / DAY_MS + 1 > MAX_DAYS) {
      throw new ApiError("INVALID_REQUEST", {}, `Invalid request: at most ${MAX_DAYS} days per call.`);
    }
    const from = utcDay(new Date(fromMs));
    const to = utcDay(new Date(toMs));
    const counts = await this.deps.usage.liveConnections(customerId, from, to);
    const days = [];
    for (let at = fromMs; at <= toMs; at += DAY_MS) {
      const day = utcDay(new Date(at));
      days.push({ day, liveConnections: counts.get(day) ?? 0 });
    }
    return { from, to, total: days.reduce((sum, day) => sum + day.liveConnections, 0), days };
  }
}

/** Epoch ms of a YYYY-MM-DD that names a real calendar day (2026-02-30 is refused, not rolled over). */
function parseDay(day: string, field: string): number {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(ms) || utcDay(new Date(ms)) !== day) {
    throw new ApiError("INVALID_REQUEST", {}, `Invalid request: ${field} is not a calendar day.`);
  }
  return ms;
}
