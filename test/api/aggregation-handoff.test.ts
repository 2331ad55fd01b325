/**
 * A login's aggregation handed to this process's runner (docs/decisions.md, "A login's
 * aggregation is handed to this process's runner, already claimed") starts from what the
 * login's commit had in hand: it reads the card no more and opens the sealed connector state
 * no more. Claimed back from the store instead (no runner was taking jobs when the login
 * committed), it reads and opens them. The data is the same either way.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CardSecrets } from "../../src/logins/card-secrets.js";
import type { Session } from "../../src/records/session.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const NO_MFA = { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false, Save: true };

describe("a login's aggregation", () => {
  let t: TestApp;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  /** A login, its aggregation, and what the aggregation opened and read for the login's session and card. */
  async function loginAndAggregate(handedToRunner: boolean) {
    t = await createTestApp({ runJobs: handedToRunner });
    const opened = vi.spyOn(CardSecrets.prototype, "openConnectorState");
    const found = vi.spyOn(t.deps.storage.logins, "find");
    const login = await t.authorize(NO_MFA);
    expect(login.statusCode, login.body).toBe(200);
    const { RequestId, Login } = login.json();
    if (!handedToRunner) await t.deps.runner.runUntilIdle();
    // A data call waits for a running aggregation: its 200 comes once the snapshot is in.
    const data = await t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders());
    expect(data.statusCode, data.body).toBe(200);
    return {
      accounts: data.json().Accounts.map((account: { Id: string; Balance: unknown }) => [account.Id, account.Balance]),
      stateOpenings: opened.mock.calls.filter(([session]: [Session]) => session.requestId === RequestId).length,
      cardReads: found.mock.calls.filter(([, loginId]) => loginId === Login.Id).length,
    };
  }

  it("handed to this process's runner, neither reads the card again nor opens the session's connector state", async () => {
    const handed = await loginAndAggregate(true);
    expect(handed.accounts).toHaveLength(4);
    expect(handed.stateOpenings).toBe(0);
    expect(handed.cardReads).toBe(0);
  });

  it("claimed from the store, reads the card and opens the state, and publishes the same data", async () => {
    const handed = await loginAndAggregate(true);
    vi.restoreAllMocks();
    await t.close();
    const claimed = await loginAndAggregate(false);
    expect(claimed.stateOpenings).toBe(1);
    expect(claimed.cardReads).toBe(1);
    expect(claimed.accounts.map(([, balance]: [string, unknown]) => balance)).toEqual(
      handed.accounts.map(([, balance]: [string, unknown]) => balance),
    );
  });
});
