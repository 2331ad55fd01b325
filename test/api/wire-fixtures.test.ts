import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize200, authorize203, detailAccount, errorEnvelope } from "../fixtures/flinks-examples.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * The shape of a JSON value: keys in order and the kind of each leaf. Values that are null
 * in one place and filled in another (Flinks' nullable fields) count as "nullable".
 */
function shape(value: unknown, nullable: ReadonlySet<string> = new Set(), path = ""): unknown {
  if (nullable.has(path)) return "nullable";
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0], nullable, `${path}[]`)];
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, nullable, path ? `${path}.${k}` : k)]));
  }
  return value === null ? "null" : typeof value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("the documented Flinks examples, pinned", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ randomInt: () => 2 });
  });
  afterAll(() => t.close());

  it("the 203 of /Authorize has the documented shape and prompt", async () => {
    const response = await t.authorize({
      Institution: "FlinksCapital",
      Username: "Greatday",
      Password: "Everyday",
      MostRecentCached: false,
    });
    expect(response.statusCode).toBe(203);
    const body = response.json();
    expect(body).toEqual({ ...authorize203, RequestId: body.RequestId });
    expect(body.RequestId).toMatch(GUID);
  });

  it("the 200 of /Authorize has the documented shape, key order included", async () => {
    const body = await t.connect("Greatday", { Tag: "userId=42" });
    expect(shape(body)).toEqual(shape(authorize200));
    expect(body).toEqual({
      ...authorize200,
      Login: { ...authorize200.Login, LastRefresh: body.Login.LastRefresh, Id: body.Login.Id },
      RequestId: body.RequestId,
    });
    expect(body.Login.LastRefresh).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);
  });

  it("a /GetAccountsDetail account has the documented shape", async () => {
    const { RequestId } = await t.connect();
    const account = (await t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders())).json().Accounts[0];
    // AccountType is null in the example and "Personal" here: both are documented values.
    const nullable = new Set([
      "AccountType",
      "LastFourDigits",
      "Transactions[].Debit",
      "Transactions[].Credit",
      "Balance.Limit",
      "OverdraftLimit",
    ]);
    expect(shape(account, nullable)).toEqual(shape(detailAccount, nullable));
    expect(account.Id).toMatch(GUID);
    expect(account.Transactions[0].Id).toMatch(GUID);
    expect(account.TransitNumber).toMatch(/^\d{5}$/);
    expect(account.InstitutionNumber).toMatch(/^\d{3}$/);
  });

  it("a flow error carries the documented envelope", async () => {
    const response = await t.authorize({ Institution: "FlinksCapital", Username: "Greatday", Password: "bad" });
    expect(response.statusCode).toBe(401);
    expect(shape(response.json())).toEqual(shape(errorEnvelope));
  });
});

describe("wire tolerance for the public clients (docs/flinks-compatibility.md#public-client-libraries)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ randomInt: () => 0 });
  });
  afterAll(() => t.close());

  it("binds keys case-insensitively and coerces string booleans (C# and Python clients)", async () => {
    const response = await t.authorize({
      institution: "FlinksCapital",
      UserName: "greatday_nomfa",
      password: "Everyday",
      MostRecentCached: "False",
      save: "True",
    });
    expect(response.statusCode).toBe(200);
    const cached = await t.authorize({ loginid: response.json().Login.Id, mostrecentcached: "True" });
    expect(cached.statusCode).toBe(200);
  });

  it("serves routes without /v3, in any case, with a trailing space (C# SDK) and with a charset in Content-Type", async () => {
    const { RequestId } = await t.connect("greatday_nomfa");
    const paths = [
      `/${t.customer.customerId}/BankingServices/GetAccountsDetail`,
      `/v3/${t.customer.customerId}/bankingservices/getaccountsdetail`,
      `/v3/${t.customer.customerId}/BankingServices/GetAccountsDetail%20`,
    ];
    for (const url of paths) {
      const response = await t.app.inject({
        method: "POST",
        url,
        payload: JSON.stringify({ RequestId }),
        headers: { ...t.apiKeyHeaders(), "content-type": "application/json;charset=UTF-8" },
      });
      expect(response.statusCode, url).toBe(200);
    }
  });

  it("accepts a body with a UTF-8 byte-order mark", async () => {
    const { RequestId } = await t.connect("greatday_nomfa");
    const response = await t.app.inject({
      method: "POST",
      url: t.path("GetAccountsSummary"),
      payload: `\uFEFF${JSON.stringify({ RequestId })}`,
      headers: { ...t.apiKeyHeaders(), "content-type": "application/json" },
    });
    expect(response.statusCode).toBe(200);
  });

  it("accepts node-flinks' body: PascalCased prompt keys, WithKyc, MostRecentCached and AccessToken", async () => {
    const token = await t.generateToken();
    const first = await t.post(
      "Authorize",
      { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false },
      { "flinks-auth-key": token },
    );
    const answered = await t.post(
      "Authorize",
      { RequestId: first.json().RequestId, SecurityResponses: { WhatCityWereYouBornIn: ["Montreal"] }, AccessToken: "x" },
      { "flinks-auth-key": token },
    );
    expect(answered.statusCode).toBe(200);
    const detail = await t.post(
      "GetAccountsDetail",
      { MostRecentCached: true, RequestId: answered.json().RequestId, WithKyc: false, AccessToken: "x", DaysOfTransactions: "Days90" },
      { authorization: `Bearer ${t.customer.apiKey}` },
    );
    expect(detail.statusCode).toBe(200);
    expect(detail.json().Accounts[0].Holder).toBeNull();
  });

  it("accepts the C# SDK's authorize token on data calls of the session it opened", async () => {
    const token = await t.generateToken();
    const opened = await t.post(
      "Authorize",
      { Institution: "FlinksCapital", UserName: "greatday_nomfa", Password: "Everyday", MostRecentCached: "false" },
      { "flinks-auth-key": token },
    );
    const response = await t.post(
      "GetAccountsDetail",
      { RequestId: opened.json().RequestId, DaysOfTransaction: "Days365" },
      { "flinks-auth-key": token },
    );
    expect(response.statusCode).toBe(200);
  });
});
