/**
 * A nightly refresh whose login succeeds but whose aggregation fails for good: the card records
 * AGGREGATION_ERROR at state Aggregating, is listed by GetNightlyRefreshStatus, and —
 * AGGREGATION_ERROR being a bank-side error (Flinks' nightly refresh page lists it among the errors
 * that keep a card eligible: https://docs.flinks.com/guides/connect/nightly-refresh) — stays
 * eligible: the next night tries again and succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedBank, registryWith, type ScriptedBank } from "../helpers/scripted-bank.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("nightly refresh with a failing aggregation", () => {
  let t: TestApp;
  let bank: ScriptedBank;
  beforeAll(async () => {
    bank = createScriptedBank();
    t = await createTestApp({ connectors: registryWith(bank), runJobs: false, env: { BANKGATE_JOB_MAX_ATTEMPTS: "1" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("records AGGREGATION_ERROR at Aggregating, lists the card, and refreshes it the next night", async () => {
    const body = { Institution: "ScriptedBank", Username: "agg", Password: "Everyday", MostRecentCached: false, Save: true };
    const loginId = (await t.authorize({ ...body, ScheduleRefresh: true })).json().Login.Id as string;
    await t.deps.runner.runUntilIdle();
    const status = async () =>
      (
        await t.app.inject({
          method: "GET",
          url: t.path("GetNightlyRefreshStatus"),
          headers: { authorization: `Bearer ${t.customer.secretKey}` },
        })
      ).json().IneligibleCards;

    bank.failData = true;
    t.clock.set(new Date("2026-01-16T05:00:00.000Z"));
    expect(await t.deps.nightly.enqueueNight("2026-01-16")).toBe(1);
    await t.deps.runner.runUntilIdle();
    expect(await status()).toEqual([
      {
        LoginId: loginId,
        LastRefreshDate: "2026-01-16T05:00:00.0000000",
        LastRefreshState: "Aggregating",
        LastRefreshErrorCode: "AGGREGATION_ERROR",
      },
    ]);

    bank.failData = false;
    t.clock.set(new Date("2026-01-17T05:00:00.000Z"));
    expect(await t.deps.nightly.enqueueNight("2026-01-17")).toBe(1);
    await t.deps.runner.runUntilIdle();
    expect(await status()).toEqual([]);
    const cached = await t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, t.apiKeyHeaders());
    expect(cached.json().Login.LastRefresh).toBe("2026-01-17T05:00:00.0000000");
  });
});
