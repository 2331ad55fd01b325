/**
 * More simultaneous correct logins of one username than the brute-force allowance (5): none
 * gets TOO_MANY_REQUESTS, since only wrong attempts count (docs/decisions.md, Security). The
 * limiter still lets at most 5 attempts be at the bank at once (so 50 wrong guesses in
 * parallel still lock after 5, test/api/brute-force.test.ts); the others wait for a slot.
 *
 * The bank holds the first five logins until five more requests wait for a slot (each waits
 * on the test's clock, which tells how many sleep on it): without the wait, those five would
 * have been refused instead.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import { createTestApp, flinksCapital, type TestApp } from "../helpers/test-app.js";

const ALLOWANCE = 5;
const LOGINS = 2 * ALLOWANCE;

/** FlinksCapital, whose first `held` logins wait at the bank until `release()`. */
function holdingBank(held: number) {
  const bank = flinksCapital();
  let arrived = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let allArrived: () => void = () => {};
  const arrivedAll = new Promise<void>((resolve) => {
    allArrived = resolve;
  });
  const holding = {
    ...bank,
    start: async (...args: Parameters<typeof bank.start>) => {
      arrived++;
      if (arrived <= held) {
        if (arrived === held) allArrived();
        await released;
      }
      return bank.start(...args);
    },
  };
  return { registry: new ConnectorRegistry([holding]), arrivedAll, release, calls: () => arrived };
}

describe("simultaneous correct logins of one username", () => {
  let t: TestApp;
  afterEach(() => t.close());

  it(`lets ${LOGINS} through where the allowance is ${ALLOWANCE}: the later ones wait for a slot, none is refused`, async () => {
    const bank = holdingBank(ALLOWANCE);
    t = await createTestApp({ randomInt: () => 0, connectors: bank.registry });
    const logins = Array.from({ length: LOGINS }, () =>
      t.post(
        "Authorize",
        { Institution: "FlinksCapital", Username: "Greatday+together", Password: "Everyday", MostRecentCached: false },
        t.apiKeyHeaders(),
      ),
    );
    await bank.arrivedAll;
    // The five others reached the limiter while five attempts are at the bank: they wait on the clock.
    await t.clock.whenSleeping(LOGINS - ALLOWANCE);
    expect(bank.calls()).toBe(ALLOWANCE);
    bank.release();

    const answers = await Promise.all(logins);
    expect(answers.map((a) => a.json().FlinksCode ?? a.statusCode)).not.toContain("TOO_MANY_REQUESTS");
    expect(answers.map((a) => a.statusCode)).toEqual(Array(LOGINS).fill(203));
    expect(bank.calls()).toBe(LOGINS);
  });
});
