import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectInWidget } from "../../src/playwright/index.js";
import { type E2e, noBrowser, SCREENSHOTS, screen, startE2e } from "./e2e-harness.js";

const CITY_QUESTION = { en: "What city were you born in?", fr: "Dans quelle ville êtes-vous né?" } as const;

/**
 * The demo page (/demo) with the two protocol institutions, as a newcomer tries them: a
 * SimpleFIN setup token from the page's own button pasted into the widget, and the OFX credit
 * union's Greatday with its question; each ends with the accounts the page fetched.
 */
describe.skipIf(noBrowser)("the demo page in Chromium: SimpleFIN and OFX", { timeout: 60_000 }, () => {
  let e: E2e;
  let page: Page;
  beforeAll(async () => {
    e = await startE2e({ name: "demo-institutions", defaultAllowLists: true, env: { BANKGATE_SIMULATORS: "on" } });
    page = await e.browser.newPage({ viewport: { width: 1200, height: 1000 } });
  }, 180_000);
  afterAll(() => e?.close());

  const eventSteps = () => page.locator("#events li strong").allTextContents();

  /** A fresh demo page in `language`: the options form restarts the widget with it. */
  const openDemo = async (language: "en" | "fr"): Promise<FrameLocator> => {
    await page.goto(`${e.apiOrigin}/demo`);
    const widget = page.frameLocator("#connect");
    await screen(widget, "institutions");
    if (language === "fr") {
      await page.locator('select[name="language"]').selectOption("fr");
      await page.getByRole("button", { name: "Start a new connection" }).click();
      await expect.poll(() => widget.locator("html").getAttribute("lang")).toBe("fr");
      await screen(widget, "institutions");
    }
    return widget;
  };

  /** The account selector is on by default in the demo (the tests share the first account): the page's table shows it. */
  const expectOneAccountShown = async () => {
    await page.locator("#accounts table tbody tr").first().waitFor({ timeout: 20_000 });
    expect(await page.locator("#accounts table tbody tr").count()).toBe(1);
    await expect.poll(async () => (await eventSteps()).at(-1)).toBe("REDIRECT");
  };

  for (const language of ["en", "fr"] as const) {
    it(`${language}: SimpleFIN — the page's "Get a SimpleFIN demo token", pasted into the widget, then the accounts`, async () => {
      await openDemo(language);
      await page.getByRole("button", { name: "Get a SimpleFIN demo token" }).click();
      const field = page.locator("#simplefin-token-value");
      await expect.poll(() => field.inputValue()).toMatch(/^[A-Za-z0-9+/]+=*$/);
      const token = await field.inputValue();
      expect(Buffer.from(token, "base64").toString("utf8")).toMatch(new RegExp(`^${e.apiOrigin}/sim/simplefin/claim/`));
      await connectInWidget(page, {
        institution: "SimpleFIN (sandbox)",
        password: token,
        accounts: [0],
        beforeSubmit: async (shown) => {
          if (shown === "credentials")
            await page.screenshot({ path: `${SCREENSHOTS}/demo-${language}-simplefin-token.png`, fullPage: true });
        },
      });
      await expectOneAccountShown();
      await page.screenshot({ path: `${SCREENSHOTS}/demo-${language}-simplefin-connected.png`, fullPage: true });
      expect(await page.locator("#events").textContent()).toContain("institution: SimpleFINSandbox");
    });

    it(`${language}: OFX — Greatday / Everyday at the credit union, the question answered, then the accounts`, async () => {
      await openDemo(language);
      await connectInWidget(page, {
        institution: "OFX Credit Union (sandbox)",
        username: `Greatday+demo-${language}`,
        password: "Everyday",
        answers: { [CITY_QUESTION[language]]: "Montreal" },
        accounts: [0],
      });
      await expectOneAccountShown();
      await page.screenshot({ path: `${SCREENSHOTS}/demo-${language}-ofx-connected.png`, fullPage: true });
      const steps = await eventSteps();
      expect(steps.slice(steps.lastIndexOf("SUBMIT_CREDENTIAL"))).toEqual([
        "SUBMIT_CREDENTIAL",
        "COMPONENT_LOAD_MFA",
        "SUBMIT_MFA",
        "COMPONENT_LOAD_ACCOUNT_SELECTION",
        "ACCOUNT_SELECTED",
        "REDIRECT",
      ]);
      expect(await page.locator("#events").textContent()).toContain("institution: OFXCreditUnion");
    });
  }
});
