import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/** POST /sandbox/v1/{customerId}/simplefin/setup-tokens: demo setup tokens of the built-in SimpleFIN simulator. */
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const post = (app: TestApp, body: unknown, key = app.customer.secretKey) =>
  app.app.inject({
    method: "POST",
    url: `/sandbox/v1/${app.customer.customerId}/simplefin/setup-tokens`,
    headers: { "flinks-auth-key": key },
    ...(body === undefined ? {} : { payload: body as object }),
  });

describe("SimpleFIN demo setup tokens", () => {
  it("makes a token whose claim URL is this server's simulator, with or without a body", async () => {
    t = await createTestApp();
    for (const body of [undefined, {}, { scenario: "pending_posts" }]) {
      const response = await post(t, body);
      expect(response.statusCode).toBe(200);
      const { setupToken, scenario } = response.json();
      expect(scenario).toBe(body && "scenario" in body ? "pending_posts" : "ok");
      expect(Buffer.from(setupToken, "base64").toString()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sim\/simplefin\/claim\/[0-9a-f]{32}$/);
    }
  });

  it("refuses an unknown scenario and a wrong secret key, and is absent with the simulators off", async () => {
    t = await createTestApp();
    expect((await post(t, { scenario: "no-such-scenario" })).json()).toMatchObject({ HttpStatusCode: 400, FlinksCode: "INVALID_REQUEST" });
    expect((await post(t, {}, "not the secret")).json()).toMatchObject({ HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED" });
    await t.close();
    t = await createTestApp({ env: { BANKGATE_SIMULATORS: "off" } });
    expect((await post(t, {})).statusCode).toBe(404);
  });
});
