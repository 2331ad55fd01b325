import { describe, expect, it } from "vitest";
import { accountKindOf } from "../../../src/connectors/simplefin/account-kind.js";
import { toAggregatedData, UNKNOWN_HOLDER } from "../../../src/connectors/simplefin/map-accounts.js";
import { mergeWindows } from "../../../src/connectors/simplefin/merge-windows.js";
import type { ParsedAccount, ParsedTransaction } from "../../../src/connectors/simplefin/parse-account-set.js";
import { planRequestWindows } from "../../../src/connectors/simplefin/request-windows.js";

const DAY_MS = 86_400_000;
const now = new Date("2026-01-15T15:00:00.000Z");
const at = (iso: string) => Date.parse(iso) / 1000;

function posted(id: string, iso: string, amountCents: number): ParsedTransaction {
  return { id, pending: false, postedAt: at(iso), transactedAt: null, amountCents, description: `T ${id}` };
}

function account(name: string, balanceCents: number, transactions: ParsedTransaction[], key = name): ParsedAccount {
  return { key, id: name, name, currency: "USD", balanceCents, availableCents: null, transactions };
}

describe("request windows", () => {
  it("cover a year in overlapping windows of at most 90 days, newest first", () => {
    const windows = planRequestWindows(now, { historyDays: 365, maxDaysPerRequest: 90, overlapDays: 1 });
    expect(windows).toHaveLength(5);
    expect(windows[0]?.end.toISOString()).toBe("2026-01-16T15:00:00.000Z");
    expect(windows.at(-1)?.start.toISOString()).toBe("2025-01-15T00:00:00.000Z");
    for (const [i, w] of windows.entries()) {
      expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(90 * DAY_MS);
      const older = windows[i + 1];
      if (older) expect(older.end.getTime() - w.start.getTime()).toBe(DAY_MS);
    }
  });

  it("take one window when the history fits", () => {
    expect(planRequestWindows(now, { historyDays: 30, maxDaysPerRequest: 90, overlapDays: 1 })).toHaveLength(1);
  });

  it("refuse a plan that could never advance", () => {
    expect(() => planRequestWindows(now, { historyDays: 30, maxDaysPerRequest: 1, overlapDays: 1 })).toThrow(RangeError);
  });
});

describe("merging windows", () => {
  it("lists each transaction once across overlapping windows, the posted copy over the pending one", () => {
    const pendingCopy: ParsedTransaction = { ...posted("p", "2026-01-15T10:00:00Z", -4500), pending: true, postedAt: null };
    const newest = [account("chk", 1000, [pendingCopy, posted("b", "2026-01-14T00:01:00Z", -100)])];
    const older = [
      account("chk", 999, [
        posted("b", "2026-01-14T00:01:00Z", -100),
        posted("a", "2025-12-01T00:01:00Z", 50),
        posted("p", "2026-01-15T11:00:00Z", -5405),
      ]),
    ];
    const [merged] = mergeWindows([newest, older]);
    expect(merged?.balanceCents).toBe(1000);
    expect(merged?.transactions.map((t) => [t.id, t.pending, t.amountCents])).toEqual([
      ["p", false, -5405],
      ["b", false, -100],
      ["a", false, 50],
    ]);
  });

  it("keeps an account only an older window lists", () => {
    expect(mergeWindows([[account("a", 1, [])], [account("a", 1, []), account("closed", 0, [])]]).map((a) => a.key)).toEqual([
      "a",
      "closed",
    ]);
  });
});

describe("Flinks accounts from SimpleFIN accounts", () => {
  it("derive running balances backwards from the account balance, newest first", () => {
    const chk = account("Everyday Checking", 10_000, [
      posted("1", "2026-01-10T00:01:00Z", -2_500),
      posted("2", "2026-01-12T00:01:00Z", 1_000),
      posted("3", "2026-01-12T00:02:00Z", -500),
    ]);
    const [mapped] = toAggregatedData([chk], now).accounts;
    expect(mapped?.transactions.map((t) => [t.date, t.debit, t.credit, t.balance])).toEqual([
      ["2026-01-12", 5, null, 100],
      ["2026-01-12", null, 10, 105],
      ["2026-01-10", 25, null, 95],
    ]);
    expect(mapped).toMatchObject({ category: "Operations", type: "Chequing", balance: { current: 100, available: null, limit: null } });
  });

  it("turn a card's negative SimpleFIN balance into the amount owed, a charge raising it", () => {
    const card = account("Visa Signature", -12_000, [
      posted("1", "2026-01-10T00:01:00Z", -2_000),
      posted("2", "2026-01-11T00:01:00Z", 5_000),
    ]);
    const [mapped] = toAggregatedData([card], now).accounts;
    expect(mapped).toMatchObject({ category: "Credits", type: "CreditCard", balance: { current: 120 } });
    expect(mapped?.transactions.map((t) => [t.debit, t.credit, t.balance])).toEqual([
      [null, 50, 120],
      [20, null, 170],
    ]);
  });

  it("list pending transactions first, marked, at the current balance, moving nothing", () => {
    const pending: ParsedTransaction = {
      id: "p",
      pending: true,
      postedAt: null,
      transactedAt: at("2026-01-09T12:00:00Z"),
      amountCents: -4_500,
      description: "CORNER BISTRO",
    };
    const [mapped] = toAggregatedData([account("Checking", 10_000, [posted("1", "2026-01-14T00:01:00Z", -1_000), pending])], now).accounts;
    expect(mapped?.transactions.map((t) => [t.description, t.date, t.balance])).toEqual([
      ["CORNER BISTRO (PENDING)", "2026-01-09", 100],
      ["T 1", "2026-01-14", 100],
    ]);
  });

  it("key transactions by account and id, and leave out currencies the wire cannot carry", () => {
    const data = toAggregatedData(
      [
        account("Checking", 0, [posted("t", "2026-01-14T00:01:00Z", 1)], "K"),
        { ...account("Miles", 5, []), currency: "https://example.com/flight-miles" },
        { ...account("Euro", 5, []), currency: "EUR" },
      ],
      now,
    );
    expect(data.accounts.map((a) => a.key)).toEqual(["K"]);
    expect(data.accounts[0]?.transactions[0]?.key).toBe(JSON.stringify(["K", "t"]));
    expect(data.holder).toEqual(UNKNOWN_HOLDER);
  });

  it.each([
    ["Everyday Checking", "Operations", "Chequing"],
    ["SimpleFIN Savings", "Operations", "Savings"],
    ["Visa Signature", "Credits", "CreditCard"],
    ["Personal Line of Credit", "Credits", "LineOfCredit"],
    ["Home Mortgage", "Credits", "Mortgage"],
    ["Auto Loan", "Credits", "Loan"],
    ["Roth IRA", "Products", "Brokerage"],
    ["12-month CD", "Products", "CertificateOfDeposit"],
    ["Rewards points", "Other", "Unknown"],
  ])("guess %s as %s / %s", (name, category, type) => {
    expect(accountKindOf(name)).toEqual({ category, type });
  });
});
