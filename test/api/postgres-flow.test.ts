/**
 * The main API flow through HTTP with PostgreSQL as the store: live /Authorize with MFA,
 * data, cached /Authorize, /DeleteCard. Skipped locally when PostgreSQL is unavailable,
 * never in CI.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

const skip = inject("databaseUrl") === "" && process.env.CI !== "true";

const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.skipIf(skip)("API flow on PostgreSQL", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ store: "postgres", randomInt: () => 0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("runs on PostgreSQL", () => {
    expect(t.deps.storeKind).toBe("postgres");
  });

  it("live 203 → 200, data, cached Authorize with the same AccountIds, DeleteCard, then INVALID_LOGIN", async () => {
    // Live: 203 with one question, answered → 200 on the same RequestId.
    const liveToken = await t.generateToken();
    const first = await t.post("Authorize", GREATDAY, { "flinks-auth-key": liveToken });
    expect(first.statusCode).toBe(203);
    const challenge = first.json();
    expect(challenge.RequestId).toMatch(UUID);
    expect(challenge.SecurityChallenges).toHaveLength(1);
    const prompt = challenge.SecurityChallenges[0].Prompt as string;
    expect(SANDBOX_ANSWERS[prompt]).toBeDefined();

    const answered = await t.post(
      "Authorize",
      { RequestId: challenge.RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
      { "flinks-auth-key": liveToken },
    );
    expect(answered.statusCode).toBe(200);
    const live = answered.json();
    expect(live).toMatchObject({ HttpStatusCode: 200, RequestId: challenge.RequestId, Login: { Username: "Greatday" } });
    const loginId = live.Login.Id as string;
    expect(loginId).toMatch(UUID);

    const liveDetail = await t.post("GetAccountsDetail", { RequestId: live.RequestId }, { "flinks-auth-key": liveToken });
    expect(liveDetail.statusCode, liveDetail.body).toBe(200);
    const liveAccounts = liveDetail.json().Accounts as { Id: string }[];
    expect(liveAccounts).toHaveLength(4);
    const liveAccountIds = liveAccounts.map((a) => a.Id);

    // Cached: the LoginId alone, no bank contact → 200 with a new RequestId.
    const cachedToken = await t.generateToken();
    const cached = await t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, { "flinks-auth-key": cachedToken });
    expect(cached.statusCode).toBe(200);
    const cachedBody = cached.json();
    expect(cachedBody.RequestId).toMatch(UUID);
    expect(cachedBody.RequestId).not.toBe(live.RequestId);
    expect(cachedBody.Login.Id).toBe(loginId);

    const cachedDetail = await t.post("GetAccountsDetail", { RequestId: cachedBody.RequestId }, { "flinks-auth-key": cachedToken });
    expect(cachedDetail.statusCode).toBe(200);
    const cachedAccounts = cachedDetail.json().Accounts as { Id: string }[];
    expect(cachedAccounts).toHaveLength(4);
    expect(cachedAccounts.map((a) => a.Id)).toEqual(liveAccountIds);
    expect(cachedDetail.json().RequestId).toBe(cachedBody.RequestId);

    // DeleteCard (server-to-server, API key), then the card is unknown.
    const deleted = await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${loginId}`), headers: t.apiKeyHeaders() });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ HttpStatusCode: 200 });

    const afterDelete = await t.authorize({ LoginId: loginId, MostRecentCached: true });
    expect(afterDelete.statusCode).toBe(401);
    expect(afterDelete.json()).toMatchObject({ HttpStatusCode: 401, FlinksCode: "INVALID_LOGIN" });

    // The data sessions of the deleted card are gone from PostgreSQL as well.
    const sessions = await t.deps.storage.sessions.find(t.customer.customerId, cachedBody.RequestId);
    expect(sessions).toBeUndefined();
  });
});
