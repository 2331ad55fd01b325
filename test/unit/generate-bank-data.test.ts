import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type GenerateBankDataOptions, generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";
import type { BankAccount, BankTransaction } from "../../src/connectors/types.js";

const MS_PER_DAY = 86_400_000;
const AS_OF = new Date("2026-01-15T15:00:00.000Z");
const SEEDS = ["greatday", "greatday+1", "greatday_nomfa", "someone@example.com"];

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * MS_PER_DAY);
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function toCents(dollars: number): number {
  return Math.round(dollars * 100);
}

/** The day's position, from the key's last segment: a day's later transactions come first. */
function indexInDay(transaction: BankTransaction): number {
  return Number(transaction.key.split("-").at(-1));
}

function expectRunningBalancesConsistent(account: BankAccount): void {
  const oldestFirst = [...account.transactions].reverse();
  oldestFirst.forEach((transaction, position) => {
    const debitCents = transaction.debit === null ? 0 : toCents(transaction.debit);
    const creditCents = transaction.credit === null ? 0 : toCents(transaction.credit);
    expect((transaction.debit === null) !== (transaction.credit === null), transaction.key).toBe(true);
    expect(debitCents + creditCents, transaction.key).toBeGreaterThan(0);
    for (const dollars of [transaction.debit, transaction.credit, transaction.balance]) {
      if (dollars !== null) expect(toCents(dollars) / 100, transaction.key).toBe(dollars);
    }
    const previous = oldestFirst[position - 1];
    if (!previous) return;
    const changeCents = account.category === "Credits" ? debitCents - creditCents : creditCents - debitCents;
    expect(toCents(transaction.balance), transaction.key).toBe(toCents(previous.balance) + changeCents);
  });
  expect(account.balance.current).toBe(account.transactions[0]?.balance);
}

