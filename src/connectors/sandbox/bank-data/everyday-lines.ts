import type { CalendarDay } from "./calendar.js";
import type { Random } from "./seeded-random.js";
import type { Draft } from "./walk-ledger.js";

/**
 * An account's unplanned lines (purchases, cash, transfers). Without a target the account
 * keeps its natural pace: one draw from a table of daily counts, the draw order the
 * Canadian data was pinned with. With a transactionsPerAccount target (the large-login
 * scenario) the daily count follows the target, and an account that everyday spending has
 * run down is refilled, so a busy account's balance stays in its usual range instead of
 * drifting by thousands before the month-end settlement.
 */
export interface EverydayPace {
  /** Natural daily counts, one drawn per day; absent: the account has no unplanned lines. */
  naturalCounts?: readonly number[];
  /** Mean unplanned lines per day under a target; absent: the natural pace. */
  linesPerDay?: number;
  /** One everyday line; mostly money out. */
  spend(random: Random, day: CalendarDay): Draft;
  /** Money in that brings the account back towards its month's opening. */
  refill(amountCents: number): Draft;
  /** Under a target, a refill comes once the month's net movement falls below minus this. */
  refillBelowCents: number;
}

const DAYS_PER_MONTH = 365.25 / 12;

/** The unplanned lines per day that, with the account's scheduled ones, meet a daily target. */
export function unplannedLinesPerDay(targetLinesPerDay: number | undefined, scheduledLinesPerMonth: number): number | undefined {
  if (targetLinesPerDay === undefined) return undefined;
  return Math.max(0, targetLinesPerDay - scheduledLinesPerMonth / DAYS_PER_MONTH);
}

/** `netBeforeDayCents`: what the month's lines before this day add up to (credits positive). */
export function pushEverydayDrafts(drafts: Draft[], pace: EverydayPace, day: CalendarDay, random: Random, netBeforeDayCents: number): void {
  if (pace.linesPerDay === undefined) {
    if (!pace.naturalCounts) return;
    for (let count = random.pick(pace.naturalCounts); count > 0; count--) drafts.push(pace.spend(random, day));
    return;
  }
  let netCents = drafts.reduce((sum, draft) => sum + draft.amountCents, netBeforeDayCents);
  // Uniform on [mean/2, 3·mean/2] plus a uniform fraction, floored: the mean is exact, days vary, and a year's total stays near the target.
  for (let count = Math.floor(pace.linesPerDay * (0.5 + random.fraction()) + random.fraction()); count > 0; count--) {
    const shortfallCents = -netCents;
    // Refill to somewhere in the upper half of the band, so refills do not land on round figures.
    const draft =
      shortfallCents > pace.refillBelowCents
        ? pace.refill(shortfallCents - random.intBetween(0, Math.floor(pace.refillBelowCents / 2)))
        : pace.spend(random, day);
    netCents += draft.amountCents;
    drafts.push(draft);
  }
}
