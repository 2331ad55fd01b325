import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

/**
 * The catalogue rows that need the bank to remember its user between logins (docs/sandbox.md):
 * locks, a changed password, flaky and slow banks, a trusted device, data that changes after
 * a refresh. Every login goes through /Authorize like an integrator's would.
 */
describe("sandbox users the bank remembers", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const login = async (Username: string, Password = "Everyday", Institution = "FlinksCapital") => {
    const response = await t.authorize({ Institution, Username, Password, MostRecentCached: false, Save: true });
    return { status: response.statusCode, body: response.json() };
  };
  const refresh = async (LoginId: string) => {
    const response = await t.post("Authorize", { LoginId, MostRecentCached: false, Save: true }, t.apiKeyHeaders());
    return { status: response.statusCode, body: response.json() };
  };
  const answer = async (RequestId: string, SecurityResponses: Record<string, string[]>) => {
    const response = await t.post("Authorize", { RequestId, SecurityResponses }, t.apiKeyHeaders());
    return { status: response.statusCode, body: response.json() };
  };
  const answerRight = (body: { RequestId: string; SecurityChallenges: Array<{ Prompt: string }> }) =>
    answer(body.RequestId, Object.fromEntries(body.SecurityChallenges.map((c) => [c.Prompt, [SANDBOX_ANSWERS[c.Prompt] ?? "?"]])));
  const accounts = async (RequestId: string) => {
    const response = await t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders());
    expect(response.statusCode).toBe(200);
    return response.json().Accounts as Array<{
      Id: string;
      Title: string;
      Transactions: Array<{ Id: string; Description: string; Debit: number | null }>;
    }>;
  };

  it("mfa_rounds_5: five QuestionAndAnswer rounds on one RequestId, then 200", async () => {
    let step = await login("mfa_rounds_5");
    const requestId = step.body.RequestId;
    for (let round = 1; round <= 5; round++) {
      expect(step.status, `round ${round}`).toBe(203);
      expect(step.body.RequestId).toBe(requestId);
      step = await answerRight(step.body);
    }
    expect(step.status).toBe(200);
  });

  it("mfa_lock_2: the bank locks the login after two wrong answers, across sessions", async () => {
    const first = await login("mfa_lock_2");
    const prompt = first.body.SecurityChallenges[0].Prompt;
    expect((await answer(first.body.RequestId, { [prompt]: ["Paris"] })).body.FlinksCode).toBe("INVALID_SECURITY_RESPONSE");
    const second = await login("mfa_lock_2");
    const locked = await answer(second.body.RequestId, { [prompt]: ["Lyon"] });
    expect(locked.status).toBe(401);
    expect(locked.body.FlinksCode).toBe("DISABLED_LOGIN");
    const afterwards = await login("mfa_lock_2");
    expect(afterwards.body.FlinksCode).toBe("DISABLED_LOGIN");
  });

  it("mfa_lock_3: a right answer before the limit clears the count", async () => {
    for (let session = 0; session < 3; session++) {
      const first = await login("mfa_lock_3");
      const prompt = first.body.SecurityChallenges[0].Prompt;
      expect((await answer(first.body.RequestId, { [prompt]: ["Paris"] })).body.FlinksCode).toBe("INVALID_SECURITY_RESPONSE");
      expect((await answer(first.body.RequestId, { [prompt]: ["Montreal"] })).status).toBe(200);
    }
  });

  it("password_changed: after the first login the old password is refused and the LoginId survives the new one", async () => {
    const first = await login("password_changed");
    expect(first.status).toBe(200);
    const loginId = first.body.Login.Id;
    await accounts(first.body.RequestId);
    const stale = await refresh(loginId);
    expect(stale.status).toBe(401);
    expect(stale.body.FlinksCode).toBe("INVALID_PASSWORD");
    expect((await login("password_changed", "Everyday")).body.FlinksCode).toBe("INVALID_PASSWORD");
    const renewed = await login("password_changed", "Everyday2");
    expect(renewed.status).toBe(200);
    expect(renewed.body.Login.Id).toBe(loginId);
    await accounts(renewed.body.RequestId);
    expect((await refresh(loginId)).status).toBe(200);
  });

  it("test_flaky_2: RETRY_LATER twice, then in", async () => {
    expect((await login("test_flaky_2")).body.FlinksCode).toBe("RETRY_LATER");
    expect((await login("test_flaky_2")).body.FlinksCode).toBe("RETRY_LATER");
    expect((await login("test_flaky_2")).status).toBe(200);
    expect((await login("test_flaky_2")).status).toBe(200);
  });

  it("test_slow: the login answers only once the bank's latency has passed on the virtual clock", async () => {
    let settled = false;
    const pending = login("test_slow").finally(() => {
      settled = true;
    });
    await t.clock.whenSleeping(1);
    t.clock.advanceSeconds(4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    t.clock.advanceSeconds(1);
    expect((await pending).status).toBe(200);
  });

  it("trusted_device: MFA on the first login only, and again after the card is reset", async () => {
    const first = await login("trusted_device");
    expect(first.status).toBe(203);
    const done = await answerRight(first.body);
    const loginId = done.body.Login.Id;
    await accounts(done.body.RequestId);
    const trusted = await refresh(loginId);
    expect(trusted.status).toBe(200);
    await accounts(trusted.body.RequestId);
    const reset = await t.app.inject({
      method: "POST",
      url: `/sandbox/v1/${t.customer.customerId}/cards/${loginId}/reset`,
      headers: { "flinks-auth-key": t.customer.secretKey },
    });
    expect(reset.statusCode).toBe(200);
    const asked = await refresh(loginId);
    expect(asked.status).toBe(203);
    expect(asked.body.SecurityChallenges[0].Prompt).toBe("What city were you born in?");
  });

  it("new_account_after_refresh: a fifth account appears at the refresh, the first four keep their ids", async () => {
    const first = await login("new_account_after_refresh");
    const before = await accounts(first.body.RequestId);
    expect(before).toHaveLength(4);
    const again = await refresh(first.body.Login.Id);
    const after = await accounts(again.body.RequestId);
    expect(after).toHaveLength(5);
    expect(after.slice(0, 4).map((a) => a.Id)).toEqual(before.map((a) => a.Id));
    expect(after[4]?.Title).toBe("High Interest Savings");
  });

  it("pending_posts: a pending card transaction posts at the refresh with the tip added, same TransactionId", async () => {
    const first = await login("pending_posts");
    const pendingCard = (await accounts(first.body.RequestId)).find((a) => a.Title === "Visa Infinite");
    const pending = pendingCard?.Transactions[0];
    expect(pending).toMatchObject({ Description: "LA BANQUISE MONTREAL (PENDING)", Debit: 45 });
    const again = await refresh(first.body.Login.Id);
    const postedCard = (await accounts(again.body.RequestId)).find((a) => a.Title === "Visa Infinite");
    const posted = postedCard?.Transactions.find((tx) => tx.Id === pending?.Id);
    expect(posted).toMatchObject({ Description: "LA BANQUISE MONTREAL", Debit: 54.05 });
  });

  it.each([
    ["MapleTrust", "MultipleChoice"],
    ["LaurentideSavings", "ImageSelection"],
    ["NorthwindCreditUnion", "TextOrCall"],
    ["LibertyNational", "QuestionAndAnswer"],
  ])("%s: every user meets its %s challenge", async (institution, type) => {
    const first = await login("anyone", "Everyday", institution);
    expect(first.status).toBe(203);
    expect(first.body.Institution).toBe(institution);
    expect(first.body.SecurityChallenges[0].Type).toBe(type);
    expect((await login("anyone", "wrong", institution)).body.FlinksCode).toBe("INVALID_PASSWORD");
  });
});

describe("test_hanging", () => {
  it("answers RETRY_LATER once the connector's timeout passes; nothing hangs", async () => {
    const t = await createTestApp({ env: { BANKGATE_CONNECTOR_TIMEOUT_SECONDS: "1" } });
    try {
      const response = await t.authorize({
        Institution: "FlinksCapital",
        Username: "test_hanging",
        Password: "Everyday",
        MostRecentCached: false,
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().FlinksCode).toBe("RETRY_LATER");
    } finally {
      await t.close();
    }
  });
});
