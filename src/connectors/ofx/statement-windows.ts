const DAY_MS = 86_400_000;

/**
 * The date windows a history is asked for in, oldest first: `historyDays` before `now`, in
 * windows of at most `windowDays` (a bank may refuse or cut a long range). Windows start at UTC
 * midnight and share their edges; the transactions they return are merged by FITID, so an
 * edge listed twice counts once.
 */
export function statementWindows(now: Date, historyDays: number, windowDays: number): Array<{ start: Date; end: Date }> {
  const firstDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - historyDays * DAY_MS;
  const windows: Array<{ start: Date; end: Date }> = [];
  for (let startMs = firstDay; startMs < now.getTime() && windows.length < 366; startMs += windowDays * DAY_MS) {
    windows.push({ start: new Date(startMs), end: new Date(Math.min(startMs + windowDays * DAY_MS, now.getTime())) });
  }
  return windows;
}
