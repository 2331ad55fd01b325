const DAY_MS = 86_400_000;

/** One `GET /accounts` date range: `start` inclusive, `end` exclusive (as the protocol defines them). */
export interface RequestWindow {
  start: Date;
  end: Date;
}

export interface WindowPlan {
  /** Days of history before today's UTC day (Flinks' Days365). */
  historyDays: number;
  /**
   * The widest range one request may ask for. The SimpleFIN Bridge caps `end-date - start-date`
   * at 90 days and quietly trims a wider request (with a gen.api notice), so a year takes
   * several requests.
   */
  maxDaysPerRequest: number;
  /** Days each window shares with the next older one, so a transaction on a boundary is never missed. */
  overlapDays: number;
}

/**
 * The windows that cover the history, newest first. The newest ends a day after `now`, so
 * transactions a server stamps later today (in any time zone) are inside; the oldest starts at
 * 00:00 UTC `historyDays` days before today. Consecutive windows overlap; the merge drops
 * the transactions seen twice. Bounded: at most historyDays / (max - overlap) + 2 windows.
 */
export function planRequestWindows(now: Date, plan: WindowPlan): RequestWindow[] {
  const stepMs = (plan.maxDaysPerRequest - plan.overlapDays) * DAY_MS;
  if (!(stepMs > 0)) throw new RangeError("maxDaysPerRequest must exceed overlapDays");
  const todayMs = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const oldestMs = todayMs - plan.historyDays * DAY_MS;
  const windows: RequestWindow[] = [];
  let endMs = Math.ceil(now.getTime() / 1000) * 1000 + DAY_MS;
  const maxWindows = Math.ceil((endMs - oldestMs) / stepMs) + 1;
  while (windows.length < maxWindows) {
    const startMs = Math.max(oldestMs, endMs - plan.maxDaysPerRequest * DAY_MS);
    windows.push({ start: new Date(startMs), end: new Date(endMs) });
    if (startMs <= oldestMs) break;
    endMs = startMs + plan.overlapDays * DAY_MS;
  }
  return windows;
}
