import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * SetScheduledRefresh accepts a card saved without credentials, as Flinks does; such a card
 * can never be refreshed, so GetNightlyRefreshStatus lists it as ineligible with its reason
 * (https://docs.flinks.com/api/connect/endpoints/account-linking/get-nightly-refresh-status:
 * "a response that details why the account is ineligible"), until it is connected again with
 * Save. Every LastRefreshErrorCode there is the FlinksCode the other answers use.
 */
const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";
const NO_MFA = { Institution: "FlinksCapital", Password: "Everyday", MostRecentCached: false };

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("nightly refresh of cards without saved credentials ($store)", ({ store, skip }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (!skip) t = await createTestApp({ store, randomInt: () => 0, runJobs: false });
  });
  afterEach(() => t?.close());

  const schedule = (LoginId: string, IsActivated = true) =>
    t.app.inject({ method: "PATCH", url: t.path("SetScheduledRefresh"), headers: t.apiKeyHeaders(), payload: { LoginId, IsActivated } });
  const status = async () =>
    (
      await t.app.inject({
        method: "GET",
        url: t.path("GetNightlyRefreshStatus"),
        headers: { authorization: `Bearer ${t.customer.secretKey}` },
      })
    ).json();

  it.skipIf(skip)("accepts the setting, lists the card with its reason, and never calls the bank for it", async () => {
    const unsaved = await t.post("Authorize", { ...NO_MFA, Username: "greatday_nomfa+unsaved", Save: false }, t.apiKeyHeaders());
    const loginId = unsaved.json().Login.Id as string;
    const saved = (await t.post("Authorize", { ...NO_MFA, Username: "greatday_nomfa+saved", Save: true }, t.apiKeyHeaders())).json();
    await t.deps.runner.runUntilIdle();

    const accepted = await schedule(loginId);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toBe(`LoginId ${loginId} has now been activated for automatic refresh`);
    expect((await schedule(saved.Login.Id)).statusCode).toBe(200);
    const cached = await t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, t.apiKeyHeaders());
    expect(cached.json().Login.IsScheduledRefresh).toBe(true);

    expect(await status()).toEqual({
      HttpStatusCode: 200,
      IneligibleCards: [
        {
          LoginId: loginId,
          LastRefreshDate: cached.json().Login.LastRefresh,
          LastRefreshState: "Authenticating",
          LastRefreshErrorCode: "INVALID_LOGIN",
        },
      ],
    });
    // Only the saved card is refreshed.
    t.clock.advanceSeconds(3600);
    expect(await t.deps.nightly.enqueueNight("2026-01-16")).toBe(1);
    await t.deps.runner.runUntilIdle();
    expect((await t.deps.storage.logins.find(t.customer.customerId, loginId))?.nightlyNight).toBeNull();
    expect((await status()).IneligibleCards.map((c: { LoginId: string }) => c.LoginId)).toEqual([loginId]);
  });

  it.skipIf(skip)("drops the card from the list once it is connected again with Save", async () => {
    const first = await t.post("Authorize", { ...NO_MFA, Username: "greatday_nomfa+later", Save: false }, t.apiKeyHeaders());
    const loginId = first.json().Login.Id as string;
    await t.deps.runner.runUntilIdle();
    await schedule(loginId);
    expect((await status()).IneligibleCards).toHaveLength(1);
    const again = await t.post("Authorize", { ...NO_MFA, Username: "greatday_nomfa+later", Save: true }, t.apiKeyHeaders());
    expect(again.json().Login.Id).toBe(loginId);
    await t.deps.runner.runUntilIdle();
    expect((await status()).IneligibleCards).toEqual([]);
  });

  it.skipIf(skip)("reports a locked card with the FlinksCode other answers use (TOO_MANY_REQUESTS)", async () => {
    const loginId = (await t.post("Authorize", { ...NO_MFA, Username: "greatday_nomfa+locked", Save: true }, t.apiKeyHeaders())).json()
      .Login.Id as string;
    await t.deps.runner.runUntilIdle();
    await schedule(loginId);
    let last = "";
    for (let i = 0; i <= t.config.sessions.attemptFailuresPerWindow; i++) {
      const wrong = await t.post(
        "Authorize",
        { ...NO_MFA, Username: "greatday_nomfa+locked", Password: "nope", Save: true },
        t.apiKeyHeaders(),
      );
      last = wrong.json().FlinksCode;
    }
    expect(last).toBe("TOO_MANY_REQUESTS");
    const [entry] = (await status()).IneligibleCards;
    expect(entry).toMatchObject({ LoginId: loginId, LastRefreshErrorCode: "TOO_MANY_REQUESTS" });
  });
});
