/**
 * The card-management endpoints of the nightly refresh (/SetScheduledRefresh to /AuthorizeMultiple
 * in docs/flinks-compatibility.md#endpoints), each with valid and bad inputs, and the nightly job's
 * edge cases: stored answers that answer the sandbox's question, a wrong stored answer, a card busy
 * with a live session, and an ineligible card. Nightly runs are started with enqueueNight (the cron
 * itself is driven by the clock in nightly-loop.test.ts) and the jobs are run by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRandomId } from "../../src/lib/ids.js";
import { createScriptedBank, registryWith, type ScriptedBank } from "../helpers/scripted-bank.js";
import { createTestApp, type TestApp, type TestCustomer } from "../helpers/test-app.js";

const NIGHT = "2026-01-16";

describe("nightly refresh endpoints", () => {
  let t: TestApp;
  let bank: ScriptedBank;
  let other: TestCustomer;
  beforeAll(async () => {
    bank = createScriptedBank();
    // Greatday's drawn question is always "What city were you born in?".
    t = await createTestApp({ connectors: registryWith(bank), runJobs: false, randomInt: () => 0 });
    other = await t.addCustomer();
  });
  afterAll(async () => {
    await t?.close();
  });

  const patch = (operation: string, payload: unknown, headers: Record<string, string> = t.apiKeyHeaders(), query = "") =>
    t.app.inject({ method: "PATCH", url: `${t.path(operation)}${query}`, payload: payload as object, headers });
  const get = (operation: string, headers: Record<string, string> = t.apiKeyHeaders()) =>
    t.app.inject({ method: "GET", url: t.path(operation), headers });
  const status = async () => (await get("GetNightlyRefreshStatus", { authorization: `Bearer ${t.customer.secretKey}` })).json();
  const scriptedCard = async (username: string, extra: Record<string, unknown> = {}) => {
    const body = { Institution: "ScriptedBank", Username: username, Password: "Everyday", MostRecentCached: false, Save: true, ...extra };
    const response = await t.authorize(body);
    expect(response.statusCode).toBe(200);
    await t.deps.runner.runUntilIdle();
    return response.json().Login.Id as string;
  };
  const nightly = async (night = NIGHT) => {
    const enqueued = await t.deps.nightly.enqueueNight(night);
    await t.deps.runner.runUntilIdle();
    return enqueued;
  };
  const card = async (loginId: string) => t.deps.storage.logins.find(t.customer.customerId, loginId);
  const expectError = (response: { statusCode: number; json(): { FlinksCode: string } }, httpStatus: number, code: string) => {
    expect({ status: response.statusCode, code: response.json().FlinksCode }).toEqual({ status: httpStatus, code });
  };

  describe("ScheduleRefresh on /Authorize", () => {
    it("is false unless asked, true on the card a session creates with it, and ignored on an existing card", async () => {
      const plain = await t.authorize({
        Institution: "ScriptedBank",
        Username: "sched-a",
        Password: "Everyday",
        MostRecentCached: false,
        Save: true,
      });
      expect(plain.json().Login.IsScheduledRefresh).toBe(false);
      const scheduled = await t.authorize({
        Institution: "ScriptedBank",
        Username: "sched-b",
        Password: "Everyday",
        MostRecentCached: false,
        Save: true,
        ScheduleRefresh: "True",
      });
      expect(scheduled.json().Login.IsScheduledRefresh).toBe(true);
      await t.deps.runner.runUntilIdle();
      const cached = await t.post("Authorize", { LoginId: scheduled.json().Login.Id, MostRecentCached: true }, t.apiKeyHeaders());
      expect(cached.json().Login.IsScheduledRefresh).toBe(true);
      const again = await t.authorize({
        Institution: "ScriptedBank",
        Username: "sched-a",
        Password: "Everyday",
        MostRecentCached: false,
        Save: true,
        ScheduleRefresh: true,
      });
      expect(again.json().Login.IsScheduledRefresh).toBe(false);
      await t.deps.runner.runUntilIdle();
    });
  });

  describe("PATCH /SetScheduledRefresh", () => {
    it("activates and deactivates with a bare JSON string, as the body, the C# strings or the Ruby query string", async () => {
      const loginId = await scriptedCard("ssr-1");
      const on = await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: true });
      expect(on.statusCode).toBe(200);
      expect(on.headers["content-type"]).toContain("application/json");
      expect(on.json()).toBe(`LoginId ${loginId} has now been activated for automatic refresh`);
      expect((await card(loginId))?.isScheduledRefresh).toBe(true);

      const off = await patch("SetScheduledRefresh", { loginId, isActivated: "false" });
      expect(off.json()).toBe(`LoginId ${loginId} has now been deactivated for automatic refresh`);
      expect((await card(loginId))?.isScheduledRefresh).toBe(false);

      const ruby = await patch("SetScheduledRefresh", {}, t.apiKeyHeaders(), `?login_id=${loginId}&is_activated=true`);
      expect(ruby.json()).toBe(`LoginId ${loginId} has now been activated for automatic refresh`);
      const cached = await t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, t.apiKeyHeaders());
      expect(cached.json().Login.IsScheduledRefresh).toBe(true);
    });

    it("answers catalogued errors for bad input, unknown cards and callers that may not manage cards", async () => {
      const loginId = await scriptedCard("ssr-2");
      expectError(await patch("SetScheduledRefresh", { IsActivated: true }), 400, "INVALID_REQUEST");
      expectError(await patch("SetScheduledRefresh", { LoginId: loginId }), 400, "INVALID_REQUEST");
      expectError(await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: "maybe" }), 400, "INVALID_REQUEST");
      expectError(await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: 1 }), 400, "INVALID_REQUEST");
      expectError(await patch("SetScheduledRefresh", [loginId]), 400, "INVALID_REQUEST");
      expectError(
        await patch("SetScheduledRefresh", {}, t.apiKeyHeaders(), `?login_id=${loginId}&is_activated=yes`),
        400,
        "INVALID_REQUEST",
      );
      expectError(await patch("SetScheduledRefresh", { LoginId: "not-a-guid", IsActivated: true }), 401, "INVALID_LOGIN");
      expectError(await patch("SetScheduledRefresh", { LoginId: newRandomId(), IsActivated: true }), 401, "INVALID_LOGIN");
      expectError(
        await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: true }, t.apiKeyHeaders(other)),
        401,
        "ACCESS_DENIED",
      );
      const foreign = t.app.inject({
        method: "PATCH",
        url: t.path("SetScheduledRefresh", other.customerId),
        payload: { LoginId: loginId, IsActivated: true },
        headers: t.apiKeyHeaders(other),
      });
      expectError(await foreign, 401, "INVALID_LOGIN");
      expectError(await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: true }, {}), 401, "ACCESS_DENIED");
      const token = { "flinks-auth-key": await t.generateToken() };
      expectError(await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: true }, token), 401, "ACCESS_DENIED");
      expect((await card(loginId))?.isScheduledRefresh).toBe(false);
    });

    it("schedules a card without saved credentials too (GetNightlyRefreshStatus then lists it: test/api/nightly-without-credentials.test.ts)", async () => {
      const unsaved = await t.authorize({
        Institution: "ScriptedBank",
        Username: "ssr-3",
        Password: "Everyday",
        MostRecentCached: false,
        Save: false,
      });
      const loginId = unsaved.json().Login.Id as string;
      await t.deps.runner.runUntilIdle();
      const accepted = await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: true });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toBe(`LoginId ${loginId} has now been activated for automatic refresh`);
      expect((await patch("SetScheduledRefresh", { LoginId: loginId, IsActivated: false })).statusCode).toBe(200);
    });
  });

  describe("GET /GetNightlyRefreshStatus", () => {
    it("wants the secret key as a Bearer token, and nothing else", async () => {
      const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
      expectError(await get("GetNightlyRefreshStatus", {}), 401, "ACCESS_DENIED");
      expectError(await get("GetNightlyRefreshStatus", bearer(t.customer.apiKey)), 401, "ACCESS_DENIED");
      expectError(await get("GetNightlyRefreshStatus", { "flinks-auth-key": t.customer.secretKey }), 401, "ACCESS_DENIED");
      expectError(await get("GetNightlyRefreshStatus", bearer(other.secretKey)), 401, "ACCESS_DENIED");
      expectError(await get("GetNightlyRefreshStatus", bearer("")), 401, "ACCESS_DENIED");
      const otherStatus = await t.app.inject({
        method: "GET",
        url: t.path("GetNightlyRefreshStatus", other.customerId),
        headers: bearer(other.secretKey),
      });
      expect(otherStatus.json()).toEqual({ HttpStatusCode: 200, IneligibleCards: [] });
    });
  });

  describe("stored MFA answers", () => {
    it("AnswerMFAQuestions stores answers GetMFAQuestions lists (never the answers), and the nightly refresh uses them", async () => {
      const connected = await t.connect("Greatday+stored", { ScheduleRefresh: true });
      const loginId = connected.Login.Id;
      await t.deps.runner.runUntilIdle();
      // The live login's accepted answer is kept already (stored answers are on by default).
      const afterLogin = await get(`GetMFAQuestions/${loginId}`);
      expect(afterLogin.json()).toEqual({
        HttpStatusCode: 200,
        Message: "SUCCESS",
        Questions: [{ Question: "What city were you born in?" }],
      });

      const answers = [
        { Question: "What city were you born in?", Answer: "Montreal" },
        { Question: "What is the best country on earth?", Answer: "Canada" },
      ];
      const stored = await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: answers });
      expect(stored.json()).toEqual({ HttpStatusCode: 200, Message: "Answers updated" });
      const listed = await get(`GetMFAQuestions/${loginId}`);
      expect(listed.json().Questions).toEqual(answers.map(({ Question }) => ({ Question })));
      expect(listed.body).not.toContain("Montreal");

      t.clock.advanceSeconds(3600);
      expect(await nightly()).toBeGreaterThanOrEqual(1);
      const refreshed = await card(loginId);
      expect(refreshed).toMatchObject({ refreshState: "Completed", lastRefreshError: null, nightlyNight: NIGHT });
      expect(refreshed?.lastRefreshAt?.getTime()).toBe(t.clock.now().getTime());
      expect((await status()).IneligibleCards).toEqual([]);
    });

    it("a wrong stored answer fails the refresh without holding the card: the user's reconnect gets its 203", async () => {
      const connected = await t.connect("Greatday+wrong", { ScheduleRefresh: true });
      const loginId = connected.Login.Id;
      await t.deps.runner.runUntilIdle();
      await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: [{ Question: "What city were you born in?", Answer: "Paris" }] });
      await nightly("2026-01-17");
      expect(await card(loginId)).toMatchObject({
        refreshState: "AnsweringSecurityChallenge",
        lastRefreshError: "INVALID_SECURITY_RESPONSE",
      });
      expect((await status()).IneligibleCards).toContainEqual(
        expect.objectContaining({ LoginId: loginId, LastRefreshErrorCode: "INVALID_SECURITY_RESPONSE" }),
      );
      const reconnect = await t.post("Authorize", { LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders());
      expect(reconnect.statusCode).toBe(203);
    });

    it("AnswerMFAQuestions and GetMFAQuestions answer catalogued errors for bad input", async () => {
      const loginId = await scriptedCard("mfa-bad");
      const question = { Question: "Q?", Answer: "A" };
      expectError(await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: [] }), 400, "INVALID_REQUEST");
      expectError(await patch("AnswerMFAQuestions", { LoginId: loginId }), 400, "INVALID_REQUEST");
      expectError(await patch("AnswerMFAQuestions", { Questions: [question] }), 400, "INVALID_REQUEST");
      expectError(await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: [{ Question: "Q?" }] }), 400, "INVALID_REQUEST");
      expectError(
        await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: [{ Question: "", Answer: "A" }] }),
        400,
        "INVALID_REQUEST",
      );
      expectError(
        await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: [{ ...question, Answer: "x".repeat(1025) }] }),
        400,
        "INVALID_REQUEST",
      );
      expectError(await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: "Q?" }), 400, "INVALID_REQUEST");
      expectError(await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: Array(51).fill(question) }), 400, "INVALID_REQUEST");
      expectError(await patch("AnswerMFAQuestions", { LoginId: newRandomId(), Questions: [question] }), 401, "INVALID_LOGIN");
      expectError(await patch("AnswerMFAQuestions", { LoginId: "nope", Questions: [question] }), 401, "INVALID_LOGIN");
      const token = { "flinks-auth-key": await t.generateToken() };
      expectError(await patch("AnswerMFAQuestions", { LoginId: loginId, Questions: [question] }, token), 401, "ACCESS_DENIED");
      expectError(await get(`GetMFAQuestions/${newRandomId()}`), 401, "INVALID_LOGIN");
      expectError(await get("GetMFAQuestions/%20nope"), 401, "INVALID_LOGIN");
      expectError(await get(`GetMFAQuestions/${loginId}`, {}), 401, "ACCESS_DENIED");
      expect((await get(`GetMFAQuestions/${loginId}`)).json().Questions).toEqual([]);
    });
  });

  describe("the nightly job", () => {
    it("skips a card whose user is connecting it right now, and leaves that session alone", async () => {
      const loginId = await scriptedCard("busy", { ScheduleRefresh: true });
      bank.question = { prompt: "Favourite colour?", answer: "Blue" };
      try {
        const live = await t.post("Authorize", { LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders());
        expect(live.statusCode).toBe(203);
        const logins = bank.loginsOf("busy");
        await nightly("2026-01-18");
        expect(bank.loginsOf("busy")).toBe(logins);
        const answered = await t.post(
          "Authorize",
          { RequestId: live.json().RequestId, SecurityResponses: { "Favourite colour?": ["Blue"] } },
          t.apiKeyHeaders(),
        );
        expect(answered.statusCode).toBe(200);
      } finally {
        bank.question = null;
      }
    });

    it("leaves out cards that are not scheduled, not refreshed for 7 days, or need their user; the status lists the scheduled ones", async () => {
      const stale = await scriptedCard("stale", { ScheduleRefresh: true });
      const unscheduled = await scriptedCard("unscheduled");
      t.clock.advanceSeconds(8 * 86_400);
      const logins = bank.logins;
      await nightly("2026-01-25");
      expect((await card(stale))?.nightlyNight).toBeNull();
      expect((await card(unscheduled))?.nightlyNight).toBeNull();
      const listed = (await status()).IneligibleCards as Array<{ LoginId: string }>;
      expect(listed).toContainEqual({
        LoginId: stale,
        LastRefreshDate: expect.stringMatching(/^2026-01-1\dT/),
        LastRefreshState: "Completed",
        LastRefreshErrorCode: null,
      });
      expect(listed.map((c) => c.LoginId)).not.toContain(unscheduled);
      expect(bank.logins).toBe(logins);
    });
  });

  describe("POST /AuthorizeMultiple", () => {
    it("opens one cached session per known card and lists the others as invalid", async () => {
      const a = await scriptedCard("multi-a");
      const b = await scriptedCard("multi-b");
      const unknown = newRandomId();
      const response = await t.post(
        "AuthorizeMultiple",
        { LoginIds: [a, b.toUpperCase(), unknown, "garbage"], MostRecentCached: true },
        t.apiKeyHeaders(),
      );
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.ValidLoginIds.map((v: { LoginId: string }) => v.LoginId)).toEqual([a, b]);
      expect(body.InvalidLoginIds).toEqual([{ LoginId: unknown }, { LoginId: "garbage" }]);
      for (const { RequestId } of body.ValidLoginIds) {
        const data = await t.post("GetAccountsSummary", { RequestId }, t.apiKeyHeaders());
        expect(data.statusCode).toBe(200);
      }
      const foreign = await t.post("AuthorizeMultiple", { LoginIds: [a] }, t.apiKeyHeaders());
      expect(foreign.json().ValidLoginIds).toHaveLength(1);
    });

    it("answers catalogued errors for bad input and token callers", async () => {
      const a = await scriptedCard("multi-c");
      const api = t.apiKeyHeaders();
      expectError(await t.post("AuthorizeMultiple", { LoginIds: [] }, api), 400, "INVALID_REQUEST");
      expectError(await t.post("AuthorizeMultiple", {}, api), 400, "INVALID_REQUEST");
      expectError(await t.post("AuthorizeMultiple", { LoginIds: a }, api), 400, "INVALID_REQUEST");
      expectError(await t.post("AuthorizeMultiple", { LoginIds: Array(101).fill(a) }, api), 400, "INVALID_REQUEST");
      expectError(await t.post("AuthorizeMultiple", { LoginIds: [a], MostRecentCached: false }, api), 400, "INVALID_REQUEST");
      expectError(
        await t.post("AuthorizeMultiple", { LoginIds: [a] }, { "flinks-auth-key": await t.generateToken() }),
        401,
        "ACCESS_DENIED",
      );
      expectError(await t.post("AuthorizeMultiple", { LoginIds: [a] }, {}), 401, "ACCESS_DENIED");
      const otherCustomer = await t.app.inject({
        method: "POST",
        url: t.path("AuthorizeMultiple", other.customerId),
        payload: { LoginIds: [a] },
        headers: t.apiKeyHeaders(other),
      });
      expect(otherCustomer.json()).toEqual({ HttpStatusCode: 200, ValidLoginIds: [], InvalidLoginIds: [{ LoginId: a }] });
    });
  });
});
