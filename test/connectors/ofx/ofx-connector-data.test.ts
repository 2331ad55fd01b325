import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBankData } from "../../../src/connectors/sandbox/generate-bank-data.js";
import type { AggregatedData, BankAccount, Json } from "../../../src/connectors/types.js";
import { MemoryCardVault, type OfxSimHarness, startOfxSimHarness } from "./ofx-sim-harness.js";

let sim: OfxSimHarness;
beforeAll(async () => {
  sim = await startOfxSimHarness();
});
afterAll(() => sim.close());

/** A whole login as bankgate runs it (no MFA users here): start, then fetchData from the JSON state in a fresh context. */
async function aggregate(bankId: string, username: string, ofxVersion: number, vault = new MemoryCardVault()): Promise<AggregatedData> {
  const connector = sim.connector(bankId, { ofxVersion });
  const started = await connector.start({ username, password: "Everyday", language: "en" }, sim.context(vault));
  if (started.kind !== "authorized") throw new Error(JSON.stringify(started));
  const fetched = await connector.fetchData(JSON.parse(JSON.stringify(started.connectorState)) as Json, sim.context(vault));
  if (fetched.kind !== "data") throw new Error(JSON.stringify(fetched));
  return fetched.data;
}

/** Each line's balance is the one before it plus its own movement (for credit accounts: what is owed). */
function expectRunningBalances(account: BankAccount): void {
  const credit = account.category === "Credits";
  for (let i = 0; i + 1 < account.transactions.length; i++) {
    const line = account.transactions[i] as BankAccount["transactions"][number];
    const older = account.transactions[i + 1] as BankAccount["transactions"][number];
    const movement = (line.credit ?? 0) - (line.debit ?? 0);
    expect(Math.round((line.balance - older.balance) * 100)).toBe(Math.round((credit ? -movement : movement) * 100));
  }
}

describe.each([
  ["SGML", 160],
  ["XML", 211],
] as const)("OFX data over %s", (_syntax, ofxVersion) => {
  it("accounts keyed by (FID, BANKID, ACCTID, ACCTTYPE), a year of transactions keyed by FITID, balances from LEDGERBAL", async () => {
    const data = await aggregate("ofxsim", "greatday_nomfa", ofxVersion);
    expect(data.accounts.map((a) => [a.category, a.type, a.currency])).toEqual([
      ["Operations", "Chequing", "USD"],
      ["Operations", "Savings", "USD"],
      ["Credits", "CreditCard", "USD"],
      ["Credits", "LineOfCredit", "USD"],
    ]);
    const [chequing, , card] = data.accounts as [BankAccount, BankAccount, BankAccount];
    expect(chequing.key).toBe(`bank|7001|${chequing.transitNumber}|${chequing.accountNumber}|CHECKING`);
    expect(card.key).toBe(`card|7001||${card.accountNumber}|CREDITCARD`);
    for (const account of data.accounts) {
      expect(new Set(account.transactions.map((t) => t.key)).size).toBe(account.transactions.length);
      expect(account.transactions[0]?.balance).toBe(account.balance.current);
      expectRunningBalances(account);
      const dates = account.transactions.map((t) => t.date);
      expect([...dates].sort().reverse()).toEqual(dates);
    }
    // 365 days in 90-day windows whose edges overlap: exactly what the bank holds, balances included, once each.
    const held = generateBankData("greatday_nomfa", sim.clock.now(), { region: "US" });
    expect(data.accounts.map((a) => a.transactions)).toEqual(held.accounts.map((a) => a.transactions));
    expect(data.accounts.map((a) => a.balance.current)).toEqual(held.accounts.map((a) => a.balance.current));
    expect(card.balance.limit).toBeGreaterThan(0);
    // No holder record in OFX: a placeholder, never the user id (a credential, kept only encrypted).
    expect(data.holder).toMatchObject({ name: "", address: { country: "US" } });
    expect(JSON.stringify(data)).not.toContain("greatday_nomfa");
  });

  it("the same card fetched again gives the same keys, and a download never duplicates a FITID", async () => {
    const vault = new MemoryCardVault();
    const first = await aggregate("ofxsim", "greatday_nomfa+again", ofxVersion, vault);
    const second = await aggregate("ofxsim", "greatday_nomfa+again", ofxVersion, vault);
    expect(second.accounts.map((a) => a.key)).toEqual(first.accounts.map((a) => a.key));
    expect(second.accounts.map((a) => a.transactions.map((t) => t.key))).toEqual(
      first.accounts.map((a) => a.transactions.map((t) => t.key)),
    );
  });

  it("closing information where the profile offers it: monthly periods with the bank's balances", async () => {
    const data = await aggregate("ofxsim", "greatday_nomfa", ofxVersion);
    const chequing = data.accounts[0] as BankAccount;
    expect(chequing.closings?.[0]).toMatchObject({ periodStart: "2025-12-01", periodEnd: "2025-12-31" });
    const december = chequing.closings?.[0];
    const lastOfDecember = chequing.transactions.find((t) => t.date <= "2025-12-31");
    expect(december?.closingBalance).toBe(lastOfDecember?.balance);
    expect(december?.openingBalance).toBe(chequing.closings?.[1]?.closingBalance);
    const classic = await aggregate("ofxsim-classic", "greatday_nomfa", 102);
    expect(classic.accounts[0]?.closings).toBeUndefined();
  });

  it("large_login: windows of about 1,000 transactions each, all kept once", async () => {
    const data = await aggregate("ofxsim", "large_login", ofxVersion);
    for (const account of data.accounts) {
      expect(account.transactions.length).toBeGreaterThan(3_600);
      expect(new Set(account.transactions.map((t) => t.key)).size).toBe(account.transactions.length);
    }
  });
});

describe("OFX data that changes at the bank", () => {
  it("pending_posts: the bill posts a day later with the tip, same FITID, so the same transaction", async () => {
    const vault = new MemoryCardVault();
    const before = await aggregate("ofxsim", "pending_posts", 211, vault);
    const pendingCard = before.accounts.find((a) => a.type === "CreditCard");
    expect(pendingCard?.transactions.find((t) => t.key === "pending-restaurant")).toMatchObject({
      description: "LA BANQUISE MONTREAL (PENDING)",
      debit: 45,
    });
    sim.clock.advanceSeconds(86_400);
    const after = await aggregate("ofxsim", "pending_posts", 211, vault);
    const card = after.accounts.find((a) => a.type === "CreditCard");
    expect(card?.transactions.filter((t) => t.key === "pending-restaurant")).toEqual([
      expect.objectContaining({ description: "LA BANQUISE MONTREAL", debit: 54.05 }),
    ]);
    expect(card?.key).toBe(pendingCard?.key);
  });

  it("new_account_after_refresh: a fifth account a day later, the first four keep their keys", async () => {
    const before = await aggregate("ofxsim", "new_account_after_refresh", 160);
    sim.clock.advanceSeconds(86_400);
    const after = await aggregate("ofxsim", "new_account_after_refresh", 160);
    expect(after.accounts).toHaveLength(5);
    expect(after.accounts.slice(0, 4).map((a) => a.key)).toEqual(before.accounts.map((a) => a.key));
    expect(after.accounts[4]).toMatchObject({ title: "High Interest Savings", type: "Savings" });
  });
});
