import { describe, expect, it } from "vitest";
import { createTestApp } from "../helpers/test-app.js";

const mint = async (env: Record<string, string>) => {
  const t = await createTestApp({ env: { PORT: "4321", ...env } });
  try {
    const first = await t.app.inject({ method: "POST", url: "/demo/api/simplefin-token" });
    const second = await t.app.inject({ method: "POST", url: "/demo/api/simplefin-token" });
    const demoToken = await t.app.inject({ method: "POST", url: "/demo/api/token" });
    return { first, second, demoTokenStatus: demoToken.statusCode };
  } finally {
    await t.close();
  }
};

/**
 * POST /demo/api/simplefin-token: the demo page's way to a SimpleFIN setup token (it has no
 * secret key for the control plane's route). The browser test (test/e2e/demo-institutions.test.ts)
 * pastes one into the widget; here, when it exists and what it answers.
 */
describe("POST /demo/api/simplefin-token", () => {
  it("makes a fresh one-time setup token of this server's own SimpleFIN simulator, without credentials", async () => {
    const { first, second } = await mint({ BANKGATE_SIMULATORS: "on" });
    expect(first.statusCode).toBe(200);
    expect(Object.keys(first.json())).toEqual(["setupToken"]);
    const claimUrl = Buffer.from(first.json().setupToken, "base64").toString("utf8");
    expect(claimUrl).toMatch(/^http:\/\/127\.0\.0\.1:4321\/sim\/simplefin\/claim\/[^/]+$/);
    expect(second.json().setupToken).not.toBe(first.json().setupToken);
  });

  it("does not exist with the simulators off, while the demo's authorize tokens still do", async () => {
    const { first, demoTokenStatus } = await mint({ BANKGATE_SIMULATORS: "off" });
    expect(first.statusCode).toBe(404);
    expect(demoTokenStatus).toBe(200);
  });

  it("does not exist with the demo off, simulators or not", async () => {
    const { first, demoTokenStatus } = await mint({ BANKGATE_SIMULATORS: "on", BANKGATE_DEMO: "off" });
    expect(first.statusCode).toBe(404);
    expect(demoTokenStatus).toBe(404);
  });
});
