import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import { createTestApp, flinksCapital, type TestApp } from "../helpers/test-app.js";

const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };
const ANSWER = { "What city were you born in?": ["Montreal"] };

describe("session lifetime", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ randomInt: () => 0, env: { BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS: "3600" } });
  });
  afterEach(() => t.close());

  async function challenged() {
    const token = await t.generateToken();
    const { RequestId } = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    return { RequestId, headers: { "flinks-auth-key": token } };
  }

  it("expires a RequestId after exactly 8 idle minutes: SESSION_EXPIRED, not a fresh challenge", async () => {
    const { RequestId, headers } = await challenged();
    t.clock.advanceSeconds(479);
    expect((await t.post("Authorize", { RequestId }, headers)).statusCode).toBe(203);
    t.clock.advanceSeconds(480);
    const expired = await t.post("Authorize", { RequestId, SecurityResponses: ANSWER }, headers);
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ HttpStatusCode: 400, FlinksCode: "SESSION_EXPIRED", RequestId });
  });

  it("extends the idle expiry with activity, never past the 30-minute cap", async () => {
    const { RequestId, headers } = await challenged();
    for (let round = 0; round < 4; round++) {
      t.clock.advanceSeconds(7 * 60);
      expect((await t.post("Authorize", { RequestId }, headers)).statusCode).toBe(203);
    }
    t.clock.advanceSeconds(60 * 2 + 1);
    expect((await t.post("Authorize", { RequestId }, headers)).json().FlinksCode).toBe("SESSION_EXPIRED");
  });

  it("expires data sessions too, and data calls keep them alive", async () => {
    const live = await t.connect();
    for (let i = 0; i < 3; i++) {
      t.clock.advanceSeconds(400);
      expect((await t.post("GetAccountsSummary", { RequestId: live.RequestId }, t.apiKeyHeaders())).statusCode).toBe(200);
    }
    t.clock.advanceSeconds(480);
    const expired = await t.post("GetAccountsSummary", { RequestId: live.RequestId }, t.apiKeyHeaders());
    expect(expired.json().FlinksCode).toBe("SESSION_EXPIRED");
  });

  it("answers SESSION_NONEXISTENT for an unknown RequestId", async () => {
    const response = await t.authorize({ RequestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10", SecurityResponses: ANSWER }, t.apiKeyHeaders());
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ HttpStatusCode: 400, FlinksCode: "SESSION_NONEXISTENT", Message: expect.any(String) });
  });

  it("refuses data calls while a challenge is pending", async () => {
    const { RequestId } = await challenged();
    const response = await t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders());
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ FlinksCode: "UNAUTHORIZED", RequestId });
  });

  it("lets exactly one of two concurrent answers reach the institution", async () => {
    const bank = flinksCapital();
    let release: () => void = () => {};
    const bankIsAnswering = new Promise<void>((resolve) => {
      release = resolve;
    });
    let answersAtBank = 0;
    const slowBank = {
      ...bank,
      async answer(...args: Parameters<typeof bank.answer>) {
        answersAtBank++;
        await bankIsAnswering;
        return bank.answer(...args);
      },
    };
    const racing = await createTestApp({ randomInt: () => 0, connectors: new ConnectorRegistry([slowBank]) });
    const token = await racing.generateToken();
    const { RequestId } = (await racing.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    // light-my-request starts a request when it is awaited; .then() starts both at once.
    const answer = () => racing.post("Authorize", { RequestId, SecurityResponses: ANSWER }, { "flinks-auth-key": token }).then((r) => r);
    const both = [answer(), answer()];
    // The winner is held at the bank, so the first to settle is the loser.
    const loser = await Promise.race(both);
    expect(loser.statusCode).toBe(409);
    expect(loser.json()).toMatchObject({ FlinksCode: "SESSION_BUSY", RequestId });
    release();
    const statuses = (await Promise.all(both)).map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    expect(answersAtBank).toBe(1);
    await racing.close();
  });
});

