import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectInWidget } from "../../src/playwright/index.js";
import { type DashboardE2e, startDashboardE2e } from "./dashboard-harness.js";
import { noBrowser } from "./e2e-harness.js";

const FLINKS_CAPITAL = { institution: "FlinksCapital", password: "Everyday" };

/**
 * The dashboard in Chromium, as a person debugging a flow uses it: a login made in the Connect
 * widget shows up with its timeline; a waiting session expires on screen when the clock moves;
 * every screen is photographed (test-results/screenshots/dashboard-*.png).
 */
describe.skipIf(noBrowser)("dashboard in Chromium: sessions, cards, clock", { timeout: 90_000 }, () => {
  let d: DashboardE2e;
  let page: Page;
  let widgetPage: Page;
  beforeAll(async () => {
    d = await startDashboardE2e({ name: "flow" });
    page = await d.e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "en-CA" });
    widgetPage = await d.e.browser.newPage({ viewport: { width: 480, height: 760 } });
  }, 180_000);
  afterAll(() => d?.close());

  it("a login through the widget appears in Sessions with its timeline, and in Cards with its data", async () => {
    await page.goto(d.url);
    await page.getByRole("heading", { name: "Sign in to the dashboard" }).waitFor();
    await d.shot(page, "sign-in");
    await d.signIn(page, "#/sessions");
    await page.getByText("No session yet.").waitFor();

    await d.e.open(widgetPage, await d.e.params());
    await connectInWidget(widgetPage, { ...FLINKS_CAPITAL, username: "Greatday", answers: { "What city were you born in?": "Montreal" } });
    const redirect = (await d.e.events(widgetPage)).find((event) => event.step === "REDIRECT") as { requestId: string; loginId: string };

    // Polling brings it in without a reload.
    const row = page.locator(`tr[data-request-id="${redirect.requestId}"]`);
    await row.waitFor();
    await expect.poll(() => row.getAttribute("data-state"), { timeout: 10_000 }).toBe("authorized");
    await d.shot(page, "sessions");
    await row.getByRole("link").click();
    await page.locator("ol.timeline > li").first().waitFor();
    await expect
      .poll(() => page.locator("ol.timeline > li").evaluateAll((items) => items.map((li) => li.getAttribute("data-kind"))), {
        timeout: 10_000,
      })
      .toEqual(["login", "challenge", "answer", "authorized"]);
    await expect(page.locator("ol.timeline").textContent()).resolves.toContain("What city were you born in?");
    await expect(page.locator("main").textContent()).resolves.not.toContain("Montreal");
    await d.shot(page, "session-timeline");

    await page.getByRole("link", { name: redirect.loginId }).click();
    await page.getByRole("heading", { name: "Card at FlinksCapital" }).waitFor();
    await page.locator("table.transactions tbody tr").first().waitFor();
    const allCount = await page.locator("table.transactions tbody tr").count();
    expect(allCount).toBeGreaterThan(1);
    await expect(page.locator("main").textContent()).resolves.toContain("Gr••••••");
    await expect(page.locator("main").textContent()).resolves.toContain("What city were you born in?");
    await d.shot(page, "card");
    // A statement opens as a PDF (same path as the page: the cookie goes along).
    const statement = page.locator("ul.statements a").first();
    const pdf = await page.request.get(new URL((await statement.getAttribute("href")) ?? "", d.url).toString());
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await expect(statement.getAttribute("target")).resolves.toBe("_blank");
    const firstDescription = (await page.locator("table.transactions tbody tr td:nth-child(2)").first().textContent()) ?? "";
    await page.getByLabel("Search").fill(firstDescription);
    await expect.poll(() => page.locator("table.transactions tbody tr").count(), { timeout: 10_000 }).toBeLessThan(allCount);
    for (const cell of await page.locator("table.transactions tbody tr td:nth-child(2)").allTextContents()) {
      expect(cell.toLowerCase()).toContain(firstDescription.toLowerCase());
    }
    await d.go(page, "#/cards");
    await page.locator(`tr[data-login-id="${redirect.loginId}"]`).waitFor();
    await d.shot(page, "cards");
  });

  it("advancing the clock expires a waiting session before the viewer's eyes", async () => {
    await d.go(page, "#/sessions");
    await d.e.open(widgetPage, await d.e.params());
    await connectInWidget(widgetPage, { ...FLINKS_CAPITAL, username: "Greatday+waiting", stopAt: "mfa" });
    const waiting = page.locator('tr[data-state="challenged"]');
    await waiting.waitFor();
    const requestId = await waiting.getAttribute("data-request-id");
    await expect(waiting.textContent()).resolves.toContain("What city were you born in?");

    // The integrator's test moves the clock (the control plane); the open screen shows the expiry by itself.
    const moved = await d.e.t.app.inject({
      method: "POST",
      url: `/sandbox/v1/${d.e.t.customer.customerId}/clock/advance`,
      headers: { "flinks-auth-key": d.e.t.customer.secretKey },
      payload: { seconds: 9 * 60 },
    });
    expect(moved.statusCode).toBe(200);
    const row = page.locator(`tr[data-request-id="${requestId}"]`);
    await expect.poll(() => row.getAttribute("data-state"), { timeout: 10_000 }).toBe("expired");
    await d.shot(page, "sessions-expired");
  });

  it("the clock screen advances by a preset, freezes and unfreezes; webhooks, jobs, usage and scripts screens show", async () => {
    await d.go(page, "#/clock");
    const now = page.getByTestId("clock-now");
    await now.waitFor();
    const before = await now.textContent();
    await page.getByRole("button", { name: "+1 day" }).click();
    await expect.poll(() => now.textContent(), { timeout: 10_000 }).not.toBe(before);
    await page.getByRole("button", { name: "Freeze", exact: true }).click();
    await page.getByRole("button", { name: "Unfreeze" }).waitFor();
    await d.shot(page, "clock");
    await page.getByRole("button", { name: "Unfreeze" }).click();
    await page.getByRole("button", { name: "Freeze", exact: true }).waitFor();

    await d.go(page, "#/webhooks");
    await page.getByLabel("Receiver URL").waitFor();
    await d.shot(page, "webhooks");
    await d.go(page, "#/jobs");
    await page.locator('tr[data-kind="aggregate"][data-state="done"]').first().waitFor();
    await d.shot(page, "jobs");
    await d.go(page, "#/usage");
    await page.locator("svg.chart rect.bar").first().waitFor({ state: "attached" });
    const bars = await page.locator("svg.chart rect.bar").evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("data-value"))));
    expect(bars.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    await d.shot(page, "usage");

    await d.go(page, "#/scripts");
    await page.getByLabel("Script (JSON)").fill('{"name":"acme_pet_question","steps":"nope"}');
    await page.getByRole("button", { name: "Save" }).click();
    const problem = page.getByRole("alert");
    await expect(problem.textContent()).resolves.toMatch(/steps/);
    await expect(page.getByLabel("Script (JSON)").getAttribute("aria-invalid")).resolves.toBe("true");
    await d.shot(page, "scripts-error");
    await page.getByLabel("Script (JSON)").fill(
      JSON.stringify({
        name: "acme_pet_question",
        steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "Pet?", answers: ["Rex"] }] }],
      }),
    );
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("button", { name: "acme_pet_question" }).waitFor();
    await d.shot(page, "scripts");
  });

  it("speaks French and stays usable by keyboard: skip link, landmarks, focus on the new screen's heading", async () => {
    await page.getByRole("button", { name: "Afficher en français" }).click();
    await page.getByRole("navigation").getByRole("link", { name: "Horloge" }).waitFor();
    await d.go(page, "#/sessions");
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("fr");
    await expect(page.locator("main h1").textContent()).resolves.toBe("Sessions");
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), { timeout: 10_000 }).toBe("H1");
    await d.shot(page, "sessions-fr");
    await page.getByRole("navigation").getByRole("link", { name: "Cartes" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), { timeout: 10_000 }).toBe("Cartes");
    await expect(page.getByRole("banner").count()).resolves.toBe(1);
    await expect(page.getByRole("main").count()).resolves.toBe(1);
    await page.getByRole("button", { name: "Show in English" }).click();
    // A narrow laptop window: the navigation moves above the content, nothing overflows the page.
    await page.setViewportSize({ width: 820, height: 700 });
    await d.go(page, "#/clock");
    await page.getByTestId("clock-now").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await d.shot(page, "clock-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
