import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * Accepted MFA answers are kept by default (encrypted, per card), as Flinks keeps what the
 * person answered in Connect for the nightly refresh; each customer can switch that off with
 * PUT /bankgate/v1/{customerId}/settings. GetMFAQuestions lists the questions, never the answers.
 */
const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";
const CITY = "What city were you born in?";

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("stored MFA answers by default ($store)", ({ store, skip }) => {
  let t: TestApp;
  beforeEach(async () => {
    // The development customer's setting is left at its default (BANKGATE_STORE_MFA_ANSWERS unset).
    if (!skip) t = await createTestApp({ store, randomInt: () => 0 });
  });
  afterEach(() => t?.close());

  const settingsUrl = () => `/bankgate/v1/${t.customer.customerId}/settings`;
  const secretKey = () => ({ "flinks-auth-key": t.customer.secretKey });
  const questions = (loginId: string) =>
    t.app.inject({ method: "GET", url: t.path(`GetMFAQuestions/${loginId}`), headers: t.apiKeyHeaders() });
  const setStoring = (on: boolean) =>
    t.app.inject({ method: "PUT", url: settingsUrl(), headers: secretKey(), payload: { StoreMfaAnswers: on } });

  it.skipIf(skip)("a live login that answered a question lists it in GetMFAQuestions, without its answer", async () => {
    expect((await t.app.inject({ method: "GET", url: settingsUrl(), headers: secretKey() })).json()).toEqual({
      HttpStatusCode: 200,
      StoreMfaAnswers: true,
    });
    const loginId = (await t.connect("Greatday+kept")).Login.Id;
    const listed = await questions(loginId);
    expect(listed.json()).toEqual({ HttpStatusCode: 200, Message: "SUCCESS", Questions: [{ Question: CITY }] });
    expect(listed.body).not.toContain("Montreal");
  });

  it.skipIf(skip)("the kept answer answers the bank in the nightly refresh", async () => {
    const loginId = (await t.connect("Greatday+nightly")).Login.Id;
    await t.deps.runner.runUntilIdle();
    const scheduled = await t.app.inject({
      method: "PATCH",
      url: t.path("SetScheduledRefresh"),
      headers: t.apiKeyHeaders(),
      payload: { LoginId: loginId, IsActivated: true },
    });
    expect(scheduled.statusCode).toBe(200);
    t.clock.advanceSeconds(3600);
    expect(await t.deps.nightly.enqueueNight("2026-01-16")).toBe(1);
    await t.deps.runner.runUntilIdle();
    const card = await t.deps.storage.logins.find(t.customer.customerId, loginId);
    expect({ state: card?.refreshState, error: card?.lastRefreshError }).toEqual({ state: "Completed", error: null });
    const status = await t.app.inject({
      method: "GET",
      url: t.path("GetNightlyRefreshStatus"),
      headers: { authorization: `Bearer ${t.customer.secretKey}` },
    });
    expect(status.json().IneligibleCards).toEqual([]);
  });

  it.skipIf(skip)("a customer that switches it off keeps no new answers, and can switch it on again", async () => {
    const off = await setStoring(false);
    expect(off.json()).toEqual({ HttpStatusCode: 200, StoreMfaAnswers: false });
    const unkept = (await t.connect("Greatday+off")).Login.Id;
    expect((await questions(unkept)).json().Questions).toEqual([]);
    expect((await setStoring(true)).json().StoreMfaAnswers).toBe(true);
    const kept = (await t.connect("Greatday+on")).Login.Id;
    expect((await questions(kept)).json().Questions).toEqual([{ Question: CITY }]);
  });

  it.skipIf(skip)("a reconnect keeps an answer the bank accepted before its next question, unless switched off", async () => {
    const COUNTRY = "What is the best country on earth?";
    /** Reconnects the card and answers its first question; the bank then asks the second. */
    const answerFirstRound = async (loginId: string) => {
      const asked = await t.authorize({ LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders());
      expect(asked.json().SecurityChallenges[0].Prompt).toBe(CITY);
      const next = await t.post(
        "Authorize",
        { RequestId: asked.json().RequestId, SecurityResponses: { [CITY]: ["Montreal"] } },
        t.apiKeyHeaders(),
      );
      expect(next.json().SecurityChallenges[0].Prompt).toBe(COUNTRY);
    };
    // A first connection keeps its final round's answer only: the card exists from then on.
    const kept = (await t.connect("mfa_rounds_2+kept")).Login.Id;
    expect((await questions(kept)).json().Questions).toEqual([{ Question: COUNTRY }]);
    await answerFirstRound(kept);
    expect((await questions(kept)).json().Questions).toEqual([{ Question: COUNTRY }, { Question: CITY }]);

    const unkept = (await t.connect("mfa_rounds_2+unkept")).Login.Id;
    await setStoring(false);
    await answerFirstRound(unkept);
    expect((await questions(unkept)).json().Questions).toEqual([{ Question: COUNTRY }]);
  });

  it.skipIf(skip)("settings take the secret key, not the API key or a token, and refuse an empty change", async () => {
    const withApiKey = await t.app.inject({ method: "GET", url: settingsUrl(), headers: t.apiKeyHeaders() });
    expect({ status: withApiKey.statusCode, code: withApiKey.json().FlinksCode }).toEqual({ status: 401, code: "UNAUTHORIZED" });
    const withToken = await t.app.inject({
      method: "PUT",
      url: settingsUrl(),
      headers: { "flinks-auth-key": await t.generateToken() },
      payload: { StoreMfaAnswers: false },
    });
    expect(withToken.statusCode).toBe(401);
    const empty = await t.app.inject({ method: "PUT", url: settingsUrl(), headers: secretKey(), payload: {} });
    expect(empty.json().FlinksCode).toBe("INVALID_REQUEST");
    const wrongType = await t.app.inject({
      method: "PUT",
      url: settingsUrl(),
      headers: secretKey(),
      payload: { StoreMfaAnswers: "maybe" },
    });
    expect(wrongType.json().FlinksCode).toBe("INVALID_REQUEST");
    expect((await t.app.inject({ method: "GET", url: settingsUrl(), headers: secretKey() })).json().StoreMfaAnswers).toBe(true);
  });
});

describe("the development customer's setting", () => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());

  it.each([
    [{}, true],
    [{ BANKGATE_STORE_MFA_ANSWERS: "off" }, false],
  ])("%j: answers kept = %s", async (env, kept) => {
    t = await createTestApp({ randomInt: () => 0, env });
    const loginId = (await t.connect("Greatday+dev")).Login.Id;
    const listed = await t.app.inject({ method: "GET", url: t.path(`GetMFAQuestions/${loginId}`), headers: t.apiKeyHeaders() });
    expect(listed.json().Questions).toEqual(kept ? [{ Question: CITY }] : []);
  });
});
