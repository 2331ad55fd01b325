/**
 * The incremental sandbox data (GenerateBankDataOptions.listFrom) lists exactly the newest part
 * of a full generation: the same transactions, balances, holder and account details. A nightly
 * refresh relies on it: it asks only for the days since the card's last fetch and keeps the
 * older days it already holds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type GenerateBankDataOptions, generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";

const MS_PER_DAY = 86_400_000;
const FIRST_AS_OF = Date.UTC(2024, 0, 1);

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const optionsArbitrary: fc.Arbitrary<GenerateBankDataOptions> = fc.record(
  {
    daysOfHistory: fc.constantFrom(0, 1, 30, 90, 365),
    loginType: fc.constantFrom("Personal" as const, "Business" as const),
    region: fc.constantFrom("CA" as const, "US" as const),
    accounts: fc.integer({ min: 1, max: 10 }),
    transactionsPerAccount: fc.integer({ min: 0, max: 3000 }),
  },
  { requiredKeys: [] },
);

describe("generateBankData with listFrom", () => {
  it("lists exactly the full generation's transactions dated from listFrom on, with the same balances and details", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3 * 365 }),
        fc.integer({ min: 0, max: MS_PER_DAY - 1 }),
        // Days back from asOf: past the window's start too, and asOf's own day (0).
        fc.integer({ min: 0, max: 400 }),
        optionsArbitrary,
        (seed, dayOffset, timeOfDay, daysBack, options) => {
          const asOfMs = FIRST_AS_OF + dayOffset * MS_PER_DAY + timeOfDay;
          const listFrom = utcDay(asOfMs - daysBack * MS_PER_DAY);
          const full = generateBankData(seed, new Date(asOfMs), options);
          const increment = generateBankData(seed, new Date(asOfMs), { ...options, listFrom });
          expect(increment.holder).toEqual(full.holder);
          expect(increment.loginType).toBe(full.loginType);
          expect(increment.accounts.map((a) => a.key)).toEqual(full.accounts.map((a) => a.key));
          full.accounts.forEach((account, index) => {
            const { transactions, ...details } = account;
            const listed = increment.accounts[index];
            expect(listed && { ...listed, transactions: [] }).toEqual({ ...details, transactions: [] });
            expect(listed?.transactions).toEqual(transactions.filter((t) => t.date >= listFrom));
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("lists asOf's own day alone when listFrom is asOf's day, and refuses a day after it", () => {
    const asOf = new Date("2026-01-31T23:59:00.000Z");
    const today = generateBankData("greatday", asOf, { listFrom: "2026-01-31" });
    const dates = new Set(today.accounts.flatMap((a) => a.transactions.map((t) => t.date)));
    expect([...dates]).toEqual(["2026-01-31"]);
    expect(() => generateBankData("greatday", asOf, { listFrom: "2026-02-01" })).toThrow(RangeError);
    expect(() => generateBankData("greatday", asOf, { listFrom: "31/01/2026" })).toThrow(RangeError);
  });
});