describe("generateBankData", () => {
  it("returns the same data for the same seed and UTC day, whatever the time of day", () => {
    const morning = generateBankData("greatday", new Date("2026-01-15T00:00:00.000Z"));
    const night = generateBankData("greatday", new Date("2026-01-15T23:59:59.999Z"));
    expect(night).toEqual(morning);
  });

  it("gives different seeds different customers", () => {
    const first = generateBankData("greatday", AS_OF);
    const second = generateBankData("greatday+1", AS_OF);
    expect(second.accounts[0]?.accountNumber).not.toBe(first.accounts[0]?.accountNumber);
    expect(second.accounts[0]?.transactions).not.toEqual(first.accounts[0]?.transactions);
  });

  // Month ends carry the balancing settlement, year ends change the month index: both are edges.
  it.each(["2026-01-15", "2026-01-30", "2026-01-31", "2025-12-31", "2028-02-28"])(
    "keeps every transaction up to %s unchanged when asOf moves one day on",
    (day) => {
      const asOf = new Date(`${day}T12:00:00.000Z`);
      for (const seed of SEEDS) {
        const today = generateBankData(seed, asOf);
        // One more day of history so that tomorrow's window still reaches today's oldest day.
        const tomorrow = generateBankData(seed, addDays(asOf, 1), { daysOfHistory: 366 });
        tomorrow.accounts.forEach((account, position) => {
          const upToToday = account.transactions.filter((transaction) => transaction.date <= day);
          expect(upToToday, `${seed} ${account.key}`).toEqual(today.accounts[position]?.transactions);
        });
      }
    },
  );

  it("lists the same transactions whatever the window's length", () => {
    const year = generateBankData("greatday", AS_OF, { daysOfHistory: 365 });
    const quarter = generateBankData("greatday", AS_OF, { daysOfHistory: 90 });
    const quarterStart = utcDay(addDays(AS_OF, -90));
    quarter.accounts.forEach((account, position) => {
      const recent = year.accounts[position]?.transactions.filter((transaction) => transaction.date >= quarterStart);
      expect(account.transactions).toEqual(recent);
    });
  });

  it("keeps running balances consistent with each category's sign convention", () => {
    for (const seed of SEEDS) {
      for (const account of generateBankData(seed, AS_OF).accounts) expectRunningBalancesConsistent(account);
    }
  });

  it("derives available balances from the overdraft or the limit", () => {
    const [chequing, savings, creditCard, lineOfCredit] = generateBankData("greatday", AS_OF).accounts;
    expect(toCents(chequing?.balance.available ?? 0)).toBe(
      toCents(chequing?.balance.current ?? 0) + toCents(chequing?.overdraftLimit ?? 0),
    );
    expect(savings?.balance.available).toBe(savings?.balance.current);
    for (const credit of [creditCard, lineOfCredit]) {
      expect(toCents(credit?.balance.available ?? 0)).toBe(toCents(credit?.balance.limit ?? 0) - toCents(credit?.balance.current ?? 0));
    }
  });

  it.each([0, 90, 365])("lists only transactions from the %i days before asOf's UTC day, newest first", (daysOfHistory) => {
    const oldestDay = utcDay(addDays(AS_OF, -daysOfHistory));
    for (const account of generateBankData("greatday", AS_OF, { daysOfHistory }).accounts) {
      account.transactions.forEach((transaction, position) => {
        expect(transaction.date >= oldestDay && transaction.date <= utcDay(AS_OF), transaction.key).toBe(true);
        const older = account.transactions[position + 1];
        if (!older) return;
        const isNewer = transaction.date > older.date || (transaction.date === older.date && indexInDay(transaction) > indexInDay(older));
        expect(isNewer, `${transaction.key} before ${older.key}`).toBe(true);
      });
    }
  });

  it("opens a chequing, a savings, a credit card and a line of credit account in CAD", () => {
    const { accounts } = generateBankData("greatday", AS_OF);
    expect(accounts.map(({ key, category, type, currency }) => ({ key, category, type, currency }))).toEqual([
      { key: "chq", category: "Operations", type: "Chequing", currency: "CAD" },
      { key: "sav", category: "Operations", type: "Savings", currency: "CAD" },
      { key: "cc", category: "Credits", type: "CreditCard", currency: "CAD" },
      { key: "loc", category: "Credits", type: "LineOfCredit", currency: "CAD" },
    ]);
    for (const account of accounts) {
      expect(account.transitNumber).toMatch(/^\d{5}$/);
      expect(account.institutionNumber).toBe("777");
      expect(account.accountNumber).toMatch(account.type === "CreditCard" ? /^\d{16}$/ : /^\d{7}$/);
      if (account.category === "Credits") expect(account.balance.limit).toBeGreaterThan(0);
    }
    expect(accounts[0]?.overdraftLimit).toBeGreaterThan(0);
  });

  it("lists a year's worth of everyday chequing activity", () => {
    const chequing = generateBankData("greatday", AS_OF).accounts[0];
    expect(chequing?.transactions.length).toBeGreaterThanOrEqual(250);
    const descriptions = chequing?.transactions.map((transaction) => transaction.description) ?? [];
    expect(descriptions.filter((description) => description.startsWith("PAYROLL DEPOSIT - ")).length).toBeGreaterThanOrEqual(26);
  });

  it("describes a Canadian holder for KYC", () => {
    const { holder, loginType } = generateBankData("greatday", AS_OF);
    expect(loginType).toBe("Personal");
    expect(holder.name).toMatch(/^\S+ \S+$/);
    expect(holder.address).toMatchObject({ poBox: null, country: "CA" });
    expect(holder.address.province).toMatch(/^[A-Z]{2}$/);
    expect(holder.address.postalCode).toMatch(/^[A-Z]\d[A-Z] \d[A-Z]\d$/);
    expect(holder.email).toMatch(/^[a-z0-9.]+@[a-z0-9.]+$/);
    expect(holder.phoneNumber).toMatch(/^\d{10}$/);
  });

  it("names the business on a Business login", () => {
    const personal = generateBankData("greatday", AS_OF);
    const business = generateBankData("greatday", AS_OF, { loginType: "Business" });
    expect(business.loginType).toBe("Business");
    expect(business.holder.name).not.toBe(personal.holder.name);
    expect(business.accounts).toEqual(personal.accounts);
  });

  // The sandbox's data is a contract with every stored seed: a refactor must not change a single byte of it.
  // The Canadian rows were recorded before regions and account counts existed; the US and large rows when they arrived.
  it.each<[string, string, GenerateBankDataOptions, string]>([
    ["greatday", "2026-01-15T15:00:00.000Z", {}, "c9c416cd44419206b4261f4d93a640eeea5a0424112dda2584cac24af48802cd"],
    ["someone@example.com", "2028-02-29T00:00:00.000Z", {}, "2ad17d03971f291c6768c745deb087ddd1041c8970a31d7cd52f72bc32210393"],
    ["greatday+1", "1999-03-01T00:00:00.000Z", { daysOfHistory: 90 }, "3fd07b21198633fee150f8d64d6486f282c3f64ad9a567036de59472334c6f35"],
    [
      "greatday_nomfa",
      "2025-12-31T23:59:59.000Z",
      { loginType: "Business" },
      "012d1dcb374b071d12654007cede228b282a604849be723836c16644436bbc43",
    ],
    ["greatday", "2026-01-15T15:00:00.000Z", { region: "US" }, "780ba3c3858e44c2881ce0ff21c0dfcbddc343760076b58efc426cd34230df8e"],
    [
      "large",
      "2026-11-21T12:00:00.000Z",
      { accounts: 10, transactionsPerAccount: 5000 },
      "17dff6684a31f56b04ce16a10a2572f49cbb99744752a2cba4fdd7f0eb93c449",
    ],
  ])("generates exactly the pinned data for %s as of %s with %o", (seed, asOf, options, sha256) => {
    const json = JSON.stringify(generateBankData(seed, new Date(asOf), options));
    expect(createHash("sha256").update(json).digest("hex")).toBe(sha256);
  });

  it("rejects an invalid asOf or history length", () => {
    expect(() => generateBankData("greatday", new Date(Number.NaN))).toThrow(RangeError);
    expect(() => generateBankData("greatday", AS_OF, { daysOfHistory: -1 })).toThrow(RangeError);
    expect(() => generateBankData("greatday", AS_OF, { daysOfHistory: 1.5 })).toThrow(RangeError);
  });

  it.each<GenerateBankDataOptions>([
    { accounts: 0 },
    { accounts: 11 },
    { accounts: 2.5 },
    { transactionsPerAccount: -1 },
    { transactionsPerAccount: 10.5 },
    { region: "MX" as "US" },
  ])("rejects %o", (options) => {
    expect(() => generateBankData("greatday", AS_OF, options)).toThrow(RangeError);
  });
});
