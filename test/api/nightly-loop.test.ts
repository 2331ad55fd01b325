/**
 * The refresh-fails → reconnect loop (docs/nightly-refresh.md), one story on the virtual clock: a scheduled
 * card refreshes nightly; the bank starts asking a new question; the nightly refresh fails
 * with QUESTION_NOT_FOUND and the card shows in /GetNightlyRefreshStatus; the app starts a
 * Mid-Session Reconnect (/Authorize LoginId + MostRecentCached:false → 203), the user answers
 * (the widget's own HTTP calls), the card is healthy again, and the next night refreshes with
 * the answer kept from the reconnect. The cron is the real one, woken by the control plane's
 * /advance; jobs are run by the test (runUntilIdle) so each step is complete when asserted.
 */
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedBank, registryWith, type ScriptedBank } from "../helpers/scripted-bank.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const CARD = { Institution: "ScriptedBank", Username: "loop-user", Password: "Everyday", MostRecentCached: false, Save: true };
const QUESTION = { prompt: "What was the name of your first pet?", answer: "Rex" };
const WEBHOOK_SECRET = "loop-webhook-secret-0123456789";

describe.each(["sqlite", "postgres"] as const)("nightly refresh loop (%s)", (store) => {
  let t: TestApp;
  let bank: ScriptedBank;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    bank = createScriptedBank();
    receiver = await WebhookReceiver.start();
    t = await createTestApp({
      store,
      connectors: registryWith(bank),
      runJobs: false,
      env: { BANKGATE_STORE_MFA_ANSWERS: "on", BANKGATE_WEBHOOK_URL: receiver.url, BANKGATE_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    t.deps.nightly.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** RefreshFailed webhooks received, their signatures checked with node:crypto directly. */
  const refreshFailures = () =>
    receiver
      .accepted()
      .filter((hook) => hook.headers["bankgate-event-type"] === "RefreshFailed")
      .map((hook) => {
        const expected = createHmac("sha256", WEBHOOK_SECRET).update(hook.rawBody).digest("base64");
        expect(hook.headers["flinks-authenticity-key"]).toBe(expected);
        return hook.body;
      });

  const secretBearer = () => ({ authorization: `Bearer ${t.customer.secretKey}` });
  const status = async () => {
    const response = await t.app.inject({ method: "GET", url: t.path("GetNightlyRefreshStatus"), headers: secretBearer() });
    expect(response.statusCode).toBe(200);
    return response.json().IneligibleCards as Array<Record<string, unknown>>;
  };
  const cached = (loginId: string) => t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, t.apiKeyHeaders());
  /** Moves virtual time to the next nightly run (05:00 UTC) through the control plane, waits for the cron, runs the jobs. */
  const nextNight = async () => {
    const now = new Date(
      (
        await t.app.inject({
          method: "GET",
          url: `/sandbox/v1/${t.customer.customerId}/clock`,
          headers: { "flinks-auth-key": t.customer.secretKey },
        })
      ).json().now,
    );
    const fiveAm = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 5, 0);
    const runAt = fiveAm > now.getTime() ? fiveAm : fiveAm + 86_400_000;
    const ran = once(t.deps.nightly.events, "ran");
    const advanced = await t.app.inject({
      method: "POST",
      url: `/sandbox/v1/${t.customer.customerId}/clock/advance`,
      headers: { "flinks-auth-key": t.customer.secretKey },
      payload: { seconds: Math.ceil((runAt - now.getTime()) / 1000) + 1 },
    });
    expect(advanced.statusCode).toBe(200);
    const [night, enqueued] = (await ran) as [string, number];
    await t.deps.runner.runUntilIdle();
    return { night, enqueued, runAt: new Date(runAt) };
  };

  it("refreshes nightly, fails on a new question, is reconnected by its user, and refreshes again", async () => {
    // Day 0: the user connects the card with ScheduleRefresh.
    const connected = await t.authorize({ ...CARD, ScheduleRefresh: true });
    expect(connected.statusCode).toBe(200);
    const loginId = connected.json().Login.Id as string;
    expect(connected.json().Login.IsScheduledRefresh).toBe(true);
    await t.deps.runner.runUntilIdle();
    expect(await status()).toEqual([]);

    // Two nights refresh fine: LastRefresh follows the runs.
    for (let n = 0; n < 2; n++) {
      const before = bank.logins;
      const { night, runAt } = await nextNight();
      expect(bank.logins).toBe(before + 1);
      const refreshed = (await cached(loginId)).json();
      expect(refreshed.Login.LastRefresh.slice(0, 16)).toBe(runAt.toISOString().slice(0, 16));
      expect(night).toBe(runAt.toISOString().slice(0, 10));
      expect(await status()).toEqual([]);
    }

    // The bank starts asking a question nobody answered yet: the nightly refresh fails.
    bank.question = QUESTION;
    const failedNight = await nextNight();
    expect(await status()).toEqual([
      {
        LoginId: loginId,
        LastRefreshDate: expect.stringMatching(new RegExp(`^${failedNight.runAt.toISOString().slice(0, 13)}`)),
        LastRefreshState: "AnsweringSecurityChallenge",
        LastRefreshErrorCode: "QUESTION_NOT_FOUND",
      },
    ]);
    const replay = await cached(loginId);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().FlinksCode).toBe("QUESTION_NOT_FOUND");
    expect(refreshFailures()).toEqual([
      expect.objectContaining({ FlinksCode: "QUESTION_NOT_FOUND", LoginId: loginId, LastRefreshErrorCode: "QUESTION_NOT_FOUND" }),
    ]);
    const questions = await t.app.inject({ method: "GET", url: t.path(`GetMFAQuestions/${loginId}`), headers: t.apiKeyHeaders() });
    expect(questions.json().Questions).toEqual([{ Question: QUESTION.prompt }]);

    // An ineligible card is not tried again the next night: the user must come back.
    const before = bank.logins;
    expect((await nextNight()).enqueued).toBe(0);
    expect(bank.logins).toBe(before);

    // Mid-Session Reconnect: the app opens a live refresh, the user answers in the widget.
    const token = await t.generateToken();
    const reconnect = await t.post("Authorize", { LoginId: loginId, MostRecentCached: false, Save: true }, { "flinks-auth-key": token });
    expect(reconnect.statusCode).toBe(203);
    expect(reconnect.json().SecurityChallenges).toEqual([{ Type: "QuestionAndAnswer", Prompt: QUESTION.prompt }]);
    const answered = await t.post(
      "Authorize",
      { RequestId: reconnect.json().RequestId, SecurityResponses: { [QUESTION.prompt]: [QUESTION.answer] } },
      { "flinks-auth-key": token },
    );
    expect(answered.statusCode).toBe(200);
    await t.deps.runner.runUntilIdle();
    expect(await status()).toEqual([]);
    expect((await cached(loginId)).statusCode).toBe(200);

    // The next night answers the question from the answer kept during the reconnect.
    const healed = await nextNight();
    expect(healed.enqueued).toBe(1);
    const after = (await cached(loginId)).json();
    expect(after.Login.LastRefresh.slice(0, 16)).toBe(healed.runAt.toISOString().slice(0, 16));
    expect(await status()).toEqual([]);
    expect(refreshFailures()).toHaveLength(1);

    // Quality bar R6 (docs/quality-bars.md): a second run of the same night enqueues and refreshes nothing.
    const logins = bank.logins;
    expect(await t.deps.nightly.enqueueNight(healed.night)).toBe(0);
    await t.deps.runner.runUntilIdle();
    expect(bank.logins).toBe(logins);
  });
});

