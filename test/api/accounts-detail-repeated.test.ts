/**
 * /GetAccountsDetail asked again gets the same bytes, kept whole from the second time on
 * (AccountsReplies in src/wire/flinks/data-replies.ts) — and never another session's or
 * another view's: the kept answer is keyed by everything it is made of.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("/GetAccountsDetail asked again", () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it("answers the same bytes each time, and each session and view its own", async () => {
    t = await createTestApp({ store: "sqlite", runJobs: false });
    const first = await t.connect();
    await t.deps.runner.runUntilIdle();
    const detail = async (body: Record<string, unknown>) => {
      const reply = await t.post("GetAccountsDetail", body, t.apiKeyHeaders());
      expect(reply.statusCode).toBe(200);
      return reply.body;
    };

    const asked = [];
    for (let call = 0; call < 4; call++) asked.push(await detail({ RequestId: first.RequestId }));
    expect(new Set(asked).size).toBe(1);
    expect(JSON.parse(asked[0] ?? "").RequestId).toBe(first.RequestId);

    const cached = await t.post("Authorize", { LoginId: first.Login.Id, MostRecentCached: true }, t.apiKeyHeaders());
    const second = cached.json().RequestId;
    for (let call = 0; call < 3; call++) {
      const other = JSON.parse(await detail({ RequestId: second }));
      expect(other.RequestId).toBe(second);
      expect(other.Accounts).toEqual(JSON.parse(asked[0] ?? "").Accounts);
    }

    const summaryOnly = JSON.parse(await detail({ RequestId: first.RequestId, WithTransactions: false }));
    expect(summaryOnly.RequestId).toBe(first.RequestId);
    expect(summaryOnly.Accounts.every((account: { Transactions?: unknown[] }) => (account.Transactions ?? []).length === 0)).toBe(true);
    expect(JSON.parse(asked[0] ?? "").Accounts.some((account: { Transactions: unknown[] }) => account.Transactions.length > 0)).toBe(true);
  });
});
