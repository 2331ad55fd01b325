import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardE2e, startDashboardE2e } from "./dashboard-harness.js";
import { noBrowser } from "./e2e-harness.js";

/**
 * The dashboard's cookie and cross-site protections in a real browser. The harness's parent
 * page runs on another port of 127.0.0.1: the same *site* (ports do not count), so the
 * SameSite=Strict cookie does travel with its requests — the CSRF token and the
 * Sec-Fetch-Site check are what refuse them.
 */
describe.skipIf(noBrowser)("dashboard in Chromium: cookie and cross-site protections", { timeout: 90_000 }, () => {
  let d: DashboardE2e;
  let page: Page;
  beforeAll(async () => {
    d = await startDashboardE2e({ name: "security" });
    // A context of its own: a second page in it shares the cookie jar, as two tabs do.
    const context = await d.e.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-CA" });
    page = await context.newPage();
    await d.signIn(page, "#/clock");
  }, 180_000);
  afterAll(() => d?.close());

  const frozen = () => d.e.t.deps.api.sandbox?.clock.state().frozen;

  it("keeps the session in an HttpOnly, SameSite=Strict cookie scoped to /dashboard that scripts cannot read", async () => {
    const cookies = await page.context().cookies(`${d.e.apiOrigin}/dashboard/`);
    const session = cookies.find((cookie) => cookie.name === "bankgate_dashboard");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/dashboard", secure: false });
    expect(session?.expires).toBe(-1);
    await expect(page.evaluate(() => document.cookie)).resolves.not.toContain("bankgate_dashboard");
  });

  it("refuses a change sent from another origin's page with the viewer's cookie, and accepts the dashboard's own", async () => {
    const other = await page.context().newPage();
    await other.goto(`${d.e.parentOrigin}/landing`);
    const refused = other.waitForResponse((response) => response.url().endsWith("/dashboard/api/clock/freeze"));
    // A "simple" request (no preflight): a page on another origin can send it, not read the answer.
    await other.evaluate(
      (url) => fetch(url, { method: "POST", mode: "no-cors", credentials: "include" }).catch(() => null),
      `${d.e.apiOrigin}/dashboard/api/clock/freeze`,
    );
    const answer = await refused;
    // 403, not 401: the cookie did arrive (the viewer was found), and the cross-site check refused the change.
    expect(answer.status()).toBe(403);
    expect(frozen()).toBe(false);
    await other.close();

    await page.getByRole("button", { name: "Freeze", exact: true }).click();
    await page.getByRole("button", { name: "Unfreeze" }).waitFor();
    expect(frozen()).toBe(true);
    await page.getByRole("button", { name: "Unfreeze" }).click();
    await page.getByRole("button", { name: "Freeze", exact: true }).waitFor();
    expect(frozen()).toBe(false);
  });

  it("signs out: the cookie goes, the API answers signed-out, the page shows the sign-in form", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to the dashboard" }).waitFor();
    const cookies = await page.context().cookies(`${d.e.apiOrigin}/dashboard/`);
    expect(cookies.find((cookie) => cookie.name === "bankgate_dashboard")).toBeUndefined();
    const status = await page.evaluate(async () => (await fetch("/dashboard/api/cards")).status);
    expect(status).toBe(401);
  });
});