describe.each(["sqlite", "postgres"] as const)("a card switched off after its night was enqueued (%s)", (store) => {
  let t: TestApp;
  let bank: ScriptedBank;
  beforeAll(async () => {
    bank = createScriptedBank();
    t = await createTestApp({ store, connectors: registryWith(bank), runJobs: false });
  });
  afterAll(() => t?.close());

  it("is taken for that night and never sent to the bank; switched on again, it refreshes the next night", async () => {
    const connected = await t.authorize({ ...CARD, ScheduleRefresh: true });
    const loginId = connected.json().Login.Id as string;
    await t.deps.runner.runUntilIdle();
    const schedule = (IsActivated: boolean) =>
      t.app.inject({
        method: "PATCH",
        url: t.path("SetScheduledRefresh"),
        headers: t.apiKeyHeaders(),
        payload: { LoginId: loginId, IsActivated },
      });

    t.clock.advanceSeconds(3600);
    expect(await t.deps.nightly.enqueueNight("2026-01-16")).toBe(1);
    expect((await schedule(false)).statusCode).toBe(200);
    const logins = bank.logins;
    await t.deps.runner.runUntilIdle();
    expect(bank.logins).toBe(logins);
    const card = await t.deps.storage.logins.find(t.customer.customerId, loginId);
    expect(card?.lastRefreshAt?.getTime()).toBeLessThan(t.clock.now().getTime() - 3_000_000);
    expect(card?.nightlyNight).toBe("2026-01-16");

    expect((await schedule(true)).statusCode).toBe(200);
    expect(await t.deps.nightly.enqueueNight("2026-01-16")).toBe(0);
    t.clock.advanceSeconds(86_400);
    expect(await t.deps.nightly.enqueueNight("2026-01-17")).toBe(1);
    await t.deps.runner.runUntilIdle();
    expect(bank.logins).toBe(logins + 1);
    expect((await t.deps.storage.logins.find(t.customer.customerId, loginId))?.lastRefreshAt).toEqual(t.clock.now());
  });
});
