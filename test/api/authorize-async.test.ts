import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };
const ANSWER = { "What city were you born in?": ["Montreal"] };

describe("/AuthorizeAsync: 202 at once, then poll", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ runJobs: false, randomInt: () => 0 });
  });
  afterEach(() => t.close());

  const poll = (RequestId: string, extra: Record<string, unknown> = {}) =>
    t.post("AuthorizeAsync", { RequestId, ...extra }, t.apiKeyHeaders());

  it("walks 202 → 203 → (answer) 202 → 200 on one RequestId, then serves the data", async () => {
    const started = await t.post("AuthorizeAsync", GREATDAY, t.apiKeyHeaders());
    expect(started.statusCode).toBe(202);
    const { RequestId } = started.json();
    expect(started.json()).toMatchObject({ HttpStatusCode: 202, FlinksCode: "OPERATION_PENDING", RequestId });
    expect((await poll(RequestId)).statusCode).toBe(202);

    await t.deps.runner.runUntilIdle();
    const challenged = await poll(RequestId);
    expect(challenged.statusCode).toBe(203);
    expect(challenged.json().SecurityChallenges).toEqual([{ Type: "QuestionAndAnswer", Prompt: "What city were you born in?" }]);

    const answered = await poll(RequestId, { SecurityResponses: ANSWER });
    expect(answered.statusCode).toBe(202);
    expect((await poll(RequestId)).statusCode).toBe(202);
    await t.deps.runner.runUntilIdle();
    const done = await poll(RequestId);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ RequestId, Login: { Username: "Greatday" } });

    await t.deps.runner.runUntilIdle();
    const data = await t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders());
    expect(data.statusCode).toBe(200);
  });

  it("reports the institution's refusal on the poll", async () => {
    const { RequestId } = (await t.post("AuthorizeAsync", { ...GREATDAY, Password: "nope" }, t.apiKeyHeaders())).json();
    await t.deps.runner.runUntilIdle();
    const refused = await poll(RequestId);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ FlinksCode: "INVALID_PASSWORD", RequestId });
  });

  it("counts a wrong answer like /Authorize does", async () => {
    const { RequestId } = (await t.post("AuthorizeAsync", GREATDAY, t.apiKeyHeaders())).json();
    await t.deps.runner.runUntilIdle();
    await poll(RequestId, { SecurityResponses: { "What city were you born in?": ["Paris"] } });
    await t.deps.runner.runUntilIdle();
    const wrong = await poll(RequestId);
    expect(wrong.json()).toMatchObject({ FlinksCode: "INVALID_SECURITY_RESPONSE", RequestId });
    expect((await poll(RequestId)).json().FlinksCode).toBe("INVALID_SECURITY_RESPONSE");
    // The wrong answer is reported until the next answer; a sync poll shows the challenge.
    expect((await t.post("Authorize", { RequestId }, t.apiKeyHeaders())).statusCode).toBe(203);
    expect((await poll(RequestId, { SecurityResponses: ANSWER })).statusCode).toBe(202);
    await t.deps.runner.runUntilIdle();
    expect((await poll(RequestId)).statusCode).toBe(200);
  });

  it("starts a Mid-Session Reconnect from a LoginId; the challenge can be answered on /Authorize (the widget's way)", async () => {
    t.deps.runner.start();
    const card = await t.connect();
    await t.deps.runner.stop();
    const { RequestId } = (
      await t.post("AuthorizeAsync", { LoginId: card.Login.Id, MostRecentCached: false, Save: true }, t.apiKeyHeaders())
    ).json();
    await t.deps.runner.runUntilIdle();
    expect((await poll(RequestId)).statusCode).toBe(203);
    const answered = await t.post("Authorize", { RequestId, SecurityResponses: ANSWER }, t.apiKeyHeaders());
    expect(answered.statusCode).toBe(200);
    expect(answered.json().Login.Id).toBe(card.Login.Id);
  });

  it("answers a cached call at once", async () => {
    t.deps.runner.start();
    const card = await t.connect();
    const cached = await t.post("AuthorizeAsync", { LoginId: card.Login.Id, MostRecentCached: true }, t.apiKeyHeaders());
    expect(cached.statusCode).toBe(200);
  });
});
