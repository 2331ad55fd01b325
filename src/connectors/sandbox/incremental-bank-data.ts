import { createHash } from "node:crypto";
import type { FetchResult, PreviousFetch } from "../types.js";
import { dayWindow, isoDayOf } from "./bank-data/calendar.js";
import { DEFAULT_DAYS_OF_HISTORY, type GenerateBankDataOptions, generateBankData } from "./generate-bank-data.js";

/**
 * What the generated data depends on besides the day. Bump it with any change to what
 * generateBankData produces (the pinned-data tests of test/unit/generate-bank-data.test.ts
 * fail then): a card refreshed after the change is generated whole again, never a mix.
 */
const GENERATOR_VERSION = 1;

const MS_PER_DAY = 86_400_000;

/**
 * The sandbox bank's data fetch, incremental when it can be: given the card's previous fetch of
 * the same user and options, it generates only the days from that fetch's day on (that day is
 * generated again, whole) and says which older days the card keeps. The result is the same as a
 * full generation (test/unit/incremental-bank-data.test.ts).
 */
export function fetchBankData(
  seed: string,
  asOf: Date,
  options: Omit<GenerateBankDataOptions, "listFrom">,
  previous: PreviousFetch | undefined,
): Extract<FetchResult, { kind: "data" }> {
  const basis = basisOf(seed, options);
  const today = isoDayOf(Math.floor(asOf.getTime() / MS_PER_DAY));
  if (!previous || previous.basis !== basis || previous.day > today)
    return { kind: "data", data: generateBankData(seed, asOf, options), basis };
  const window = dayWindow(asOf, options.daysOfHistory ?? DEFAULT_DAYS_OF_HISTORY);
  return {
    kind: "data",
    data: generateBankData(seed, asOf, { ...options, listFrom: previous.day }),
    basis,
    increment: { since: previous.day, keepFrom: isoDayOf(window.firstEpochDay) },
  };
}

function basisOf(seed: string, options: Omit<GenerateBankDataOptions, "listFrom">): string {
  const { daysOfHistory, loginType, region, accounts, transactionsPerAccount } = options;
  const inputs = JSON.stringify([GENERATOR_VERSION, seed, daysOfHistory, loginType, region, accounts, transactionsPerAccount]);
  return `sandbox-${GENERATOR_VERSION}-${createHash("sha256").update(inputs).digest("base64url").slice(0, 22)}`;
}
