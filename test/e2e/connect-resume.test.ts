import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectInWidget } from "../../src/playwright/index.js";
import type { ConnectEventOf } from "../../widget/src/events.js";
import { refusedRedirectUrls } from "../fixtures/refused-redirect-urls.js";
import { SANDBOX_ANSWERS } from "../helpers/test-app.js";
import { type E2e, noBrowser, screen, startE2e } from "./e2e-harness.js";

const FLINKS_CAPITAL = { institution: "FlinksCapital", password: "Everyday" };

describe.skipIf(noBrowser)(
  "Connect widget in Chromium: Resume, Reconnect, resumeSelectedAccounts, allow-lists",
  { timeout: 60_000 },
  () => {
    let e: E2e;
    let page: Page;
    beforeAll(async () => {
      e = await startE2e({ name: "resume" });
      page = await e.browser.newPage({ viewport: { width: 480, height: 760 } });
    }, 180_000);
    afterAll(() => e?.close());

    const params = (extra: Record<string, string> = {}) => e.params(extra);

    /** The sandbox control plane's virtual clock, as an integrator moves it. */
    async function advanceClock(seconds: number): Promise<void> {
      const response = await e.t.app.inject({
        method: "POST",
        url: `/sandbox/v1/${e.t.customer.customerId}/clock/advance`,
        headers: { "flinks-auth-key": e.t.customer.secretKey },
        payload: { seconds },
      });
      expect(response.statusCode).toBe(200);
    }

    async function mfaRequestId(on: Page): Promise<string> {
      const load = (await e.events(on)).find((event) => event.step === "COMPONENT_LOAD_MFA") as ConnectEventOf<"COMPONENT_LOAD_MFA">;
      return load.requestId;
    }

    it("resumes at the MFA prompt after a reload of the widget: the state comes from the server, the URL carries the RequestId", async () => {
      const widget = await e.open(page, await params());
      await connectInWidget(page, { ...FLINKS_CAPITAL, username: "Greatday+reload", stopAt: "mfa" });
      const requestId = await mfaRequestId(page);
      expect(new URL(e.frame(page).url()).searchParams.get("requestId")).toBe(requestId);
      await e.frame(page).evaluate(() => window.location.reload());
      await e.waitForStep(page, "COMPONENT_LOAD_MFA", 2);
      await screen(widget, "mfa");
      expect(await widget.locator(`label[for="challenge-0"]`).textContent()).toBe("What city were you born in?");
      await connectInWidget(page, { answers: { "What city were you born in?": "Montreal" } });
      const events = await e.events(page);
      expect(events.slice(5).map((event) => event.step)).toEqual([
        "COMPONENT_LOAD_MFA",
        "APP_MOUNTED",
        "COMPONENT_LOAD_MFA",
        "SUBMIT_MFA",
        "REDIRECT",
      ]);
      expect(events[7]).toMatchObject({ requestId, mfaTypes: ["QuestionAndAnswer"] });
      expect((events.at(-1) as ConnectEventOf<"REDIRECT">).requestId).toBe(requestId);
    });

    for (const language of ["en", "fr"] as const) {
      it(`${language}: resumes in another browser (no shared storage) with the RequestId and a fresh token from the app`, async () => {
        await e.open(page, await params({ language }));
        await connectInWidget(page, { ...FLINKS_CAPITAL, username: `Greatday+elsewhere-${language}`, stopAt: "mfa" });
        const requestId = await mfaRequestId(page);

        const otherBrowser = await e.browser.newContext({ viewport: { width: 480, height: 760 } });
        try {
          const other = await otherBrowser.newPage();
          const resumed = await e.open(other, await params({ language, requestId }));
          await screen(resumed, "mfa");
          await e.screenshot(other, `${language}-resume-mfa`);
          // Greatday's question is drawn per session, in the widget's language: answered by its text.
          await connectInWidget(other, { answers: SANDBOX_ANSWERS });
          expect(await e.steps(other)).toEqual(["APP_MOUNTED", "COMPONENT_LOAD_MFA", "SUBMIT_MFA", "REDIRECT"]);
          expect((await e.events(other))[1]).toMatchObject({ requestId, institution: "FlinksCapital" });
        } finally {
          await otherBrowser.close();
        }
      });
    }

    for (const language of ["en", "fr"] as const) {
      it(`${language}: an expired RequestId (virtual clock +8 min) gets a clear message and a fresh start that works`, async () => {
        const username = `Greatday+expired-${language}`;
        const widget = await e.open(page, await params({ language }));
        await connectInWidget(page, { ...FLINKS_CAPITAL, username, stopAt: "mfa" });
        await advanceClock(480);
        await e.frame(page).evaluate(() => window.location.reload());
        await e.waitForStep(page, "SESSION_EXPIRED");
        await screen(widget, "error");
        await e.screenshot(page, `${language}-error-session-expired`);
        const expired = (await e.events(page)).find((event) => event.step === "SESSION_EXPIRED");
        expect(expired).toMatchObject({ flinksCode: "SESSION_EXPIRED", requestId: await mfaRequestId(page) });
        await widget.locator("main button").click();
        await screen(widget, "institutions");
        await connectInWidget(page, { ...FLINKS_CAPITAL, username, stopAt: "mfa" });
        expect((await e.steps(page)).slice(6)).toEqual([
          "APP_MOUNTED",
          "SESSION_EXPIRED",
          "COMPONENT_LOAD_INSTITUTION_SELECTOR",
          "INSTITUTION_SELECTED",
          "COMPONENT_LOAD_CREDENTIAL",
          "SUBMIT_CREDENTIAL",
          "COMPONENT_LOAD_MFA",
        ]);
        expect(new URL(e.frame(page).url()).searchParams.get("requestId")).not.toBe(expired?.requestId);
      });
    }

    it("an unknown RequestId gets SESSION_NONEXISTENT and a fresh start", async () => {
      const widget = await e.open(page, await params({ requestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10", language: "fr" }));
      await e.waitForStep(page, "SESSION_NONEXISTENT");
      await screen(widget, "error");
      await e.screenshot(page, "fr-error-session-unknown");
      await widget.locator("main button").click();
      await screen(widget, "institutions");
    });

    it("Mid-Session Reconnect: the app's live refresh of a stored card is answered in the widget; cached data is fresh, same AccountIds", async () => {
      const connected = await e.t.connect("Greatday+reconnect");
      const loginId = connected.Login.Id;
      const before = (await e.t.post("GetAccountsDetail", { RequestId: connected.RequestId }, e.t.apiKeyHeaders())).json();
      await advanceClock(86_400); // a day later

      const token = await e.t.generateToken();
      const refresh = await e.t.post("Authorize", { LoginId: loginId, MostRecentCached: false, Save: true }, { "flinks-auth-key": token });
      expect(refresh.statusCode).toBe(203);
      const requestId = refresh.json().RequestId as string;
      const widget = await e.open(page, { authorizeToken: token, requestId, redirectUrl: e.redirectUrl, jsRedirect: "true" });
      await screen(widget, "mfa");
      await e.screenshot(page, "en-reconnect-mfa");
      await connectInWidget(page, { answers: ["Montreal"] });
      const events = await e.events(page);
      expect(events.map((event) => event.step)).toEqual(["APP_MOUNTED", "COMPONENT_LOAD_MFA", "SUBMIT_MFA", "REDIRECT"]);
      expect(events[3]).toMatchObject({
        loginId,
        requestId,
        institution: "FlinksCapital",
        url: `${e.redirectUrl}&loginId=${loginId}&institution=FlinksCapital`,
      });

      const cached = await e.t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, e.t.apiKeyHeaders());
      expect(cached.statusCode).toBe(200);
      expect(cached.json().Login.LastRefresh > before.Login.LastRefresh).toBe(true);
      const after = (await e.t.post("GetAccountsDetail", { RequestId: cached.json().RequestId }, e.t.apiKeyHeaders())).json();
      const ids = (body: { Accounts: Array<{ Id: string }> }) => body.Accounts.map((a) => a.Id);
      expect(ids(after)).toEqual(ids(before));
      expect(after.Login.LastRefresh).toBe(cached.json().Login.LastRefresh);
    });

    it("resumeSelectedAccounts: no selector, the IDs in REDIRECT and the landing URL, and the backend returns only those accounts", async () => {
      const connected = await e.t.connect("Greatday+resume-selected");
      const loginId = connected.Login.Id;
      const all = (await e.t.post("GetAccountsDetail", { RequestId: connected.RequestId }, e.t.apiKeyHeaders()))
        .json()
        .Accounts.map((a: { Id: string }) => a.Id) as string[];
      const chosen = [all[0], all[2]] as string[];

      const token = await e.t.generateToken();
      const refresh = await e.t.post("Authorize", { LoginId: loginId, MostRecentCached: false, Save: true }, { "flinks-auth-key": token });
      const requestId = refresh.json().RequestId as string;
      const widget = await e.open(page, {
        authorizeToken: token,
        requestId,
        resumeSelectedAccounts: chosen.join(","),
        accountSelectorEnable: "true",
        redirectUrl: e.redirectUrl,
        jsRedirect: "true",
        tag: "reconnect",
      });
      await screen(widget, "mfa");
      await connectInWidget(page, { answers: ["Montreal"] });
      const events = await e.events(page);
      expect(events.map((event) => event.step)).toEqual(["APP_MOUNTED", "COMPONENT_LOAD_MFA", "SUBMIT_MFA", "REDIRECT"]);
      const redirect = events[3] as ConnectEventOf<"REDIRECT">;
      expect(redirect).toMatchObject({ loginId, requestId, accountId: chosen.join(","), accountIds: chosen, tag: "reconnect" });
      const landing = new URL(redirect.url ?? "");
      expect(landing.searchParams.get("accountId")).toBe(chosen.join(","));
      expect(landing.searchParams.get("keep")).toBe("1");

      const detail = await e.t.post("GetAccountsDetail", { RequestId: requestId }, e.t.apiKeyHeaders());
      expect(detail.json().Accounts.map((a: { Id: string }) => a.Id)).toEqual(chosen);
      const summary = await e.t.post("GetAccountsSummary", { RequestId: requestId }, e.t.apiKeyHeaders());
      expect(summary.json().Accounts.map((a: { Id: string }) => a.Id)).toEqual(chosen);
    });

    it("refuses every bad redirectUrl of the bad-input list (docs/quality-bars.md): an error screen, REDIRECT_URL_REFUSED, nothing else and no navigation", async () => {
      const cases = refusedRedirectUrls(e.redirectUrl);
      for (const [index, { name, url }] of cases.entries()) {
        const language = index === 0 ? "fr" : "en";
        const widget = await e.open(page, await params({ redirectUrl: url, language }));
        await e.waitForStep(page, "REDIRECT_URL_REFUSED");
        await screen(widget, "error");
        if (index < 2) await e.screenshot(page, `${language}-error-redirect-refused`);
        expect(await e.steps(page), name).toEqual(["APP_MOUNTED", "REDIRECT_URL_REFUSED"]);
        expect(await widget.locator("main button").count(), name).toBe(0);
        expect(new URL(e.frame(page).url()).pathname, name).toBe(`/connect/${e.t.customer.customerId}/`);
      }
    });

    it("sends frame-ancestors from the customer's allow-list; the browser refuses to frame the widget anywhere else", async () => {
      const response = await fetch(e.widgetUrl({ demo: "true" }));
      expect(response.headers.get("content-security-policy")).toContain(`frame-ancestors ${e.parentOrigin}`);
      // The same parent page, served from a look-alike origin (localhost instead of 127.0.0.1).
      const lookalike = e.parentOrigin.replace("127.0.0.1", "localhost");
      await e.open(page, await params(), lookalike);
      const frame = e.frame(page);
      await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
      // A round trip through the page's event loop: any message already sent would be recorded by now.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
      expect(await page.evaluate("window.received.length")).toBe(0);
    });
  },
);
