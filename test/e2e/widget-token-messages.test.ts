import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2e, noBrowser, screen, startE2e } from "./e2e-harness.js";

/**
 * The widget loaded with a requestId but without an authorizeToken, or with a used one: in a
 * development deployment it names the URL parameter at fault; in production it says only that
 * the page has expired. Either way the parent receives TOKEN_INVALID. /connect/ without a
 * customer id leads to the development customer's widget in development, and explains the
 * widget's URL in production.
 */
const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };

for (const deployment of ["development", "production"] as const) {
  describe.skipIf(noBrowser)(`the widget's token messages in Chromium (${deployment})`, { timeout: 60_000 }, () => {
    let e: E2e;
    let page: Page;
    beforeAll(async () => {
      e = await startE2e({ name: `token-${deployment}`, env: deployment === "production" ? { NODE_ENV: "production" } : {} });
      page = await e.browser.newPage({ viewport: { width: 480, height: 760 } });
    }, 180_000);
    afterAll(() => e?.close());

    /** A session waiting at its MFA prompt, opened by the app (API key): what a Resume link points at. */
    async function waitingSession(username: string): Promise<string> {
      const opened = await e.t.post("Authorize", { ...GREATDAY, Username: username }, e.t.apiKeyHeaders());
      expect(opened.statusCode).toBe(203);
      return opened.json().RequestId as string;
    }

    async function alertText(params: Record<string, string>): Promise<string> {
      const widget = await e.open(page, params);
      await screen(widget, "error");
      await e.waitForStep(page, "TOKEN_INVALID");
      const events = await e.events(page);
      expect(events.map((event) => event.step)).toEqual(["APP_MOUNTED", "TOKEN_INVALID"]);
      return (await widget.locator('[role="alert"]').textContent()) ?? "";
    }

    it("a Resume link without an authorizeToken", async () => {
      const requestId = await waitingSession("Greatday+notoken");
      const text = await alertText({ demo: "true", requestId, redirectUrl: e.redirectUrl, jsRedirect: "true" });
      if (deployment === "development") {
        expect(text).toContain("without an authorizeToken");
        expect(text).toContain("authorizeToken={token}");
        expect(text).toContain("/GenerateAuthorizeToken");
      } else {
        expect(text).toBe("This page has expired. Close it and start again from the application.");
      }
    });

    it("a Resume link whose authorizeToken was already used", async () => {
      const used = await e.t.generateToken();
      expect((await e.t.post("Authorize", { ...GREATDAY, Username: "Greatday+first" }, { "flinks-auth-key": used })).statusCode).toBe(203);
      const requestId = await waitingSession("Greatday+second");
      const text = await alertText({ authorizeToken: used, demo: "true", requestId, redirectUrl: e.redirectUrl, jsRedirect: "true" });
      if (deployment === "development") {
        expect(text).toContain("authorizeToken in this page's URL was refused");
        expect(text).toContain("already used");
      } else {
        expect(text).toBe("This page has expired. Close it and start again from the application.");
        expect(text).not.toContain("authorizeToken");
      }
    });

    it("/connect/ without a customer id", async () => {
      const top = await e.browser.newPage();
      try {
        const response = await top.goto(`${e.apiOrigin}/connect/`);
        if (deployment === "development") {
          // Redirected to the development customer's widget, which lists the sandbox banks.
          expect(new URL(top.url()).pathname).toBe(`/connect/${e.t.customer.customerId}/`);
          await top.locator('main[data-screen="institutions"]').waitFor({ timeout: 15_000 });
          expect(await top.getByRole("button", { name: "FlinksCapital" }).count()).toBe(1);
        } else {
          expect(response?.status()).toBe(200);
          expect(await top.locator("h1").textContent()).toBe("bankgate Connect");
          expect(await top.locator("body").textContent()).toContain("/connect/{customerId}/?authorizeToken={token}");
        }
      } finally {
        await top.close();
      }
    });
  });
}
