import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

describe("cached /Authorize, live refresh of a saved card, LoginId semantics and /DeleteCard", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ randomInt: () => 0 });
  });
  afterEach(() => t.close());

  const cached = (LoginId: string) => t.authorize({ LoginId, MostRecentCached: true });

  it("cached mode opens a new RequestId over the saved card, with LastRefresh in UTC", async () => {
    const live = await t.connect();
    // The card's first aggregation is over (a data call waits for it): until then a cached
    // call answers the card as it stands, never refreshed (LastRefresh null).
    expect((await t.post("GetAccountsDetail", { RequestId: live.RequestId }, t.apiKeyHeaders())).statusCode).toBe(200);
    t.clock.advanceSeconds(3600);
    const response = await cached(live.Login.Id);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.RequestId).not.toBe(live.RequestId);
    expect(body.Login).toEqual({ ...live.Login, LastRefresh: "2026-01-15T15:00:00.0000000" });
    const detail = await t.post("GetAccountsDetail", { RequestId: body.RequestId }, t.apiKeyHeaders());
    expect(detail.statusCode).toBe(200);
    expect(detail.json().Accounts).toHaveLength(4);
  });

  it("treats a LoginId without MostRecentCached as cached (no bank contact)", async () => {
    const live = await t.connect();
    const response = await t.authorize({ LoginId: live.Login.Id });
    expect(response.statusCode).toBe(200);
  });

  it("answers INVALID_LOGIN for an unknown LoginId", async () => {
    const response = await cached("0b5c2f7e-6a2e-4f2e-9a51-1d2f3c4b5a69");
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ HttpStatusCode: 401, FlinksCode: "INVALID_LOGIN", Message: expect.any(String) });
  });

  it("refuses another customer's LoginId exactly like an unknown one", async () => {
    const live = await t.connect();
    const other = await t.addCustomer();
    const token = await t.generateToken(other);
    const foreign = await t.app.inject({
      method: "POST",
      url: t.path("Authorize", other.customerId),
      headers: { "flinks-auth-key": token },
      payload: { LoginId: live.Login.Id, MostRecentCached: true },
    });
    const unknown = await cached("0b5c2f7e-6a2e-4f2e-9a51-1d2f3c4b5a69");
    expect(foreign.statusCode).toBe(unknown.statusCode);
    expect(foreign.json()).toEqual(unknown.json());
  });

  it("gives the same LoginId for the same institution + username (any case) + language, even after a password change", async () => {
    const first = await t.connect("Greatday");
    const again = await t.connect("GREATDAY");
    expect(again.Login.Id).toBe(first.Login.Id);
    const french = await t.connect("Greatday", { Language: "fr" });
    expect(french.Login.Id).not.toBe(first.Login.Id);
    // The sandbox accepts the password in any case: a "changed" password that still logs in.
    const changed = await t.connect("Greatday", { Password: "EVERYDAY" });
    expect(changed.Login.Id).toBe(first.Login.Id);
  });

  it("gives another customer another LoginId for the same bank login", async () => {
    const mine = await t.connect("Greatday");
    const other = await t.addCustomer();
    const token = await t.generateToken(other);
    const response = await t.app.inject({
      method: "POST",
      url: t.path("Authorize", other.customerId),
      headers: { "flinks-auth-key": token },
      payload: { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", Save: true },
    });
    const theirs = response.json().Login.Id;
    const myNoMfa = await t.connect("greatday_nomfa");
    expect(theirs).not.toBe(myNoMfa.Login.Id);
    expect(theirs).not.toBe(mine.Login.Id);
  });

  it("keeps AccountIds and TransactionIds across refreshes, and the new day's data arrives", async () => {
    const live = await t.connect();
    const before = (await t.post("GetAccountsDetail", { RequestId: live.RequestId }, t.apiKeyHeaders())).json();
    t.clock.advanceSeconds(86_400);
    const refresh = await t.connect();
    const after = (await t.post("GetAccountsDetail", { RequestId: refresh.RequestId }, t.apiKeyHeaders())).json();
    expect(after.Accounts.map((a: { Id: string }) => a.Id)).toEqual(before.Accounts.map((a: { Id: string }) => a.Id));
    const idsBefore = new Set(before.Accounts[0].Transactions.map((x: { Id: string }) => x.Id));
    const yesterday = after.Accounts[0].Transactions.filter((x: { Date: string }) => x.Date <= "2026-01-15");
    expect(yesterday.length).toBeGreaterThan(0);
    for (const x of yesterday.filter((x: { Date: string }) => x.Date >= "2025-10-20")) expect(idsBefore.has(x.Id)).toBe(true);
    expect(after.Login.LastRefresh).toBe("2026-01-16T15:00:00.0000000");
  });

  it("live-refreshes a saved card with its stored credentials: 203, then 200 with the same LoginId", async () => {
    const live = await t.connect();
    const token = await t.generateToken();
    const refresh = await t.post(
      "Authorize",
      { LoginId: live.Login.Id, MostRecentCached: false, Save: true },
      { "flinks-auth-key": token },
    );
    expect(refresh.statusCode).toBe(203);
    const { RequestId, SecurityChallenges } = refresh.json();
    const prompt = SecurityChallenges[0].Prompt;
    const answered = await t.post(
      "Authorize",
      { RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
      { "flinks-auth-key": token },
    );
    expect(answered.statusCode).toBe(200);
    expect(answered.json().Login.Id).toBe(live.Login.Id);
  });

  it("refuses a live refresh of a card saved without credentials", async () => {
    const live = await t.connect("greatday_nomfa", { Save: false });
    const response = await t.authorize({ LoginId: live.Login.Id, MostRecentCached: false, Save: true });
    expect(response.statusCode).toBe(401);
    expect(response.json().FlinksCode).toBe("INVALID_LOGIN");
  });

  it("replays a failed live refresh on cached calls, with a RequestId that still serves data", async () => {
    const live = await t.connect();
    const token = await t.generateToken();
    const { RequestId } = (
      await t.post("Authorize", { LoginId: live.Login.Id, MostRecentCached: false }, { "flinks-auth-key": token })
    ).json();
    for (let i = 0; i < 3; i++) {
      await t.post(
        "Authorize",
        { RequestId, SecurityResponses: { "What city were you born in?": ["Paris"] } },
        { "flinks-auth-key": token },
      );
    }
    const response = await cached(live.Login.Id);
    expect(response.statusCode).toBe(401);
    const body = response.json();
    expect(body).toMatchObject({ HttpStatusCode: 401, FlinksCode: "INVALID_SECURITY_RESPONSE_NO_RETRY", Institution: "FlinksCapital" });
    expect(body.Login.Id).toBe(live.Login.Id);
    const detail = await t.post("GetAccountsDetail", { RequestId: body.RequestId }, t.apiKeyHeaders());
    expect(detail.statusCode).toBe(200);
    // A later successful refresh clears the error.
    await t.connect();
    expect((await cached(live.Login.Id)).statusCode).toBe(200);
  });

  it("accepts cached mode named by credentials when the password matches the saved one", async () => {
    await t.connect();
    const ok = await t.authorize({ Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: true });
    expect(ok.statusCode).toBe(200);
    const wrong = await t.authorize({ Institution: "FlinksCapital", Username: "Greatday", Password: "nope", MostRecentCached: true });
    expect(wrong.json().FlinksCode).toBe("INVALID_LOGIN");
  });

  it("DeleteCard removes the card: cached calls and its old RequestIds fail like unknown ones", async () => {
    const live = await t.connect();
    const response = await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${live.Login.Id}`), headers: t.apiKeyHeaders() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      StatusCode: 200,
      Message: `All of the information about LoginId ${live.Login.Id} has been removed`,
      HttpStatusCode: 200,
    });
    const unknown = await cached("0b5c2f7e-6a2e-4f2e-9a51-1d2f3c4b5a69");
    const deleted = await cached(live.Login.Id);
    expect(deleted.statusCode).toBe(401);
    expect(deleted.json()).toEqual(unknown.json());
    const data = await t.post("GetAccountsDetail", { RequestId: live.RequestId }, t.apiKeyHeaders());
    expect(data.json().FlinksCode).toBe("SESSION_NONEXISTENT");
    const again = await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${live.Login.Id}`), headers: t.apiKeyHeaders() });
    expect(again.json().Message).toContain("Invalid LoginId");
  });

  it("DeleteCard leaves no row that refers to the card", async () => {
    const live = await t.connect();
    await cached(live.Login.Id);
    await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${live.Login.Id}`), headers: t.apiKeyHeaders() });
    const db = (t.deps.storage as unknown as { db: import("kysely").Kysely<import("../../src/storage/schema.js").Database> }).db;
    expect(await db.selectFrom("logins").selectAll().execute()).toEqual([]);
    expect(await db.selectFrom("snapshots").selectAll().execute()).toEqual([]);
    expect(await db.selectFrom("sessions").selectAll().where("login_id", "is not", null).execute()).toEqual([]);
    expect(await db.selectFrom("authorize_tokens").selectAll().where("request_id", "=", live.RequestId).execute()).toEqual([]);
  });

  it("DeleteCard needs the API key; an authorize token is not enough", async () => {
    const live = await t.connect();
    const token = await t.generateToken();
    const response = await t.app.inject({
      method: "DELETE",
      url: t.path(`DeleteCard/${live.Login.Id}`),
      headers: { "flinks-auth-key": token },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().FlinksCode).toBe("ACCESS_DENIED");
  });
});
