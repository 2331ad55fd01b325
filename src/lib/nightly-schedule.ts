/** When the nightly run starts each day, UTC. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** Parses "HH:MM" (UTC); null if it is not a time of day. */
export function parseTimeOfDay(raw: string): TimeOfDay | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour < 24 && minute < 60 ? { hour, minute } : null;
}

/** The first run strictly after `now`. */
export function nextRunAfter(now: Date, at: TimeOfDay): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), at.hour, at.minute);
  return new Date(today > now.getTime() ? today : today + 86_400_000);
}

/** The night a run belongs to: the UTC date it was scheduled for. */
export function nightOf(runAt: Date): string {
  return runAt.toISOString().slice(0, 10);
}
