import { createHash } from "node:crypto";
import type { AggregatedData } from "../types.js";
import { type DayWindow, dayWindow, epochDayOf, monthsCovering } from "./bank-data/calendar.js";
import { createHolder } from "./bank-data/holder.js";
import { openAccounts } from "./bank-data/open-accounts.js";
import { createProfile } from "./bank-data/profile.js";
import { CANADIAN_VOCABULARY } from "./bank-descriptions.js";
import { US_VOCABULARY } from "./bank-descriptions-us.js";

/**
 * Sandbox bank data that behaves like a real institution across refreshes: a
 * transaction's key, date, description and amount depend only on (seed, options, account,
 * day, index in day), never on asOf, so a nightly refresh one day later sees yesterday's
 * history unchanged plus one new day.
 *
 * Balances stay independent of asOf too: the balance at the start of each calendar
 * month is a fixed function of (seed, account, month), and the month's last day carries
 * a settlement (transfer or card payment) that lands exactly on next month's opening.
 * All arithmetic is in integer cents.
 */

export const DEFAULT_DAYS_OF_HISTORY = 365;
const DEFAULT_ACCOUNT_COUNT = 4;
const MAX_ACCOUNT_COUNT = 10;

export interface GenerateBankDataOptions {
  /** Days of history before asOf's UTC day (Flinks' Days90 / Days365). */
  daysOfHistory?: number;
  loginType?: "Personal" | "Business";
  /**
   * The bank's country (default "CA"): its descriptions, holder address, phone and currency.
   * "US" accounts are in USD with an ABA routing number as TransitNumber and no
   * InstitutionNumber (docs/decisions.md, "Sandbox US data").
   */
  region?: "CA" | "US";
  /**
   * How many accounts, 1 to 10 (default 4), opened in the rotation chequing, savings, credit
   * card, line of credit: the fifth is "chq2", then "sav2", "cc2", "loc2", "chq3"…
   */
  accounts?: number;
  /**
   * About how many transactions each account lists over daysOfHistory: the mean is exact,
   * days vary, so a year's count lands within about 5% of a target in the thousands.
   * Absent: each account's natural pace (a few hundred on chequing, a couple dozen on
   * savings). An account never lists fewer than its scheduled lines (payroll, bills,
   * interest, month-end transfers), whatever the target.
   */
  transactionsPerAccount?: number;
  /**
   * Lists only the transactions dated on or after this UTC day (YYYY-MM-DD): exactly the
   * newest part of what the same call without it lists, balances included, while the months
   * before it are not walked at all. An incremental refresh asks for the days since its last
   * fetch and keeps the older ones it already has (docs/performance.md, "Nightly refresh").
   */
  listFrom?: string;
}

export function generateBankData(seed: string, asOf: Date, options: GenerateBankDataOptions = {}): AggregatedData {
  const daysOfHistory = options.daysOfHistory ?? DEFAULT_DAYS_OF_HISTORY;
  const window = listedDays(dayWindow(asOf, daysOfHistory), options.listFrom);
  const accountCount = options.accounts ?? DEFAULT_ACCOUNT_COUNT;
  if (!Number.isInteger(accountCount) || accountCount < 1 || accountCount > MAX_ACCOUNT_COUNT) {
    throw new RangeError(`accounts must be an integer from 1 to ${MAX_ACCOUNT_COUNT}`);
  }
  const target = options.transactionsPerAccount;
  if (target !== undefined && (!Number.isInteger(target) || target < 0))
    throw new RangeError("transactionsPerAccount must be a non-negative integer");
  const region = options.region ?? "CA";
  if (region !== "CA" && region !== "US") throw new RangeError('region must be "CA" or "US"');
  const loginType = options.loginType ?? "Personal";
  const vocabulary = region === "US" ? US_VOCABULARY : CANADIAN_VOCABULARY;
  const profile = createProfile(createHash("sha256").update(seed).digest().readUInt32LE(0), vocabulary);
  return {
    loginType,
    holder: createHolder(profile, loginType),
    accounts: openAccounts({
      profile,
      count: accountCount,
      // The window holds daysOfHistory + 1 days: asOf's own day is listed too (counted on the
      // whole window, not the part listFrom keeps, so every day's lines stay the same).
      targetLinesPerDay: target === undefined ? undefined : target / (daysOfHistory + 1),
      months: monthsCovering(window),
      window,
    }),
  };
}

/**
 * The window's days from `listFrom` on. Every month's running balance starts from its own
 * anchor, so the months before are simply not walked: what is listed does not change.
 */
function listedDays(window: DayWindow, listFrom: string | undefined): DayWindow {
  if (listFrom === undefined) return window;
  if (epochDayOf(listFrom) > window.lastEpochDay) throw new RangeError("listFrom must not be after asOf's day");
  return { firstEpochDay: Math.max(window.firstEpochDay, epochDayOf(listFrom)), lastEpochDay: window.lastEpochDay };
}
