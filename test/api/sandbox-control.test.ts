import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };
const START = "2026-01-15T15:00:00.000Z";

describe("sandbox control plane: the virtual clock", () => {
  let t: TestApp;
  afterEach(() => t.close());

  const clockUrl = (action = "", customerId = t.customer.customerId) => `/sandbox/v1/${customerId}/clock${action ? `/${action}` : ""}`;
  const secret = () => ({ "flinks-auth-key": t.customer.secretKey });
  const control = (action: string, payload?: unknown, headers: Record<string, string> = secret()) =>
    t.app.inject({ method: "POST", url: clockUrl(action), headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  it("expires a challenged RequestId when the clock is advanced by 480 s, without anyone sleeping", async () => {
    t = await createTestApp({ randomInt: () => 0 });
    const token = await t.generateToken();
    const challenge = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    expect(challenge.HttpStatusCode).toBe(203);
    const prompt = challenge.SecurityChallenges[0].Prompt as string;

    const advanced = await control("advance", { seconds: 480 });
    expect(advanced.statusCode).toBe(200);
    expect(advanced.json()).toEqual({ now: "2026-01-15T15:08:00.000Z", offsetSeconds: 480, frozen: false });

    const expired = await t.post(
      "Authorize",
      { RequestId: challenge.RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
      { "flinks-auth-key": token },
    );
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ FlinksCode: "SESSION_EXPIRED", RequestId: challenge.RequestId });
    expect(t.clock.now().toISOString()).toBe(START); // the real (base) clock never moved
  });

  it("stays alive one second short of the expiry", async () => {
    t = await createTestApp({ randomInt: () => 0 });
    const token = await t.generateToken();
    const { RequestId } = (await t.post("Authorize", GREATDAY, { "flinks-auth-key": token })).json();
    await control("advance", { seconds: 479 });
    expect((await t.post("Authorize", { RequestId }, { "flinks-auth-key": token })).statusCode).toBe(203);
  });

  it("reads, freezes and unfreezes the clock", async () => {
    t = await createTestApp();
    const read = await t.app.inject({ method: "GET", url: clockUrl(), headers: secret() });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ now: START, offsetSeconds: 0, frozen: false });

    expect((await control("freeze")).json()).toEqual({ now: START, offsetSeconds: 0, frozen: true });
    t.clock.advanceSeconds(60); // real time passes; virtual time stands still
    expect((await t.app.inject({ method: "GET", url: clockUrl(), headers: secret() })).json()).toEqual({
      now: START,
      offsetSeconds: -60,
      frozen: true,
    });
    expect((await control("advance", { seconds: 10 })).json()).toMatchObject({ now: "2026-01-15T15:00:10.000Z", frozen: true });
    expect((await control("unfreeze")).json()).toEqual({ now: "2026-01-15T15:00:10.000Z", offsetSeconds: -50, frozen: false });
    expect((await control("unfreeze")).json()).toMatchObject({ frozen: false });
    t.clock.advanceSeconds(5);
    expect((await t.app.inject({ method: "GET", url: clockUrl(), headers: secret() })).json().now).toBe("2026-01-15T15:00:15.000Z");
  });

  it("needs the customer's secret key", async () => {
    t = await createTestApp();
    const other = await t.addCustomer();
    const refused = [
      await t.app.inject({ method: "GET", url: clockUrl() }),
      await t.app.inject({ method: "GET", url: clockUrl(), headers: t.apiKeyHeaders() }),
      await t.app.inject({ method: "GET", url: clockUrl(), headers: { "flinks-auth-key": await t.generateToken() } }),
      await t.app.inject({ method: "GET", url: clockUrl("", other.customerId), headers: secret() }),
      await t.app.inject({ method: "GET", url: clockUrl("", "unknown-customer"), headers: secret() }),
      await control("advance", { seconds: 60 }, t.apiKeyHeaders()),
      await control("freeze", undefined, {}),
      await control("unfreeze", undefined, { "flinks-auth-key": "wrong" }),
    ];
    for (const response of refused) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED" });
    }
    expect(
      (await t.app.inject({ method: "GET", url: clockUrl("", other.customerId), headers: { "flinks-auth-key": other.secretKey } }))
        .statusCode,
    ).toBe(200);
    expect(t.deps.clock.now().toISOString()).toBe(START); // nothing refused moved it
    expect(t.deps.sandboxClock?.state().frozen).toBe(false);
  });

  it("answers 400 INVALID_REQUEST to bad advance bodies and leaves the clock alone", async () => {
    t = await createTestApp();
    for (const body of [{}, { seconds: 0 }, { seconds: -60 }, { seconds: 1.5 }, { seconds: "60" }, { seconds: 31_536_001 }, [60]]) {
      const response = await control("advance", body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json()).toMatchObject({ HttpStatusCode: 400, FlinksCode: "INVALID_REQUEST" });
    }
    const malformed = await t.app.inject({
      method: "POST",
      url: clockUrl("advance"),
      headers: { ...secret(), "content-type": "application/json" },
      payload: "{seconds:",
    });
    expect(malformed.json()).toMatchObject({ HttpStatusCode: 400, FlinksCode: "INVALID_REQUEST" });
    expect((await control("advance", { seconds: 31_536_000 })).statusCode).toBe(200);
    expect(t.deps.clock.now().toISOString()).toBe("2027-01-15T15:00:00.000Z");
  });

  it("does not exist with BANKGATE_SANDBOX_CONTROL=off: 404 NOT_FOUND, and the clock is the real one", async () => {
    t = await createTestApp({ env: { BANKGATE_SANDBOX_CONTROL: "off" } });
    expect(t.deps.sandboxClock).toBeNull();
    expect(t.deps.clock).toBe(t.clock);
    for (const response of [
      await t.app.inject({ method: "GET", url: clockUrl(), headers: secret() }),
      await control("advance", { seconds: 480 }),
      await control("freeze"),
      await control("unfreeze"),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ HttpStatusCode: 404, FlinksCode: "NOT_FOUND" });
    }
  });

  it("is documented under the Sandbox tag, as server-wide", async () => {
    t = await createTestApp();
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const advance = doc.paths["/sandbox/v1/{customerId}/clock/advance"].post;
    expect(advance.tags).toEqual(["Sandbox"]);
    expect(advance.description).toMatch(/server-wide/);
    expect(advance.security).toEqual([{ authKey: [] }]);
    expect(advance.requestBody.content["application/json"].schema.properties.seconds).toMatchObject({ minimum: 1, maximum: 31_536_000 });
  });
});
