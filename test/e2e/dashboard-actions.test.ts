import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";
import { type DashboardE2e, startDashboardE2e } from "./dashboard-harness.js";
import { noBrowser } from "./e2e-harness.js";

/** Acting from the dashboard in Chromium: replaying a failed webhook, deleting a card. */
describe.skipIf(noBrowser)("dashboard in Chromium: webhook replay and DeleteCard", { timeout: 90_000 }, () => {
  let d: DashboardE2e;
  let page: Page;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    // One attempt per event: a refused delivery is final until replayed.
    d = await startDashboardE2e({ name: "actions", env: { BANKGATE_WEBHOOK_MAX_ATTEMPTS: "1" } });
    page = await d.e.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "en-CA" });
    await d.signIn(page, "#/webhooks");
  }, 180_000);
  afterAll(async () => {
    await d?.close();
    await receiver?.close();
  });

  it("a failed webhook is replayed from the log and shows as delivered", async () => {
    await page.getByLabel("Receiver URL").fill(receiver.url);
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("p.ok", { hasText: "New signing secret (shown once)" }).waitFor();
    receiver.answer(500, 500);
    await d.e.t.connect("Greatday");

    const failed = page.locator('tr[data-state="failed"]').first();
    await failed.waitFor({ timeout: 15_000 });
    await expect(failed.textContent()).resolves.toContain("500");
    const eventId = await failed.getAttribute("data-event-id");
    await d.shot(page, "webhooks-failed");
    await failed.getByRole("button", { name: /^Replay/ }).click();
    const row = page.locator(`tr[data-event-id="${eventId}"]`);
    await expect.poll(() => row.getAttribute("data-state"), { timeout: 15_000 }).toBe("delivered");
    await expect(row.locator("td").nth(3).textContent()).resolves.toBe("200");
    await expect(row.locator("td").nth(5).textContent()).resolves.toBe("2");
    await d.shot(page, "webhooks-replayed");
  });

  it("a deleted card disappears, and its data with it", async () => {
    const login = await d.e.t.connect("Greatday+deleted");
    await d.go(page, "#/cards");
    const row = page.locator(`tr[data-login-id="${login.Login.Id}"]`);
    await row.waitFor();
    await row.getByRole("link").click();
    await page.getByRole("heading", { name: "Accounts" }).waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete card" }).click();
    await page.waitForFunction(() => location.hash === "#/cards");
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    await d.shot(page, "cards-after-delete");

    // Its page and its data are gone too: in the dashboard and on the Flinks API.
    await d.go(page, `#/cards/${login.Login.Id}`);
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/login/i);
    const data = await d.e.t.post("GetAccountsDetail", { RequestId: login.RequestId }, d.e.t.apiKeyHeaders());
    expect(data.statusCode).not.toBe(200);
    expect(await d.e.t.deps.storage.logins.find(d.e.t.customer.customerId, login.Login.Id)).toBeUndefined();
  });
});
