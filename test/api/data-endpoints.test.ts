import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

interface WireTransaction {
  Date: string;
  Debit: number | null;
  Credit: number | null;
  Balance: number;
  Id: string;
}
interface WireAccount {
  Id: string;
  Category: string;
  Type: string;
  Transactions: WireTransaction[];
  TransitNumber: string | null;
  InstitutionNumber: string | null;
  AccountNumber: string | null;
  Holder: unknown;
  Balance: { Available: number | null; Current: number | null; Limit: number | null };
}

describe("/GetAccountsDetail and /GetAccountsSummary", () => {
  let t: TestApp;
  let requestId: string;
  const detail = async (body: Record<string, unknown> = {}) => {
    const response = await t.post("GetAccountsDetail", { RequestId: requestId, ...body }, t.apiKeyHeaders());
    expect(response.statusCode).toBe(200);
    return response.json() as { Accounts: WireAccount[] } & Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await createTestApp({ randomInt: () => 0 });
    requestId = (await t.connect("Greatday", { Tag: "order-7" })).RequestId;
  });
  afterAll(() => t.close());

  it("returns chequing, savings, credit card and line of credit accounts in the Flinks shape", async () => {
    const body = await detail();
    expect(body.Accounts.map((a) => `${a.Category}/${a.Type}`)).toEqual([
      "Operations/Chequing",
      "Operations/Savings",
      "Credits/CreditCard",
      "Credits/LineOfCredit",
    ]);
    expect(Object.keys(body.Accounts[0] ?? {})).toEqual([
      "Transactions",
      "TransitNumber",
      "InstitutionNumber",
      "OverdraftLimit",
      "Title",
      "AccountNumber",
      "LastFourDigits",
      "Balance",
      "Category",
      "Type",
      "Currency",
      "Holder",
      "AccountType",
      "Id",
    ]);
    expect(body).toMatchObject({
      HttpStatusCode: 200,
      Institution: "FlinksCapital",
      InstitutionId: 14,
      RequestId: requestId,
      Tag: "order-7",
    });
    expect(body.Accounts[0]?.Holder).toMatchObject({ Name: expect.any(String), Address: { Country: "CA" } });
  });

  it("keeps running balances consistent, newest first", async () => {
    const body = await detail({ DaysOfTransactions: "Days365" });
    for (const account of body.Accounts) {
      const owed = account.Category === "Credits";
      const oldestFirst = [...account.Transactions].reverse();
      for (let i = 1; i < oldestFirst.length; i++) {
        const prev = oldestFirst[i - 1] as WireTransaction;
        const tx = oldestFirst[i] as WireTransaction;
        const flow = (tx.Credit ?? 0) - (tx.Debit ?? 0);
        expect(tx.Balance).toBeCloseTo(prev.Balance + (owed ? -flow : flow), 2);
      }
      expect(account.Balance.Current).toBeCloseTo(account.Transactions[0]?.Balance ?? 0, 2);
    }
  });

  it("windows transactions: Days90 by default, Days365 for a year", async () => {
    const ninety = await detail();
    const year = await detail({ DaysOfTransactions: "Days365" });
    const oldest = (a: WireAccount) => a.Transactions.at(-1)?.Date ?? "";
    expect(oldest(ninety.Accounts[0] as WireAccount) >= "2025-10-17").toBe(true);
    expect(oldest(year.Accounts[0] as WireAccount) < "2025-02-01").toBe(true);
    expect((year.Accounts[0] as WireAccount).Transactions.length).toBeGreaterThan(250);
  });

  it("honours WithTransactions, WithAccountIdentity, WithKYC and WithBalance set to false", async () => {
    const body = await detail({ WithTransactions: false, WithAccountIdentity: "false", WithKyc: false, WithBalance: false });
    const account = body.Accounts[0] as WireAccount;
    expect(account.Transactions).toEqual([]);
    expect([account.TransitNumber, account.InstitutionNumber, account.AccountNumber]).toEqual([null, null, null]);
    expect(account.Holder).toBeNull();
    expect(account.Balance).toEqual({ Available: null, Current: null, Limit: null });
  });

  it("filters accounts with AccountsFilter", async () => {
    const all = await detail();
    const wanted = [all.Accounts[1]?.Id, all.Accounts[3]?.Id];
    const body = await detail({ AccountsFilter: wanted });
    expect(body.Accounts.map((a) => a.Id)).toEqual(wanted);
  });

  it("filters transactions with DateFrom/DateTo and RefreshDelta", async () => {
    const ranged = await detail({ DateFrom: "2026-01-01", DateTo: "2026-01-10" });
    const dates = ranged.Accounts.flatMap((a) => a.Transactions.map((x) => x.Date));
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((d) => d >= "2026-01-01" && d <= "2026-01-10")).toBe(true);

    const all = await detail();
    const chequing = all.Accounts[0] as WireAccount;
    const known = chequing.Transactions[3] as WireTransaction;
    const delta = await detail({ RefreshDelta: [{ account_id: chequing.Id, transaction_id: known.Id }] });
    expect(delta.Accounts[0]?.Transactions.map((x) => x.Id)).toEqual(chequing.Transactions.slice(0, 3).map((x) => x.Id));
  });

  it("summarises accounts without transactions, with EFT eligibility", async () => {
    const response = await t.post("GetAccountsSummary", { RequestId: requestId }, t.apiKeyHeaders());
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.Accounts).toHaveLength(4);
    expect(body.Accounts[0]).toMatchObject({ EftEligibleRatio: 1, Category: "Operations", Balance: { Current: expect.any(Number) } });
    expect(body.Accounts[0].Transactions).toBeUndefined();
    expect(body.Links.map((l: { rel: string }) => l.rel)).toEqual(["AccountsDetail", "Statements"]);
  });

  it("serves the *Async polls with GET and with a bodiless POST", async () => {
    const viaGet = await t.app.inject({ method: "GET", url: t.path(`GetAccountsDetailAsync/${requestId}`), headers: t.apiKeyHeaders() });
    const viaPost = await t.app.inject({ method: "POST", url: t.path(`GetAccountsDetailAsync/${requestId}`), headers: t.apiKeyHeaders() });
    const summary = await t.app.inject({ method: "GET", url: t.path(`GetAccountsSummaryAsync/${requestId}`), headers: t.apiKeyHeaders() });
    expect([viaGet.statusCode, viaPost.statusCode, summary.statusCode]).toEqual([200, 200, 200]);
    expect(viaGet.json().Accounts).toHaveLength(4);
  });
});
