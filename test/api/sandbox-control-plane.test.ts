import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const PET_SCRIPT = {
  name: "acme_pet_question",
  latencySeconds: 0,
  steps: [
    { challenges: [{ type: "QuestionAndAnswer", prompt: "What is your pet's name?", answers: ["Rex"] }] },
    {
      challenges: [
        { type: "MultipleChoice", prompt: "Pick your branch", iterables: ["Downtown", "Airport"], answers: ["Airport"] },
        { type: "QuestionAndAnswer", prompt: "Favourite colour?", answers: ["Blue"] },
      ],
    },
  ],
  data: { seed: "acme-1", currency: "USD" },
};

/** The sandbox control plane beyond the clock: cards, scenario scripts, the session list (docs/sandbox.md). */
describe("sandbox control plane", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const control = (method: "GET" | "PUT" | "POST", path: string, payload?: object, secret = t.customer.secretKey) =>
    t.app.inject({ method, url: `/sandbox/v1/${t.customer.customerId}${path}`, payload, headers: { "flinks-auth-key": secret } });
  const login = async (Username: string) => {
    const response = await t.authorize({
      Institution: "FlinksCapital",
      Username,
      Password: "Everyday",
      MostRecentCached: false,
      Save: true,
    });
    return { status: response.statusCode, body: response.json() };
  };
  const post = async (operation: string, body: object) => {
    const response = await t.post(operation, body, t.apiKeyHeaders());
    return { status: response.statusCode, body: response.json() };
  };
  const refresh = (LoginId: string) => post("Authorize", { LoginId, MostRecentCached: false, Save: true });

  describe("a card's next refresh", () => {
    it("asks a question the bank never asked, once; the right answer authorizes", async () => {
      const card = await login("greatday_nomfa");
      const loginId = card.body.Login.Id;
      await post("GetAccountsDetail", { RequestId: card.body.RequestId });
      const forced = await control("PUT", `/cards/${loginId}/next-refresh`, {
        outcome: "challenge",
        prompt: "What is your pet's name?",
        answer: "Rex",
      });
      expect(forced.statusCode).toBe(200);
      expect(forced.json()).toEqual({ loginId, nextRefresh: { outcome: "challenge", prompt: "What is your pet's name?", answer: "Rex" } });
      const asked = await refresh(loginId);
      expect(asked.status).toBe(203);
      expect(asked.body.SecurityChallenges).toEqual([{ Type: "QuestionAndAnswer", Prompt: "What is your pet's name?" }]);
      expect(
        (await post("Authorize", { RequestId: asked.body.RequestId, SecurityResponses: { "What is your pet's name?": ["Felix"] } })).body
          .FlinksCode,
      ).toBe("INVALID_SECURITY_RESPONSE");
      const answered = await post("Authorize", {
        RequestId: asked.body.RequestId,
        SecurityResponses: { "What is your pet's name?": ["rex"] },
      });
      expect(answered.status).toBe(200);
      await post("GetAccountsDetail", { RequestId: answered.body.RequestId });
      expect((await refresh(loginId)).status).toBe(200);
    });

    it("fails with a chosen code, once", async () => {
      const card = await login("greatday_nomfa");
      await post("GetAccountsDetail", { RequestId: card.body.RequestId });
      expect(
        (await control("PUT", `/cards/${card.body.Login.Id}/next-refresh`, { outcome: "failed", code: "RETRY_LATER" })).statusCode,
      ).toBe(200);
      const failed = await refresh(card.body.Login.Id);
      expect(failed.status).toBe(401);
      expect(failed.body.FlinksCode).toBe("RETRY_LATER");
      expect((await refresh(card.body.Login.Id)).status).toBe(200);
    });

    it("lets an MFA user in without MFA", async () => {
      const card = await t.connect("Greatday");
      await post("GetAccountsDetail", { RequestId: card.RequestId });
      await control("PUT", `/cards/${card.Login.Id}/next-refresh`, { outcome: "authorized" });
      expect((await refresh(card.Login.Id)).status).toBe(200);
    });

    it.each([
      ["no outcome", {}],
      ["an unknown outcome", { outcome: "explode" }],
      ["a failure without code", { outcome: "failed" }],
      ["a code that is not a bank's", { outcome: "failed", code: "SESSION_EXPIRED" }],
      ["a challenge without answer", { outcome: "challenge", prompt: "Pet?" }],
      ["an empty prompt", { outcome: "challenge", prompt: "", answer: "x" }],
    ])("refuses %s with 400 INVALID_REQUEST", async (_, body) => {
      const card = await login("greatday_nomfa");
      const response = await control("PUT", `/cards/${card.body.Login.Id}/next-refresh`, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().FlinksCode).toBe("INVALID_REQUEST");
    });

    it("answers INVALID_LOGIN for unknown and other customers' cards, UNAUTHORIZED without the secret key", async () => {
      const card = await login("greatday_nomfa");
      expect((await control("POST", "/cards/00000000-0000-0000-0000-000000000000/reset")).json().FlinksCode).toBe("INVALID_LOGIN");
      const other = await t.addCustomer();
      const foreign = await t.app.inject({
        method: "POST",
        url: `/sandbox/v1/${other.customerId}/cards/${card.body.Login.Id}/reset`,
        headers: { "flinks-auth-key": other.secretKey },
      });
      expect(foreign.json().FlinksCode).toBe("INVALID_LOGIN");
      const unauthorized = await control("POST", `/cards/${card.body.Login.Id}/reset`, undefined, "wrong-secret");
      expect(unauthorized.statusCode).toBe(401);
      expect(unauthorized.json().FlinksCode).toBe("UNAUTHORIZED");
    });
  });

  describe("scenario scripts", () => {
    it("round-trips a script and logs in with it: its rounds, several challenges at once, its data seed", async () => {
      const registered = await control("PUT", `/scripts/${PET_SCRIPT.name}`, PET_SCRIPT);
      expect(registered.statusCode).toBe(200);
      expect((await control("GET", `/scripts/${PET_SCRIPT.name}`)).json()).toEqual(PET_SCRIPT);

      const first = await login(PET_SCRIPT.name);
      expect(first.status).toBe(203);
      expect(first.body.SecurityChallenges).toEqual([{ Type: "QuestionAndAnswer", Prompt: "What is your pet's name?" }]);
      const second = await post("Authorize", {
        RequestId: first.body.RequestId,
        SecurityResponses: { "What is your pet's name?": ["Rex"] },
      });
      expect(second.status).toBe(203);
      expect(second.body.SecurityChallenges).toHaveLength(2);
      const done = await post("Authorize", {
        RequestId: first.body.RequestId,
        SecurityResponses: { "Pick your branch": ["Airport"], "Favourite colour?": ["blue"] },
      });
      expect(done.status).toBe(200);
      const data = await post("GetAccountsDetail", { RequestId: done.body.RequestId });
      expect(data.body.Accounts.every((a: { Currency: string }) => a.Currency === "USD")).toBe(true);

      // Same seed, another script: the same transactions (another card, so other ids).
      await control("PUT", "/scripts/acme_twin", { name: "acme_twin", steps: [], data: { seed: "acme-1" } });
      const twin = await login("acme_twin");
      expect(twin.status).toBe(200);
      const twinData = await post("GetAccountsDetail", { RequestId: twin.body.RequestId });
      const shape = (accounts: Array<{ Transactions: Array<{ Date: string; Description: string; Debit: number | null }> }>) =>
        accounts.map((a) => a.Transactions.map((tx) => [tx.Date, tx.Description, tx.Debit]));
      expect(shape(twinData.body.Accounts)).toEqual(shape(data.body.Accounts));
    });

    it("scripts a bank error after a round, and a custom password", async () => {
      await control("PUT", "/scripts/acme_error", {
        name: "acme_error",
        password: "Secret1",
        steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "Code?", answers: ["42"] }] }, { error: "DISABLED_LOGIN" }],
      });
      expect((await login("acme_error")).body.FlinksCode).toBe("INVALID_PASSWORD");
      const first = await t.authorize({
        Institution: "FlinksCapital",
        Username: "acme_error+2",
        Password: "secret1",
        MostRecentCached: false,
      });
      expect(first.statusCode).toBe(203);
      const refused = await post("Authorize", { RequestId: first.json().RequestId, SecurityResponses: { "Code?": ["42"] } });
      expect(refused.status).toBe(401);
      expect(refused.body.FlinksCode).toBe("DISABLED_LOGIN");
    });

    it.each([
      ["a catalogue name", "greatday", { name: "greatday", steps: [] }],
      ["a name unlike the path's", "acme_a", { name: "acme_b", steps: [] }],
      ["an invalid name", "Bad-Name", { name: "Bad-Name", steps: [] }],
      [
        "an unknown challenge type",
        "acme_c",
        { name: "acme_c", steps: [{ challenges: [{ type: "Captcha", prompt: "p", answers: ["a"] }] }] },
      ],
      [
        "a challenge without answers",
        "acme_d",
        { name: "acme_d", steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "p", answers: [] }] }] },
      ],
      ["an error that is not a bank's", "acme_e", { name: "acme_e", steps: [{ error: "SESSION_EXPIRED" }] }],
      ["a negative latency", "acme_f", { name: "acme_f", steps: [], latencySeconds: -1 }],
    ])("refuses %s with 400 INVALID_REQUEST, and stores nothing", async (_, name, body) => {
      const response = await control("PUT", `/scripts/${name}`, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().FlinksCode).toBe("INVALID_REQUEST");
      expect((await control("GET", `/scripts/${name}`)).statusCode).toBe(404);
    });

    it("keeps each customer's scripts to itself", async () => {
      await control("PUT", "/scripts/acme_private", { name: "acme_private", steps: [] });
      const other = await t.addCustomer();
      const read = await t.app.inject({
        method: "GET",
        url: `/sandbox/v1/${other.customerId}/scripts/acme_private`,
        headers: { "flinks-auth-key": other.secretKey },
      });
      expect(read.statusCode).toBe(404);
    });
  });

  it("lists the latest sessions, newest first, with their pending prompts and never an answer", async () => {
    const challenged = await login("mfa_rounds_2");
    t.clock.advanceSeconds(1);
    const failed = await login("test_disabled_account");
    const response = await control("GET", "/sessions?limit=10");
    expect(response.statusCode).toBe(200);
    const { sessions } = response.json();
    expect(sessions.map((s: { requestId: string }) => s.requestId)).toEqual([failed.body.RequestId, challenged.body.RequestId]);
    expect(sessions[0]).toMatchObject({ state: "failed", errorCode: "DISABLED_LOGIN" });
    expect(sessions[1]).toMatchObject({
      state: "challenged",
      pendingChallenges: [{ type: "QuestionAndAnswer", prompt: "What city were you born in?" }],
    });
    expect(response.body).not.toContain("Montreal");
    expect((await control("GET", "/sessions?limit=0")).json().FlinksCode).toBe("INVALID_REQUEST");
    expect((await control("GET", "/sessions?limit=501")).json().FlinksCode).toBe("INVALID_REQUEST");
  });
});
