import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const run = promisify(execFile);

interface WireTransaction {
  Date: string;
  Description: string;
  Debit: number | null;
  Credit: number | null;
  Balance: number;
}
interface WireAccount {
  Id: string;
  Category: string;
  AccountNumber: string;
  Title: string;
  Transactions: WireTransaction[];
}
interface WireStatement {
  UniqueId: string;
  FileType: string;
  Base64Bytes: string;
}
interface StatementsBody {
  HttpStatusCode: number;
  StatementsByAccount: Array<{ AccountNumber: string; Statements: WireStatement[] }>;
  RequestId: string;
}

/** Same format as the statements: thousands separators, two decimals. */
function amount(value: number): string {
  return (value < 0 ? "-" : "") + Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

const dir = mkdtempSync(join(tmpdir(), "bankgate-statements-"));
let fileCount = 0;
async function pdfText(statement: WireStatement): Promise<string> {
  const file = join(dir, `statement-${fileCount++}.pdf`);
  writeFileSync(file, Buffer.from(statement.Base64Bytes, "base64"));
  return (await run("pdftotext", ["-layout", file, "-"])).stdout;
}

/** "Statement period: 2025-12-01 to 2025-12-31" → ["2025-12-01", "2025-12-31"]. */
function periodOf(text: string): [string, string] {
  const match = /Statement period:\s+(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/.exec(text);
  if (!match) throw new Error(`no period in:\n${text}`);
  return [match[1] as string, match[2] as string];
}

/**
 * Checks one statement against the account's transactions: its period is a full calendar
 * month, every transaction of that month has its row (date, amount, running balance) in
 * order, and the opening and closing balances follow from them.
 */
async function checkStatement(statement: WireStatement, account: WireAccount): Promise<string> {
  expect(statement.FileType).toBe("PDF");
  expect(statement.UniqueId).toMatch(/^[0-9A-F]{32}$/);
  expect(statement.Base64Bytes.startsWith("JVBERi0")).toBe(true);
  const text = await pdfText(statement);
  const [from, to] = periodOf(text);
  expect(from.slice(8)).toBe("01");
  expect(to.slice(0, 7)).toBe(from.slice(0, 7));
  expect(text).toContain(`****${account.AccountNumber.slice(-4)}`);
  expect(text).toContain(account.Title);

  const owed = account.Category === "Credits";
  const inMonth = account.Transactions.filter((t) => t.Date >= from && t.Date <= to).reverse();
  const rows = text.split(/[\n\f]/).filter((line) => /^\s*\d{4}-\d{2}-\d{2}\s/.test(line));
  expect(rows).toHaveLength(inMonth.length);
  inMonth.forEach((t, i) => {
    const row = rows[i] as string;
    expect(row.trim().startsWith(t.Date)).toBe(true);
    expect(row).toContain(amount((t.Debit ?? t.Credit) as number));
    expect(row.trimEnd().endsWith(amount(t.Balance))).toBe(true);
  });

  const opening = /Opening balance:\s+(\S+)/.exec(text)?.[1];
  const closing = /Closing balance:\s+(\S+)/.exec(text)?.[1];
  const first = inMonth[0];
  const last = inMonth.at(-1);
  if (first && last) {
    const change = owed ? (first.Debit ?? 0) - (first.Credit ?? 0) : (first.Credit ?? 0) - (first.Debit ?? 0);
    expect(opening).toBe(amount(Math.round((first.Balance - change) * 100) / 100));
    expect(closing).toBe(amount(last.Balance));
  } else {
    expect(closing).toBe(opening);
  }
  return from.slice(0, 7);
}

describe("/GetStatements", () => {
  let t: TestApp;
  let requestId: string;
  let accounts: WireAccount[];
  const statements = async (body: Record<string, unknown> = {}) => {
    const response = await t.post("GetStatements", { RequestId: requestId, ...body }, t.apiKeyHeaders());
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as StatementsBody & Record<string, unknown>;
  };
  const accountOf = (accountNumber: string) => accounts.find((a) => a.AccountNumber === accountNumber) as WireAccount;

  beforeAll(async () => {
    t = await createTestApp({ randomInt: () => 0 });
    requestId = (await t.connect("Greatday", { Tag: "statements-1" })).RequestId;
    const detail = await t.post("GetAccountsDetail", { RequestId: requestId, DaysOfTransactions: "Days365" }, t.apiKeyHeaders());
    accounts = detail.json().Accounts;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the most recent month's statement of each account, in the Flinks envelope", async () => {
    const body = await statements();
    expect(body).toMatchObject({
      HttpStatusCode: 200,
      Institution: "FlinksCapital",
      InstitutionId: 14,
      Login: { Username: "Greatday", Id: expect.any(String) },
      RequestId: requestId,
      Tag: "statements-1",
    });
    expect(Object.keys(body)[1]).toBe("StatementsByAccount");
    expect(body.StatementsByAccount.map((s) => s.AccountNumber)).toEqual(accounts.map((a) => a.AccountNumber));
    for (const entry of body.StatementsByAccount) {
      expect(entry.Statements).toHaveLength(1);
      // The test clock's day is 2026-01-15: December is the last full month.
      expect(await checkStatement(entry.Statements[0] as WireStatement, accountOf(entry.AccountNumber))).toBe("2025-12");
    }
  });

  it("Months3: the last three full months per account, newest first, with stable UniqueIds", async () => {
    const body = await statements({ NumberOfStatements: "Months3" });
    expect(body.StatementsByAccount).toHaveLength(4);
    const ids = new Set<string>();
    for (const entry of body.StatementsByAccount) {
      expect(entry.Statements).toHaveLength(3);
      const months = [];
      for (const statement of entry.Statements) {
        months.push(await checkStatement(statement, accountOf(entry.AccountNumber)));
        ids.add(statement.UniqueId);
      }
      expect(months).toEqual(["2025-12", "2025-11", "2025-10"]);
    }
    expect(ids.size).toBe(12);
    const again = await statements({ NumberOfStatements: "MostRecent" });
    expect(again.StatementsByAccount.map((e) => e.Statements[0]?.UniqueId)).toEqual(
      body.StatementsByAccount.map((e) => e.Statements[0]?.UniqueId),
    );
  });

  it("Months12 with one account in AccountsFilter: twelve statements of that account", async () => {
    const chequing = accounts[0] as WireAccount;
    const body = await statements({ NumberOfStatements: "Months12", AccountsFilter: [chequing.Id.toUpperCase()] });
    expect(body.StatementsByAccount).toHaveLength(1);
    const [entry] = body.StatementsByAccount;
    expect(entry?.AccountNumber).toBe(chequing.AccountNumber);
    expect(entry?.Statements).toHaveLength(12);
    const months = [];
    for (const statement of entry?.Statements ?? []) months.push(await checkStatement(statement, chequing));
    expect(months[0]).toBe("2025-12");
    expect(months[11]).toBe("2025-01");
  });

  it("filters accounts with AccountsFilter", async () => {
    const wanted = [accounts[1] as WireAccount, accounts[3] as WireAccount];
    const body = await statements({ NumberOfStatements: "Months3", AccountsFilter: wanted.map((a) => a.Id) });
    expect(body.StatementsByAccount.map((e) => e.AccountNumber)).toEqual(wanted.map((a) => a.AccountNumber));
  });

  it("refuses Months12 without exactly one account in AccountsFilter", async () => {
    for (const extra of [{}, { AccountsFilter: [] }, { AccountsFilter: [accounts[0]?.Id, accounts[1]?.Id] }]) {
      const response = await t.post("GetStatements", { RequestId: requestId, NumberOfStatements: "Months12", ...extra }, t.apiKeyHeaders());
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ HttpStatusCode: 400, FlinksCode: "INVALID_REQUEST" });
    }
  });

  it("answers an unknown RequestId with SESSION_NONEXISTENT", async () => {
    const response = await t.post("GetStatements", { RequestId: "6c1e8b7e-58c5-4e3b-9f1a-0a0b0c0d0e0f" }, t.apiKeyHeaders());
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ HttpStatusCode: 400, FlinksCode: "SESSION_NONEXISTENT" });
  });

  it("serves the GetStatementsAsync poll with GET and with a bodiless POST", async () => {
    const viaGet = await t.app.inject({ method: "GET", url: t.path(`GetStatementsAsync/${requestId}`), headers: t.apiKeyHeaders() });
    const viaPost = await t.app.inject({ method: "POST", url: t.path(`GetStatementsAsync/${requestId}`), headers: t.apiKeyHeaders() });
    expect([viaGet.statusCode, viaPost.statusCode]).toEqual([200, 200]);
    expect((viaGet.json() as StatementsBody).StatementsByAccount.map((e) => e.Statements.length)).toEqual([1, 1, 1, 1]);
    expect(viaPost.json()).toEqual(viaGet.json());
  });
});

