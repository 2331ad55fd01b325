import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCatalog } from "../../src/errors/catalog.js";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };

describe("live /Authorize against FlinksCapital", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ randomInt: () => 2 });
  });
  afterEach(() => t.close());

  it("answers 203 with one sandbox question, then 200 on the right answer, keeping the RequestId", async () => {
    const token = await t.generateToken();
    const first = await t.post("Authorize", { ...GREATDAY, Tag: "user=42" }, { "flinks-auth-key": token });
    expect(first.statusCode).toBe(203);
    const challenge = first.json();
    expect(challenge).toEqual({
      Links: [{ rel: "Authorization", href: "/Authorize", example: null }],
      HttpStatusCode: 203,
      SecurityChallenges: [{ Type: "QuestionAndAnswer", Prompt: "What shape do people like most?" }],
      Institution: "FlinksCapital",
      RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const second = await t.post(
      "Authorize",
      { RequestId: challenge.RequestId, SecurityResponses: { "What shape do people like most?": ["Triangle"] } },
      { "flinks-auth-key": token },
    );
    expect(second.statusCode).toBe(200);
    const body = second.json();
    expect(body.RequestId).toBe(challenge.RequestId);
    expect(body).toMatchObject({
      HttpStatusCode: 200,
      Institution: "FlinksCapital",
      InstitutionName: "FlinksCapital",
      InstitutionId: 14,
      Tag: "user=42",
      Login: { Username: "Greatday", IsScheduledRefresh: false, Type: "Personal", Id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(body.Login.LastRefresh).toBe("2026-01-15T15:00:00.0000000");
    expect(body.Links.map((l: { rel: string }) => l.rel)).toEqual(["AccountsDetail", "AccountsSummary", "Statements"]);
  });

  it("draws each of the three sandbox questions", async () => {
    const prompts = new Set<string>();
    for (const index of [0, 1, 2]) {
      const app = await createTestApp({ randomInt: () => index });
      const response = await app.authorize(GREATDAY);
      prompts.add(response.json().SecurityChallenges[0].Prompt);
      await app.close();
    }
    expect([...prompts].sort()).toEqual([
      "What city were you born in?",
      "What is the best country on earth?",
      "What shape do people like most?",
    ]);
  });

  it("asks in French with Language fr", async () => {
    const response = await t.authorize({ ...GREATDAY, Language: "fr" });
    expect(response.statusCode).toBe(203);
    const prompt = response.json().SecurityChallenges[0].Prompt;
    expect(prompt).toBe("Quelle forme les gens aiment-ils le plus?");
    expect(SANDBOX_ANSWERS[prompt]).toBe("Triangle");
  });

  it("authorizes greatday_nomfa without a challenge", async () => {
    const response = await t.authorize({ ...GREATDAY, Username: "greatday_nomfa" });
    expect(response.statusCode).toBe(200);
    expect(response.json().Login.Username).toBe("greatday_nomfa");
  });

  it.each([
    ["test_disabled_account", "Everyday", "DISABLED_LOGIN"],
    ["test_service_unavailable", "Everyday", "RETRY_LATER"],
    ["Greatday", "wrong-password", "INVALID_PASSWORD"],
    ["nobody_here", "Everyday", "INVALID_USERNAME"],
  ] as const)("%s / %s → 401 %s", async (Username, Password, code) => {
    const response = await t.authorize({ ...GREATDAY, Username, Password });
    expect(response.statusCode).toBe(errorCatalog[code].httpStatus);
    expect(response.json()).toMatchObject({ HttpStatusCode: 401, FlinksCode: code, Message: errorCatalog[code].message });
  });

  it("accepts case-insensitive usernames and passwords, as the sandbox does", async () => {
    const response = await t.authorize({ ...GREATDAY, Username: "GreatDay", Password: "EveryDay" });
    expect(response.statusCode).toBe(203);
  });

  it("allows retries after a wrong answer, then ends the session at the limit", async () => {
    const token = await t.generateToken();
    const { RequestId } = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    const wrong = { RequestId, SecurityResponses: { "What shape do people like most?": ["Circle"] } };
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push((await t.post("Authorize", wrong, { "flinks-auth-key": token })).json().FlinksCode);
    expect(codes).toEqual([
      "INVALID_SECURITY_RESPONSE",
      "INVALID_SECURITY_RESPONSE",
      "INVALID_SECURITY_RESPONSE_NO_RETRY",
      "INVALID_SECURITY_RESPONSE_NO_RETRY",
    ]);
    const right = { RequestId, SecurityResponses: { "What shape do people like most?": ["Triangle"] } };
    const late = await t.post("Authorize", right, { "flinks-auth-key": token });
    expect(late.statusCode).toBe(401);
    expect(late.json().FlinksCode).toBe("INVALID_SECURITY_RESPONSE_NO_RETRY");
  });

  it("succeeds after a wrong answer while attempts remain", async () => {
    const token = await t.generateToken();
    const { RequestId } = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    const wrong = await t.post(
      "Authorize",
      { RequestId, SecurityResponses: { "What shape do people like most?": "Square" } },
      { "flinks-auth-key": token },
    );
    expect(wrong.json()).toMatchObject({ HttpStatusCode: 401, FlinksCode: "INVALID_SECURITY_RESPONSE", RequestId });
    const right = await t.post(
      "Authorize",
      { RequestId, SecurityResponses: { "What shape do people like most?": "triangle" } },
      { "flinks-auth-key": token },
    );
    expect(right.statusCode).toBe(200);
  });

  it("answers 203 again, without using an attempt, when SecurityResponses is empty", async () => {
    const token = await t.generateToken();
    const { RequestId } = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    const again = await t.post("Authorize", { RequestId, SecurityResponses: {} }, { "flinks-auth-key": token });
    expect(again.statusCode).toBe(203);
    expect(again.json().RequestId).toBe(RequestId);
  });

  it("matches prompts PascalCased by node-flinks", async () => {
    const token = await t.generateToken();
    const { RequestId } = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    const response = await t.post(
      "Authorize",
      { RequestId, SecurityResponses: { WhatShapeDoPeopleLikeMost: ["Triangle"] } },
      { "flinks-auth-key": token },
    );
    expect(response.statusCode).toBe(200);
  });

  it("refuses answers to questions never asked", async () => {
    const token = await t.generateToken();
    const { RequestId } = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    const response = await t.post(
      "Authorize",
      { RequestId, SecurityResponses: { "What is your pet's name?": ["Rex"] } },
      { "flinks-auth-key": token },
    );
    expect(response.statusCode).toBe(401);
    expect(response.json().FlinksCode).toBe("UNKNOWN_CHALLENGE_KEY");
  });
});
