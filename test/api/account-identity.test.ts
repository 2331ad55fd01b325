import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

/**
 * One rule for what a data answer discloses, as Flinks documents the flags on /GetAccountsDetail
 * (https://docs.flinks.com/api/connect/endpoints/account-linking/get-accounts-detail):
 * `WithAccountIdentity` governs the transit, institution and account numbers, `WithKYC` the
 * Holder; both default to "include". The same rule on /GetAccountsDetail, /GetAccountsSummary,
 * their polls and the webhook bodies.
 */
interface WireAccount {
  TransitNumber?: string | null;
  InstitutionNumber?: string | null;
  AccountNumber: string | null;
  LastFourDigits: string | null;
  Holder: unknown;
  Id: string;
}

const IDENTITY_FIELDS = ["TransitNumber", "InstitutionNumber", "AccountNumber"] as const;

describe("account identity: one rule for every endpoint and webhook", () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let requestId: string;
  let full: WireAccount[];
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({ randomInt: () => 0, runJobs: false });
    const configured = await t.app.inject({
      method: "PUT",
      url: `/bankgate/v1/${t.customer.customerId}/webhooks`,
      headers: { "flinks-auth-key": t.customer.secretKey },
      payload: { Url: receiver.url },
    });
    expect(configured.statusCode).toBe(200);
    requestId = (await t.connect("Greatday+identity")).RequestId;
    await t.deps.runner.runUntilIdle();
    full = (await t.post("GetAccountsDetail", { RequestId: requestId }, t.apiKeyHeaders())).json().Accounts;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** Each account shows its numbers and holder exactly as the flags say, and nothing else changes. */
  function expectDisclosed(accounts: WireAccount[], identity: boolean, kyc: boolean, where: string) {
    expect(
      accounts.map((a) => a.Id),
      where,
    ).toEqual(full.map((a) => a.Id));
    for (const [i, account] of accounts.entries()) {
      const original = full[i] as WireAccount;
      for (const field of IDENTITY_FIELDS) {
        if (!(field in account)) continue; // the summary has no transit or institution number
        expect(account[field], `${where} ${field}`).toBe(identity ? original[field] : null);
      }
      expect(account.AccountNumber, `${where} AccountNumber`).toBe(identity ? original.AccountNumber : null);
      expect(account.Holder, `${where} Holder`).toEqual(kyc ? original.Holder : null);
      expect(account.LastFourDigits, `${where} LastFourDigits`).toBe(original.LastFourDigits);
    }
  }

  it("the full answer has numbers and a holder to hide (the test is not blind)", () => {
    expect(full.length).toBeGreaterThan(1);
    for (const account of full) {
      expect(account.AccountNumber).toMatch(/^\d+$/);
      expect(account.Holder).toMatchObject({ Name: expect.any(String) });
    }
    expect(full.some((a) => a.LastFourDigits !== null)).toBe(true);
  });

  for (const identity of [undefined, true, false]) {
    for (const kyc of [undefined, true, false]) {
      const flags = {
        ...(identity === undefined ? {} : { WithAccountIdentity: identity }),
        ...(kyc === undefined ? {} : { WithKYC: kyc }),
      };
      it(`${JSON.stringify(flags)}: /GetAccountsDetail and /GetAccountsSummary disclose the same`, async () => {
        for (const operation of ["GetAccountsDetail", "GetAccountsSummary"]) {
          const response = await t.post(operation, { RequestId: requestId, ...flags }, t.apiKeyHeaders());
          expect(response.statusCode).toBe(200);
          expectDisclosed(response.json().Accounts, identity ?? true, kyc ?? true, operation);
        }
      });
    }
  }

  it("takes the flags as clients spell them: the Python client's summary body, node-flinks' WithKyc, \"False\" strings", async () => {
    const python = await t.post(
      "GetAccountsSummary",
      { RequestId: requestId, WithAccountIdentity: false, WithTransactions: false },
      t.apiKeyHeaders(),
    );
    expectDisclosed(python.json().Accounts, false, true, "python summary");
    const node = await t.post("GetAccountsSummary", { RequestId: requestId, WithKyc: false }, t.apiKeyHeaders());
    expectDisclosed(node.json().Accounts, true, false, "WithKyc");
    const csharp = await t.post(
      "GetAccountsDetail",
      { RequestId: requestId, WithAccountIdentity: "False", WithKYC: "false" },
      t.apiKeyHeaders(),
    );
    expectDisclosed(csharp.json().Accounts, false, false, "string booleans");
  });

  it("the polls answer with everything disclosed, as a call without flags does", async () => {
    for (const operation of ["GetAccountsDetailAsync", "GetAccountsSummaryAsync"]) {
      const response = await t.app.inject({ method: "GET", url: t.path(`${operation}/${requestId}`), headers: t.apiKeyHeaders() });
      expectDisclosed(response.json().Accounts, true, true, operation);
    }
  });

  it("the webhook bodies follow the same rule: GetAccountsDetail is the default answer, KYC its holder", async () => {
    await t.deps.runner.runUntilIdle();
    const events = receiver.accepted().filter((e) => e.body.RequestId === requestId);
    const detailEvent = events.find((e) => e.body.ResponseType === "GetAccountsDetail")?.body;
    const kycEvent = events.find((e) => e.body.ResponseType === "KYC")?.body;
    const { ResponseType: _type, EventId: _id, ...detailBody } = detailEvent ?? {};
    const answered = (await t.post("GetAccountsDetail", { RequestId: requestId }, t.apiKeyHeaders())).json();
    expect(detailBody).toEqual(answered);
    expectDisclosed(detailBody.Accounts as WireAccount[], true, true, "webhook");
    expect(kycEvent?.Holders).toEqual([full[0]?.Holder]);
  });
});
