import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * What an integrator meets at the widget's door: /connect/ without a customer id leads to the
 * development customer's widget in a development deployment, and answers a page that says
 * what the widget's URL looks like anywhere else; the widget page tells the widget whether it
 * may name a missing or refused parameter (development) or must stay neutral (production).
 */
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const settingsOf = (html: string) =>
  JSON.parse(/<script id="bankgate-settings" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? "null") as {
    development: boolean;
  };

describe("/connect/ and the widget's development flag", () => {
  it.each(["/connect/", "/connect"])(
    "development: %s redirects to the development customer's widget with the sandbox banks",
    async (url) => {
      t = await createTestApp();
      const response = await t.app.inject({ method: "GET", url });
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(`/connect/${t.customer.customerId}/?demo=true`);
    },
  );

  it.each([[{ NODE_ENV: "production" }], [{ HOST: "0.0.0.0" }]])(
    "%j: /connect/ answers a page that explains the widget's URL",
    async (env) => {
      t = await createTestApp({ env });
      const response = await t.app.inject({ method: "GET", url: "/connect/" });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(String(response.headers["content-security-policy"])).toContain("default-src 'none'");
      expect(response.body).toContain("/connect/{customerId}/?authorizeToken={token}");
      expect(response.body).toContain("GenerateAuthorizeToken");
      expect(response.body).toContain("requestId={RequestId}");
      // Names no customer: nobody learns one from it.
      expect(response.body).not.toContain(t.customer.customerId);
    },
  );

  it.each([
    [{}, true],
    [{ NODE_ENV: "production" }, false],
  ])("%j: the widget page tells the widget development = %s", async (env, development) => {
    // A stand-in build: only the page's settings matter here (test/e2e drives the real widget).
    const widgetDir = mkdtempSync(join(tmpdir(), "bankgate-widget-"));
    writeFileSync(join(widgetDir, "index.html"), '<script id="bankgate-settings" type="application/json">"__BANKGATE_SETTINGS__"</script>');
    try {
      t = await createTestApp({ env: { BANKGATE_WIDGET_DIR: widgetDir, ...env } });
      const response = await t.app.inject({ method: "GET", url: `/connect/${t.customer.customerId}/` });
      expect(response.statusCode).toBe(200);
      expect(settingsOf(response.body).development).toBe(development);
    } finally {
      rmSync(widgetDir, { recursive: true, force: true });
    }
  });
});
