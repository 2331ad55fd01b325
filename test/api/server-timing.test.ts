import { performance } from "node:perf_hooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGatedBank, type GatedBank } from "../helpers/gated-bank.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * /Authorize answers say how long the institution took and what bankgate added
 * (`Server-Timing: institution;dur=…, bankgate;dur=…`, docs/observability.md): the bank's time
 * is the connector calls made for this request, and nothing else's.
 */
const CITY = "What city were you born in?";

function timingOf(header: unknown): { institution: number; bankgate: number } {
  const match = /^institution;dur=(\d+\.\d), bankgate;dur=(\d+\.\d)$/.exec(String(header));
  if (!match) throw new Error(`no Server-Timing of the expected form: ${String(header)}`);
  return { institution: Number(match[1]), bankgate: Number(match[2]) };
}

describe("Server-Timing on /Authorize", () => {
  let t: TestApp;
  let bank: GatedBank;
  beforeEach(async () => {
    bank = createGatedBank();
    // randomInt 0: the bank asks the city question.
    t = await createTestApp({ connectors: bank.registry, randomInt: () => 0 });
  });
  afterEach(() => t?.close());

  it("a live step counts the time the request spent at the bank as the institution's", async () => {
    const gate = bank.hold("start");
    const asked = t.post(
      "Authorize",
      { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true },
      t.apiKeyHeaders(),
    );
    await gate.entered;
    const heldFrom = performance.now();
    // The bank is held here for a while; the header's institution time must cover it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const held = performance.now() - heldFrom;
    gate.release();
    const response = await asked;
    expect(response.statusCode).toBe(203);
    const timing = timingOf(response.headers["server-timing"]);
    expect(timing.institution).toBeGreaterThanOrEqual(Math.floor(held * 10) / 10);

    const answered = await t.post(
      "Authorize",
      { RequestId: response.json().RequestId, SecurityResponses: { [CITY]: ["Montreal"] } },
      t.apiKeyHeaders(),
    );
    expect(answered.statusCode).toBe(200);
    expect(timingOf(answered.headers["server-timing"]).institution).toBeGreaterThan(0);
    expect(bank.calls.answer).toBe(1);
  });

  it("a cached /Authorize never reaches the bank: the institution's time is zero", async () => {
    const loginId = (await t.connect("Greatday")).Login.Id;
    // The card's aggregation (the bank's fetchData) runs after the answer's 200: let it finish.
    await t.deps.runner.runUntilIdle();
    const callsBefore = { ...bank.calls };
    const cached = await t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, t.apiKeyHeaders());
    expect(cached.statusCode).toBe(200);
    expect(bank.calls).toEqual(callsBefore);
    expect(timingOf(cached.headers["server-timing"]).institution).toBe(0);
  });

  it("an error answer is timed too; the data endpoints carry no Server-Timing", async () => {
    const unknown = await t.post("Authorize", { RequestId: crypto.randomUUID() }, t.apiKeyHeaders());
    expect(unknown.json().FlinksCode).toBe("SESSION_NONEXISTENT");
    expect(timingOf(unknown.headers["server-timing"]).institution).toBe(0);
    const detail = await t.post("GetAccountsDetail", { RequestId: crypto.randomUUID() }, t.apiKeyHeaders());
    expect(detail.headers["server-timing"]).toBeUndefined();
  });
});