describe("caller authentication", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ randomInt: () => 0 });
  });
  afterEach(() => t.close());

  it("GenerateAuthorizeToken needs the secret key", async () => {
    const ok = await t.app.inject({
      method: "POST",
      url: t.path("GenerateAuthorizeToken"),
      headers: { "flinks-auth-key": t.customer.secretKey },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ HttpStatusCode: 200, Token: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const bad = await t.app.inject({ method: "POST", url: t.path("GenerateAuthorizeToken"), headers: { "flinks-auth-key": "nope" } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED", Message: "You must provide a valid auth key" });
  });

  it("requires an authorize token (or the API key) on /Authorize by default", async () => {
    const none = await t.post("Authorize", GREATDAY);
    expect(none.statusCode).toBe(401);
    expect(none.json().FlinksCode).toBe("ACCESS_DENIED");
    const bearer = await t.post("Authorize", GREATDAY, { authorization: `Bearer ${t.customer.apiKey}` });
    expect(bearer.statusCode).toBe(203);
  });

  it("a token opens one session only, and is accepted again for that session's MFA rounds", async () => {
    const token = await t.generateToken();
    const first = await t.post("Authorize", GREATDAY, { "flinks-auth-key": token });
    expect(first.statusCode).toBe(203);
    const reuse = await t.post("Authorize", GREATDAY, { "flinks-auth-key": token });
    expect(reuse.json().FlinksCode).toBe("ACCESS_DENIED");
    const other = await t.authorize(GREATDAY);
    const foreignRound = await t.post(
      "Authorize",
      { RequestId: other.json().RequestId, SecurityResponses: ANSWER },
      { "flinks-auth-key": token },
    );
    expect(foreignRound.json().FlinksCode).toBe("ACCESS_DENIED");
    const ownRound = await t.post(
      "Authorize",
      { RequestId: first.json().RequestId, SecurityResponses: ANSWER },
      { "flinks-auth-key": token },
    );
    expect(ownRound.statusCode).toBe(200);
  });

  it("accepts an unused token for 30 minutes by default, and refuses it from the 30th minute on", async () => {
    expect(t.config.sessions.authorizeTokenTtlSeconds).toBe(1800);
    const [early, late] = [await t.generateToken(), await t.generateToken()];
    t.clock.advanceSeconds(1799);
    expect((await t.post("Authorize", GREATDAY, { "flinks-auth-key": early })).statusCode).toBe(203);
    t.clock.advanceSeconds(1);
    const response = await t.post("Authorize", GREATDAY, { "flinks-auth-key": late });
    expect(response.json().FlinksCode).toBe("ACCESS_DENIED");
  });

  it("keeps the token lifetime configurable", async () => {
    const short = await createTestApp({ randomInt: () => 0, env: { BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS: "900" } });
    const token = await short.generateToken();
    short.clock.advanceSeconds(900);
    expect((await short.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json().FlinksCode).toBe("ACCESS_DENIED");
    await short.close();
  });

  it("data endpoints take the API key in x-api-key or as a Bearer token, and refuse a wrong one", async () => {
    const live = await t.connect();
    const viaHeader = await t.post("GetAccountsSummary", { RequestId: live.RequestId }, { "x-api-key": t.customer.apiKey });
    const viaBearer = await t.post("GetAccountsSummary", { RequestId: live.RequestId }, { authorization: `Bearer ${t.customer.apiKey}` });
    const wrong = await t.post("GetAccountsSummary", { RequestId: live.RequestId }, { "x-api-key": "wrong" });
    const none = await t.post("GetAccountsSummary", { RequestId: live.RequestId });
    expect([viaHeader.statusCode, viaBearer.statusCode, wrong.statusCode, none.statusCode]).toEqual([200, 200, 401, 401]);
  });

  it("refuses another customer's API key on this customer's data, like an unknown customer", async () => {
    const live = await t.connect();
    const other = await t.addCustomer();
    const foreign = await t.post("GetAccountsSummary", { RequestId: live.RequestId }, { "x-api-key": other.apiKey });
    const unknownCustomer = await t.app.inject({
      method: "POST",
      url: t.path("GetAccountsSummary", "00000000-0000-4000-8000-000000000000"),
      payload: { RequestId: live.RequestId },
      headers: { "x-api-key": t.customer.apiKey },
    });
    expect(foreign.statusCode).toBe(401);
    expect(foreign.json()).toEqual(unknownCustomer.json());
    // Their own key on their own path cannot see our RequestId either.
    const theirs = await t.app.inject({
      method: "POST",
      url: t.path("GetAccountsSummary", other.customerId),
      payload: { RequestId: live.RequestId },
      headers: { "x-api-key": other.apiKey },
    });
    expect(theirs.json().FlinksCode).toBe("SESSION_NONEXISTENT");
  });

  it("open mode serves legacy clients that send no credentials", async () => {
    const open = await createTestApp({ randomInt: () => 0, env: { BANKGATE_AUTH_MODE: "open" } });
    const first = await open.post("Authorize", { ...GREATDAY, Username: "greatday_nomfa" });
    expect(first.statusCode).toBe(200);
    const data = await open.post("GetAccountsDetail", { RequestId: first.json().RequestId });
    expect(data.statusCode).toBe(200);
    await open.close();
  });
});