describe("/GetStatements while the aggregation runs", () => {
  let t: TestApp;
  afterAll(() => t.close());

  it("answers 202 OPERATION_PENDING on the poll until the aggregation job has run, then the statements", async () => {
    t = await createTestApp({ runJobs: false });
    const { RequestId } = (
      await t.authorize({
        Institution: "FlinksCapital",
        Username: "greatday_nomfa",
        Password: "Everyday",
        MostRecentCached: false,
        Save: true,
      })
    ).json();
    const poll = () => t.app.inject({ method: "GET", url: t.path(`GetStatementsAsync/${RequestId}`), headers: t.apiKeyHeaders() });
    const pending = await poll();
    expect(pending.statusCode).toBe(202);
    expect(pending.json()).toEqual({
      FlinksCode: "OPERATION_PENDING",
      Links: [{ rel: "GetStatementsAsync", href: "/GetStatementsAsync", example: `/GetStatementsAsync/${RequestId}` }],
      HttpStatusCode: 202,
      Message: expect.any(String),
      RequestId,
    });
    const waiting = t.post("GetStatements", { RequestId, NumberOfStatements: "Months3" }, t.apiKeyHeaders()).then((r) => r);
    await t.deps.runner.runUntilIdle();
    const sync = await waiting;
    expect(sync.statusCode).toBe(200);
    expect((sync.json() as StatementsBody).StatementsByAccount.map((e) => e.Statements.length)).toEqual([3, 3, 3, 3]);
    const ready = await poll();
    expect(ready.statusCode).toBe(200);
    expect((ready.json() as StatementsBody).StatementsByAccount).toHaveLength(4);
  });
});
