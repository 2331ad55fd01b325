import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("session introspection for operators", () => {
  let t: TestApp;
  afterEach(() => t.close());

  const inspect = (requestId: string, headers: Record<string, string> = t.apiKeyHeaders()) =>
    t.app.inject({ method: "GET", url: `/bankgate/v1/${t.customer.customerId}/sessions/${requestId}`, headers });

  it("shows a challenged session's prompts and timers, never its answers or credentials", async () => {
    t = await createTestApp({ randomInt: () => 1, runJobs: false });
    const { RequestId } = (
      await t.authorize({ Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true })
    ).json();
    const response = await inspect(RequestId);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      requestId: RequestId,
      state: "challenged",
      mode: "live",
      institution: "FlinksCapital",
      loginId: null,
      pendingChallenges: [{ type: "QuestionAndAnswer", prompt: "What is the best country on earth?" }],
      attemptsLeft: 3,
      errorCode: null,
      expired: false,
      createdAt: "2026-01-15T15:00:00.000Z",
      lastActivityAt: "2026-01-15T15:00:00.000Z",
      expiresAt: "2026-01-15T15:08:00.000Z",
      absoluteExpiresAt: "2026-01-15T15:30:00.000Z",
      aggregation: null,
    });
    expect(response.body).not.toMatch(/Everyday|Canada/i);
  });

  it("shows the aggregation job of an authorized session", async () => {
    t = await createTestApp({ runJobs: false });
    const { RequestId } = (
      await t.authorize({ Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false })
    ).json();
    expect((await inspect(RequestId)).json().aggregation).toMatchObject({ kind: "aggregate", state: "queued", attempts: 0 });
    await t.deps.runner.runUntilIdle();
    expect((await inspect(RequestId)).json().aggregation).toMatchObject({ state: "done", attempts: 1, lastError: null });
  });

  it("needs the API key, and knows nothing of unknown or other customers' sessions", async () => {
    t = await createTestApp();
    const { RequestId } = await t.connect("greatday_nomfa");
    expect((await inspect(RequestId, { "flinks-auth-key": await t.generateToken() })).statusCode).toBe(401);
    expect((await inspect("0b5c2f7e-6a2e-4f2e-9a51-1d2f3c4b5a69")).json().FlinksCode).toBe("SESSION_NONEXISTENT");
    const other = await t.addCustomer();
    const foreign = await t.app.inject({
      method: "GET",
      url: `/bankgate/v1/${other.customerId}/sessions/${RequestId}`,
      headers: t.apiKeyHeaders(other),
    });
    expect(foreign.json().FlinksCode).toBe("SESSION_NONEXISTENT");
  });
});
