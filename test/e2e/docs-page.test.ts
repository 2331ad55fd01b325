/**
 * /docs (Swagger UI) renders in Chromium under its Content-Security-Policy
 * (src/api/plumbing/docs-csp.ts): the API's title and operations appear, and the browser
 * reports no CSP violation.
 */
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCS_CSP } from "../../src/api/plumbing/docs-csp.js";
import { freePort } from "../helpers/free-port.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { CHROMIUM, CHROMIUM_ARGS, noBrowser } from "./e2e-harness.js";

describe.skipIf(noBrowser)("the API docs page in Chromium", { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp({ env: { PORT: String(port) } });
    await t.app.listen({ port, host: "127.0.0.1" });
    origin = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("renders the operations with no Content-Security-Policy violation", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    const response = await page.goto(`${origin}/docs`);
    expect(response?.headers()["content-security-policy"]).toBe(DOCS_CSP);
    await expect.poll(() => page.locator(".swagger-ui .info .title").textContent(), { timeout: 15_000 }).toContain("bankgate");
    await page.locator(".opblock-summary-path", { hasText: "/GenerateAuthorizeToken" }).first().waitFor({ timeout: 15_000 });
    // Opening an operation renders its schemas (more inline styles, SVG icons).
    await page.locator(".opblock-summary", { hasText: "/GenerateAuthorizeToken" }).first().click();
    await page.locator(".opblock.is-open").first().waitFor({ timeout: 15_000 });
    expect(violations).toEqual([]);
    await page.close();
  });
});
