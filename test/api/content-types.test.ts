import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

/**
 * A JSON body is read whatever its declared type: what `fetch` sends for a string body
 * (text/plain;charset=UTF-8), what `curl -d` sends (application/x-www-form-urlencoded), no
 * type at all. Only a body that is not JSON is refused, with the catalogued 400.
 */
describe("request bodies are read as JSON whatever their Content-Type", () => {
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    t = await createTestApp({ randomInt: () => 0 });
    origin = await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => t?.close());

  const url = (operation: string) => `${origin}${t.path(operation)}`;

  it("serves a whole flow sent by fetch with string bodies (text/plain), as curl -d sends it (form type) and with no type", async () => {
    const token = await t.generateToken();
    // fetch labels a string body text/plain;charset=UTF-8 by itself.
    const opened = await fetch(url("Authorize"), {
      method: "POST",
      headers: { "flinks-auth-key": token },
      body: JSON.stringify({
        Institution: "FlinksCapital",
        Username: "Greatday",
        Password: "Everyday",
        MostRecentCached: false,
        Save: true,
      }),
    });
    expect(opened.status).toBe(203);
    const challenge = (await opened.json()) as { RequestId: string; SecurityChallenges: Array<{ Prompt: string }> };
    const prompt = challenge.SecurityChallenges[0]?.Prompt ?? "";

    const answered = await fetch(url("Authorize"), {
      method: "POST",
      headers: { "flinks-auth-key": token, "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ RequestId: challenge.RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } }),
    });
    expect(answered.status).toBe(200);

    const detail = await t.app.inject({
      method: "POST",
      url: t.path("GetAccountsDetail"),
      payload: Buffer.from(JSON.stringify({ RequestId: challenge.RequestId, WithTransactions: false })),
      headers: t.apiKeyHeaders(),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().Accounts[0].Transactions).toEqual([]);
  });

  it.each([
    ["text/plain;charset=UTF-8", "Institution=FlinksCapital&Username=Greatday"],
    ["application/x-www-form-urlencoded", "Institution=FlinksCapital&Username=Greatday&Password=Everyday"],
    ["application/json", "{not json"],
    ["", "<Authorize/>"],
  ])("refuses a body that is not JSON (%j) with 400 INVALID_REQUEST", async (contentType, body) => {
    const response = await fetch(url("Authorize"), {
      method: "POST",
      headers: { "x-api-key": t.customer.apiKey, "content-type": contentType },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ HttpStatusCode: 400, FlinksCode: "INVALID_REQUEST", Message: expect.any(String) });
  });
});
