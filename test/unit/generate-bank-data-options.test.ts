import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type GenerateBankDataOptions, generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";
import type { BankAccount } from "../../src/connectors/types.js";

/**
 * The region, account-count and transaction-target options: every combination keeps the
 * properties the default data has (determinism, stable history, consistent balances).
 */

const MS_PER_DAY = 86_400_000;
const AS_OF = new Date("2026-01-15T15:00:00.000Z");

function toCents(dollars: number): number {
  return Math.round(dollars * 100);
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * balance[i] − balance[i+1], newest first, is the credit minus the debit (reversed on Credits
 * accounts), in cents. Collects the breaks and asserts once: the large login has 50,000 lines.
 */
function expectRunningBalancesConsistent(account: BankAccount): void {
  const breaks = account.transactions.filter((transaction, position) => {
    if ((transaction.debit === null) === (transaction.credit === null)) return true;
    const older = account.transactions[position + 1];
    if (!older) return false;
    const creditCents = toCents(transaction.credit ?? 0) - toCents(transaction.debit ?? 0);
    const changeCents = account.category === "Credits" ? -creditCents : creditCents;
    return toCents(transaction.balance) - toCents(older.balance) !== changeCents;
  });
  expect(breaks.map((transaction) => transaction.key)).toEqual([]);
  if (account.transactions.length > 0) expect(account.balance.current).toBe(account.transactions[0]?.balance);
}

/** ABA routing numbers: weights 3, 7, 1 repeated, and the sum is a multiple of 10. */
function isRoutingNumber(text: string | null): boolean {
  if (!text || !/^\d{9}$/.test(text)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return [...text].reduce((sum, digit, index) => sum + Number(digit) * (weights[index] ?? 0), 0) % 10 === 0;
}

const optionsArbitrary: fc.Arbitrary<GenerateBankDataOptions> = fc.record(
  {
    region: fc.constantFrom("CA" as const, "US" as const),
    accounts: fc.integer({ min: 1, max: 10 }),
    transactionsPerAccount: fc.integer({ min: 0, max: 1_000 }),
    loginType: fc.constantFrom("Personal" as const, "Business" as const),
  },
  { requiredKeys: [] },
);
// 1990 to 2060, UTC days, at any time of day.
const asOfArbitrary = fc.integer({ min: 7_305 * MS_PER_DAY, max: 32_871 * MS_PER_DAY }).map((ms) => new Date(ms));

describe("generateBankData options", () => {
  it("is deterministic and keeps running balances consistent for every option combination", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), asOfArbitrary, optionsArbitrary, (seed, asOf, options) => {
        const data = generateBankData(seed, asOf, { ...options, daysOfHistory: 120 });
        expect(generateBankData(seed, asOf, { ...options, daysOfHistory: 120 })).toEqual(data);
        expect(data.accounts).toHaveLength(options.accounts ?? 4);
        for (const account of data.accounts) expectRunningBalancesConsistent(account);
      }),
      { numRuns: 30 },
    );
  });

  it("keeps every listed day unchanged when asOf moves one day on, for every option combination", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), asOfArbitrary, optionsArbitrary, (seed, asOf, options) => {
        // A refresh keeps its history length: tomorrow's window drops today's oldest day and adds one.
        const today = generateBankData(seed, asOf, { ...options, daysOfHistory: 60 });
        const tomorrowAsOf = new Date(asOf.getTime() + MS_PER_DAY);
        const tomorrow = generateBankData(seed, tomorrowAsOf, { ...options, daysOfHistory: 60 });
        const oldestSharedDay = utcDay(new Date(tomorrowAsOf.getTime() - 60 * MS_PER_DAY));
        today.accounts.forEach((account, position) => {
          const shared = account.transactions.filter((transaction) => transaction.date >= oldestSharedDay);
          const upToToday = tomorrow.accounts[position]?.transactions.filter((transaction) => transaction.date <= utcDay(asOf));
          expect(upToToday, account.key).toEqual(shared);
        });
        expect(tomorrow.holder).toEqual(today.holder);
      }),
      { numRuns: 30 },
    );
  });

  it("describes a US customer at a US bank", () => {
    const { holder, accounts } = generateBankData("greatday", AS_OF, { region: "US" });
    expect(holder.address).toMatchObject({ poBox: null, country: "US" });
    expect(holder.address.province).toMatch(/^[A-Z]{2}$/);
    expect(holder.address.postalCode).toMatch(/^\d{5}$/);
    expect(holder.phoneNumber).toMatch(/^[2-9]\d{2}[2-9]\d{6}$/);
    const descriptions = accounts.flatMap((account) => account.transactions.map((transaction) => transaction.description));
    expect(descriptions.some((description) => / DIRECT DEP PPD ID: \d{10}$/.test(description))).toBe(true);
    expect(descriptions.some((description) => /^(ZELLE|VENMO) /.test(description))).toBe(true);
    expect(descriptions.filter((description) => /INTERAC|CHEQUING|HYDRO/.test(description))).toEqual([]);
    for (const account of accounts) {
      expect(account.currency).toBe("USD");
      expect(isRoutingNumber(account.transitNumber), account.key).toBe(true);
      expect(account.institutionNumber).toBeNull();
    }
  });

  it("writes checks with numbers that rise with the date", () => {
    const chequing = generateBankData("greatday", AS_OF, { region: "US", transactionsPerAccount: 3_000 }).accounts[0];
    const checks = (chequing?.transactions ?? []).filter((transaction) => transaction.description.startsWith("CHECK #")).reverse();
    expect(checks.length).toBeGreaterThan(5);
    const numbers = checks.map((check) => Number(check.description.slice("CHECK #".length)));
    expect(numbers.slice(1).every((number, index) => number >= (numbers[index] ?? 0))).toBe(true);
  });

  it("opens extra accounts in the rotation, each with its own key, number and ledger", () => {
    const ten = generateBankData("greatday", AS_OF, { accounts: 10 });
    expect(ten.accounts.map((account) => account.key)).toEqual(["chq", "sav", "cc", "loc", "chq2", "sav2", "cc2", "loc2", "chq3", "sav3"]);
    expect(new Set(ten.accounts.map((account) => account.accountNumber)).size).toBe(10);
    expect(ten.accounts[4]?.title).toBe("Chequing Account 2");
    expect(ten.accounts[4]?.transactions).not.toEqual(ten.accounts[0]?.transactions);
    // The first round is the default login's four accounts, line for line.
    expect(ten.accounts.slice(0, 4)).toEqual(generateBankData("greatday", AS_OF).accounts);
    expect(ten.holder).toEqual(generateBankData("greatday", AS_OF).holder);
    expect(generateBankData("greatday", AS_OF, { accounts: 1 }).accounts.map((account) => account.key)).toEqual(["chq"]);
  });

  it("meets a transactionsPerAccount target within 5%, for busy and for quiet accounts", () => {
    for (const target of [200, 2_000]) {
      for (const account of generateBankData("greatday", AS_OF, { transactionsPerAccount: target, daysOfHistory: 364 }).accounts) {
        expect(Math.abs(account.transactions.length - target), `${account.key}: ${account.transactions.length}`).toBeLessThanOrEqual(
          target * 0.05,
        );
      }
    }
  });

  it("never lists fewer than an account's scheduled lines", () => {
    const savings = generateBankData("greatday", AS_OF, { transactionsPerAccount: 0 }).accounts[1];
    expect(savings?.transactions.map((transaction) => transaction.description)).toContain("INTEREST");
  });

  // The large-login scenario (sandbox user large_login, docs/sandbox.md): 10 accounts × 5,000 transactions. Measured at about 0.2 s; the bound only catches a regression by an order of magnitude.
  it("generates the large login quickly, with balances consistent and within the accounts' limits", () => {
    const startedAt = performance.now();
    const { accounts } = generateBankData("large", AS_OF, { accounts: 10, transactionsPerAccount: 5_000 });
    expect(performance.now() - startedAt).toBeLessThan(3_000);
    for (const account of accounts) {
      expect(Math.abs(account.transactions.length - 5_000), account.key).toBeLessThanOrEqual(250);
      expectRunningBalancesConsistent(account);
      if (account.category !== "Credits") continue;
      // A busy card or credit line is paid down during the month, so it never owes more than its limit nor less than nothing.
      const limit = account.balance.limit ?? 0;
      const outOfRange = account.transactions.filter((transaction) => transaction.balance < 0 || transaction.balance > limit);
      expect(outOfRange.map((transaction) => transaction.key)).toEqual([]);
    }
  });
});
