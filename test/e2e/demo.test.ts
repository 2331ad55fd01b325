import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectInWidget } from "../../src/playwright/index.js";
import { type E2e, noBrowser, SCREENSHOTS, screen, startE2e } from "./e2e-harness.js";

const GREATDAY = { institution: "FlinksCapital", password: "Everyday", answers: ["Montreal"] };

/** The demo page (/demo) as a newcomer uses it, with the default allow-lists (the server's own origin). */
describe.skipIf(noBrowser)("the demo page in Chromium", { timeout: 60_000 }, () => {
  let e: E2e;
  let page: Page;
  beforeAll(async () => {
    e = await startE2e({ name: "demo", defaultAllowLists: true });
    page = await e.browser.newPage({ viewport: { width: 1200, height: 900 } });
  }, 180_000);
  afterAll(() => e?.close());

  const eventSteps = () => page.locator("#events li strong").allTextContents();

  it("connects a card in the embedded widget, lists the events, shows the accounts, then reconnects the card", async () => {
    await page.goto(`${e.apiOrigin}/demo`);
    const widget = page.frameLocator("#connect");
    await screen(widget, "institutions");
    await connectInWidget(page, { ...GREATDAY, username: "Greatday+demo", accounts: [0] });
    await page.locator("#accounts table tbody tr").first().waitFor({ timeout: 15_000 });
    expect(await page.locator("#accounts table tbody tr").count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/demo-connected.png` });
    expect((await eventSteps()).at(-1)).toBe("REDIRECT");

    // Mid-Session Reconnect from the demo's button: the app's live refresh, answered in the widget.
    await page.getByRole("button", { name: "Reconnect this card" }).click();
    await screen(widget, "mfa");
    await connectInWidget(page, { answers: ["Montreal"] });
    await expect.poll(async () => (await eventSteps()).filter((step) => step === "REDIRECT").length, { timeout: 15_000 }).toBe(2);
    // The previous selection came along (resumeSelectedAccounts): still one account, no selector.
    await page.locator("#accounts table tbody tr").first().waitFor();
    expect(await page.locator("#accounts table tbody tr").count()).toBe(1);
    expect((await eventSteps()).slice(-4)).toEqual(["APP_MOUNTED", "COMPONENT_LOAD_MFA", "SUBMIT_MFA", "REDIRECT"]);
  });

  it("resumes at the MFA step with the Resume button", async () => {
    await page.goto(`${e.apiOrigin}/demo`);
    const widget = page.frameLocator("#connect");
    await screen(widget, "institutions");
    await connectInWidget(page, { ...GREATDAY, username: "Greatday+demo-resume", stopAt: "mfa" });
    await expect.poll(() => page.getByRole("button", { name: /Resume/ }).isEnabled()).toBe(true);
    await page.getByRole("button", { name: /Resume/ }).click();
    await expect.poll(async () => (await eventSteps()).filter((step) => step === "COMPONENT_LOAD_MFA").length).toBe(2);
    await screen(widget, "mfa");
    await connectInWidget(page, { answers: ["Montreal"], accounts: [1] });
    await expect.poll(async () => (await eventSteps()).at(-1), { timeout: 15_000 }).toBe("REDIRECT");
  });
});
