/**
 * UTC calendar arithmetic in whole epoch days: the generator never looks at a time of
 * day, so the same UTC day always produces the same statement.
 */

const MS_PER_DAY = 86_400_000;

export interface DayWindow {
  firstEpochDay: number;
  lastEpochDay: number;
}

export function dayWindow(asOf: Date, daysOfHistory: number): DayWindow {
  const lastEpochDay = Math.floor(asOf.getTime() / MS_PER_DAY);
  if (!Number.isFinite(lastEpochDay)) throw new RangeError("asOf must be a valid Date");
  if (!Number.isInteger(daysOfHistory) || daysOfHistory < 0) throw new RangeError("daysOfHistory must be a non-negative integer");
  return { firstEpochDay: lastEpochDay - daysOfHistory, lastEpochDay };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The epoch day of a YYYY-MM-DD (UTC) date. */
export function epochDayOf(isoDay: string): number {
  const ms = Date.parse(`${isoDay}T00:00:00.000Z`);
  if (!ISO_DAY.test(isoDay) || !Number.isFinite(ms)) throw new RangeError("a day must be a YYYY-MM-DD date");
  return ms / MS_PER_DAY;
}

/** The YYYY-MM-DD (UTC) date of an epoch day. */
export function isoDayOf(epochDay: number): string {
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

export interface CalendarMonth {
  /** year * 12 + zero-based month: a month's identity for the balance anchors. */
  index: number;
  firstEpochDay: number;
  lastEpochDay: number;
  datePrefix: string; // "YYYY-MM-"
}

/** Whole months, because every running balance starts from its month's anchor. */
export function monthsCovering(window: DayWindow): CalendarMonth[] {
  const start = new Date(window.firstEpochDay * MS_PER_DAY);
  const months: CalendarMonth[] = [];
  for (let index = start.getUTCFullYear() * 12 + start.getUTCMonth(); ; index++) {
    const year = Math.floor(index / 12);
    const month = index % 12;
    const firstEpochDay = Date.UTC(year, month, 1) / MS_PER_DAY;
    if (firstEpochDay > window.lastEpochDay) return months;
    const lastEpochDay = Date.UTC(year, month + 1, 1) / MS_PER_DAY - 1;
    months.push({ index, firstEpochDay, lastEpochDay, datePrefix: `${year}-${pad2(month + 1)}-` });
  }
}

export interface CalendarDay {
  epochDay: number;
  dayOfMonth: number;
  month: CalendarMonth;
}

/** Two-digit month or day, as in an ISO date. */
export function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Position within a repeating cycle (paydays, credit-line resets), also for days before its start. */
export function positiveModulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
