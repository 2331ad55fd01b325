import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_IMAGES, SANDBOX_SECURITY_CODE } from "../../src/connectors/sandbox/scenarios.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const LOGIN = { Institution: "FlinksCapital", Password: "Everyday", MostRecentCached: false, Save: true };

interface Challenge {
  Type: string;
  Prompt: string;
  Iterables?: string[];
}

describe("FlinksCapital scenario catalogue (docs/sandbox.md)", () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await createTestApp();
    token = await t.generateToken();
  });
  afterEach(() => t.close());

  const start = async (Username: string) => {
    const response = await t.post("Authorize", { ...LOGIN, Username }, { "flinks-auth-key": token });
    return { status: response.statusCode, body: response.json() };
  };
  const respond = async (RequestId: string, SecurityResponses: Record<string, string[]>) => {
    const response = await t.post("Authorize", { RequestId, SecurityResponses }, { "flinks-auth-key": token });
    return { status: response.statusCode, body: response.json() };
  };
  const challengesOf = (body: { SecurityChallenges: Challenge[] }) => body.SecurityChallenges;
  const accountsDetail = async (RequestId: string) => {
    const response = await t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders());
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it("mfa_multiple_choice: one MultipleChoice, answered with one of its Iterables", async () => {
    const first = await start("mfa_multiple_choice");
    expect(first.status).toBe(203);
    const [challenge] = challengesOf(first.body);
    expect(challenge).toMatchObject({ Type: "MultipleChoice", Iterables: expect.arrayContaining(["Oak Avenue"]) });
    expect((await respond(first.body.RequestId, { [challenge?.Prompt ?? ""]: ["Pine Road"] })).body.FlinksCode).toBe(
      "INVALID_SECURITY_RESPONSE",
    );
    const done = await respond(first.body.RequestId, { [challenge?.Prompt ?? ""]: ["Oak Avenue"] });
    expect(done.status).toBe(200);
  });

  it("mfa_multiple_answers: MultipleChoiceMultipleAnswers needs both right choices", async () => {
    const first = await start("mfa_multiple_answers");
    const [challenge] = challengesOf(first.body);
    expect(challenge?.Type).toBe("MultipleChoiceMultipleAnswers");
    expect(challenge?.Iterables).toHaveLength(4);
    const prompt = challenge?.Prompt ?? "";
    expect((await respond(first.body.RequestId, { [prompt]: ["Desjardins"] })).body.FlinksCode).toBe("INVALID_SECURITY_RESPONSE");
    expect((await respond(first.body.RequestId, { [prompt]: ["Tangerine", "Desjardins"] })).status).toBe(200);
  });

  it("mfa_image: ImageSelection over three base64 images, answered with the chosen image", async () => {
    const first = await start("mfa_image");
    const [challenge] = challengesOf(first.body);
    expect(challenge?.Type).toBe("ImageSelection");
    expect(challenge?.Iterables).toEqual(SANDBOX_IMAGES);
    for (const image of challenge?.Iterables ?? []) expect(Buffer.from(image, "base64").toString()).toMatch(/^<svg /);
    const prompt = challenge?.Prompt ?? "";
    expect((await respond(first.body.RequestId, { [prompt]: [SANDBOX_IMAGES[0] ?? ""] })).body.FlinksCode).toBe(
      "INVALID_SECURITY_RESPONSE",
    );
    expect((await respond(first.body.RequestId, { [prompt]: [challenge?.Iterables?.[1] ?? ""] })).status).toBe(200);
  });

  it("mfa_text_or_call: the chosen phone keyed with Text, then the code as a QuestionAndAnswer", async () => {
    const first = await start("mfa_text_or_call");
    const [challenge] = challengesOf(first.body);
    expect(challenge?.Type).toBe("TextOrCall");
    const phone = challenge?.Iterables?.[0] ?? "";
    expect(phone).toContain("•");
    const code = await respond(first.body.RequestId, { [phone]: ["Text"] });
    expect(code.status).toBe(203);
    expect(code.body.RequestId).toBe(first.body.RequestId);
    const [question] = challengesOf(code.body);
    expect(question?.Type).toBe("QuestionAndAnswer");
    expect((await respond(first.body.RequestId, { [question?.Prompt ?? ""]: [SANDBOX_SECURITY_CODE] })).status).toBe(200);
  });

  it("mfa_rounds_3: three QuestionAndAnswer rounds in a row", async () => {
    const first = await start("mfa_rounds_3");
    const answers = ["Montreal", "Canada", "Triangle"];
    let step = first;
    const prompts: string[] = [];
    for (const answer of answers) {
      expect(step.status).toBe(203);
      const [challenge] = challengesOf(step.body);
      expect(challenge?.Type).toBe("QuestionAndAnswer");
      prompts.push(challenge?.Prompt ?? "");
      step = await respond(first.body.RequestId, { [challenge?.Prompt ?? ""]: [answer] });
    }
    expect(step.status).toBe(200);
    expect(new Set(prompts).size).toBe(3);
  });

  it("mfa_multiple: two challenges at once, answered in one call", async () => {
    const first = await start("mfa_multiple");
    const challenges = challengesOf(first.body);
    expect(challenges.map((c) => c.Prompt)).toEqual(["What city were you born in?", "What is the best country on earth?"]);
    const partial = await respond(first.body.RequestId, { "What city were you born in?": ["Montreal"] });
    expect(partial.body.FlinksCode).toBe("SECURITYRESPONSES_INCOMPLETE");
    const done = await respond(first.body.RequestId, {
      "What city were you born in?": ["Montreal"],
      "What is the best country on earth?": ["Canada"],
    });
    expect(done.status).toBe(200);
  });

  it("mfa_changing: a wrong answer brings a 203 with another question, which then authorizes", async () => {
    const first = await start("mfa_changing");
    expect(challengesOf(first.body).map((c) => c.Prompt)).toEqual(["What city were you born in?"]);
    const changed = await respond(first.body.RequestId, { "What city were you born in?": ["Quebec"] });
    expect(changed.status).toBe(203);
    expect(challengesOf(changed.body).map((c) => c.Prompt)).toEqual(["What is the best country on earth?"]);
    const stale = await respond(first.body.RequestId, { "What city were you born in?": ["Montreal"] });
    expect(stale.body.FlinksCode).toBe("UNKNOWN_CHALLENGE_KEY");
    expect((await respond(first.body.RequestId, { "What is the best country on earth?": ["Canada"] })).status).toBe(200);
  });

  it("test_new_account: 401 NEW_ACCOUNT", async () => {
    const first = await start("test_new_account");
    expect(first.status).toBe(401);
    expect(first.body.FlinksCode).toBe("NEW_ACCOUNT");
  });

  it("empty_account: one chequing account without transactions", async () => {
    const first = await start("empty_account");
    expect(first.status).toBe(200);
    const detail = await accountsDetail(first.body.RequestId);
    expect(detail.Accounts).toHaveLength(1);
    expect(detail.Accounts[0]).toMatchObject({ Type: "Chequing", Transactions: [] });
  });

  it("business: a Business login", async () => {
    const first = await start("business");
    expect(first.status).toBe(200);
    const detail = await accountsDetail(first.body.RequestId);
    expect(detail.Login.Type).toBe("Business");
    for (const account of detail.Accounts) expect(account.AccountType).toBe("Business");
  });

  it("usd+suffix: accounts in USD, on a card of its own", async () => {
    const first = await start("usd+one");
    expect(first.status).toBe(200);
    expect(first.body.Login.Username).toBe("usd+one");
    const detail = await accountsDetail(first.body.RequestId);
    expect(detail.Accounts.length).toBeGreaterThan(0);
    for (const account of detail.Accounts) expect(account.Currency).toBe("USD");
  });

  it("large_login: ten accounts of about 5,000 transactions each, served whole", async () => {
    const first = await start("large_login");
    expect(first.status).toBe(200);
    const response = await t.post(
      "GetAccountsDetail",
      { RequestId: first.body.RequestId, DaysOfTransactions: "Days365" },
      t.apiKeyHeaders(),
    );
    expect(response.statusCode).toBe(200);
    const detail = response.json();
    expect(detail.Accounts).toHaveLength(10);
    expect(new Set(detail.Accounts.map((a: { Id: string }) => a.Id)).size).toBe(10);
    for (const account of detail.Accounts) {
      expect(account.Transactions.length, account.Title).toBeGreaterThan(4_750);
      expect(account.Transactions.length, account.Title).toBeLessThan(5_250);
    }
  });

  it("LibertyNational: US descriptions and addresses, USD, a routing number as TransitNumber", async () => {
    const response = await t.post(
      "Authorize",
      { Institution: "LibertyNational", Username: "jane", Password: "Everyday", MostRecentCached: false, Save: true },
      { "flinks-auth-key": token },
    );
    const [challenge] = challengesOf(response.json());
    const done = await respond(response.json().RequestId, { [challenge?.Prompt ?? ""]: ["Montreal"] });
    expect(done.status).toBe(200);
    const detail = await accountsDetail(done.body.RequestId);
    for (const account of detail.Accounts) {
      expect(account.Currency).toBe("USD");
      expect(account.TransitNumber).toMatch(/^\d{9}$/);
      expect(account.InstitutionNumber).toBeNull();
    }
    expect(detail.Accounts[0].Holder.Address.Country).toBe("US");
    expect(detail.Accounts[0].Holder.Address.PostalCode).toMatch(/^\d{5}$/);
  });
});
