import { utcDay } from "../../lib/clock.js";
import type { CardAccess } from "./card-access.js";

/**
 * SimpleFIN servers expect few requests: the Bridge asks apps to stay at or under 24 a day per
 * access URL (its developer guide). bankgate counts every request it sends to an access URL
 * per UTC day, in the card's vault, and stops before the budget is spent.
 */
export function requestsLeft(access: CardAccess, now: Date, dailyBudget: number): number {
  const used = access.budget.day === utcDay(now) ? access.budget.used : 0;
  return Math.max(0, dailyBudget - used);
}

/** The access with one more request counted today. */
export function withRequestCounted(access: CardAccess, now: Date): CardAccess {
  const day = utcDay(now);
  const used = access.budget.day === day ? access.budget.used : 0;
  return { ...access, budget: { day, used: used + 1 } };
}
