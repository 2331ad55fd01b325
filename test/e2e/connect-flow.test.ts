import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answers, connectInWidget } from "../../src/playwright/index.js";
import type { ConnectEventOf, MfaType } from "../../widget/src/events.js";
import { type E2e, noBrowser, screen, startE2e } from "./e2e-harness.js";

const CITY = "#challenge-0";
const FLINKS_CAPITAL = { institution: "FlinksCapital", password: "Everyday" };

/**
 * Every MFA type (docs/flinks-compatibility.md#mfa-challenge-types), with the sandbox users that
 * ask it (docs/sandbox.md), each round's types, and the answers in order (the prompts are
 * translated; the choices are not).
 */
const MFA_FLOWS: Array<{ name: string; user: string; rounds: MfaType[][]; answers: Answers }> = [
  { name: "QuestionAndAnswer", user: "Greatday", rounds: [["QuestionAndAnswer"]], answers: ["Montreal"] },
  { name: "MultipleChoice", user: "mfa_multiple_choice", rounds: [["MultipleChoice"]], answers: ["Oak Avenue"] },
  {
    name: "MultipleChoiceMultipleAnswers",
    user: "mfa_multiple_answers",
    rounds: [["MultipleChoiceMultipleAnswers"]],
    answers: [["Desjardins", "Tangerine"]],
  },
  // The blue square, the second image.
  { name: "ImageSelection", user: "mfa_image", rounds: [["ImageSelection"]], answers: ["1"] },
  {
    name: "TextOrCall",
    user: "mfa_text_or_call",
    rounds: [["TextOrCall"], ["QuestionAndAnswer"]],
    answers: [["(514) •••-••12", "Call"], "123456"],
  },
  {
    name: "several challenges at once",
    user: "mfa_multiple",
    rounds: [["QuestionAndAnswer", "QuestionAndAnswer"]],
    answers: ["Montreal", "Canada"],
  },
];

describe.skipIf(noBrowser)("Connect widget in Chromium: the connect flow", { timeout: 60_000 }, () => {
  let e: E2e;
  let page: Page;
  beforeAll(async () => {
    e = await startE2e({ name: "flow" });
    page = await e.browser.newPage({ viewport: { width: 480, height: 760 } });
  }, 180_000);
  afterAll(() => e?.close());

  const params = (extra: Record<string, string> = {}) => e.params({ tag: "e2e-tag", ...extra });

  it("connects with a security question and the account selector: the exact event sequence, REDIRECT and landing URL", async () => {
    await e.open(page, await params({ accountSelectorEnable: "true" }));
    const driven = await connectInWidget(page, {
      ...FLINKS_CAPITAL,
      username: "Greatday+full",
      answers: { "What city were you born in?": "Montreal" },
      accounts: [1],
    });

    const events = await e.events(page);
    expect(events.map((event) => event.step)).toEqual([
      "APP_MOUNTED",
      "COMPONENT_LOAD_INSTITUTION_SELECTOR",
      "INSTITUTION_SELECTED",
      "COMPONENT_LOAD_CREDENTIAL",
      "SUBMIT_CREDENTIAL",
      "COMPONENT_LOAD_MFA",
      "SUBMIT_MFA",
      "COMPONENT_LOAD_ACCOUNT_SELECTION",
      "ACCOUNT_SELECTED",
      "REDIRECT",
    ]);
    for (const event of events) expect(event).toMatchObject({ schemaVersion: 1, tag: "e2e-tag" });
    const mfa = events[5] as ConnectEventOf<"COMPONENT_LOAD_MFA">;
    expect(mfa).toMatchObject({ institution: "FlinksCapital", mfaTypes: ["QuestionAndAnswer"] });
    expect(events[7]).toMatchObject({ totalAccounts: 4, displayedAccounts: 4 });
    const redirect = events[9] as ConnectEventOf<"REDIRECT">;
    const summary = await e.t.post("GetAccountsSummary", { RequestId: redirect.requestId }, e.t.apiKeyHeaders());
    const chosen = summary.json().Accounts.map((a: { Id: string }) => a.Id);
    expect(chosen).toHaveLength(1);
    expect(redirect).toEqual({
      step: "REDIRECT",
      schemaVersion: 1,
      tag: "e2e-tag",
      loginId: summary.json().Login.Id,
      requestId: mfa.requestId,
      institution: "FlinksCapital",
      accountId: chosen[0],
      accountIds: chosen,
      url: `${e.redirectUrl}&loginId=${summary.json().Login.Id}&institution=FlinksCapital&tag=e2e-tag&accountId=${chosen[0]}`,
    });
    expect(events[8]).toMatchObject({ accountId: chosen[0], accountIds: chosen });
    // The helper hands back what the widget posted while it drove: the same events, from the institution choice on.
    expect(driven).toEqual(events.slice(events.length - driven.length));
    expect(driven.map((event) => event.step)).toContain("INSTITUTION_SELECTED");
  });

  for (const language of ["en", "fr"] as const) {
    for (const flow of MFA_FLOWS) {
      it(`${language}: ${flow.name} — every round answered in the widget, then REDIRECT`, async () => {
        const widget = await e.open(page, await params({ language }));
        await screen(widget, "institutions");
        if (flow === MFA_FLOWS[0]) await e.screenshot(page, `${language}-institutions`);
        let round = 0;
        await connectInWidget(page, {
          ...FLINKS_CAPITAL,
          username: `${flow.user}+${language}`,
          answers: flow.answers,
          beforeSubmit: async (shown) => {
            if (shown === "credentials" && flow === MFA_FLOWS[0]) await e.screenshot(page, `${language}-credentials`);
            if (shown !== "mfa") return;
            round++;
            await e.screenshot(page, `${language}-mfa-${flow.name.replace(/ /g, "-")}${flow.rounds.length > 1 ? `-${round}` : ""}`);
          },
        });
        await screen(widget, "success");
        if (flow === MFA_FLOWS[0]) await e.screenshot(page, `${language}-success`);
        const events = await e.events(page);
        expect(events.map((event) => event.step)).toEqual([
          "APP_MOUNTED",
          "COMPONENT_LOAD_INSTITUTION_SELECTOR",
          "INSTITUTION_SELECTED",
          "COMPONENT_LOAD_CREDENTIAL",
          "SUBMIT_CREDENTIAL",
          ...flow.rounds.flatMap(() => ["COMPONENT_LOAD_MFA", "SUBMIT_MFA"]),
          "REDIRECT",
        ]);
        const loads = events.filter((event) => event.step === "COMPONENT_LOAD_MFA");
        expect(loads.map((event) => (event as ConnectEventOf<"COMPONENT_LOAD_MFA">).mfaTypes)).toEqual(flow.rounds);
        const redirect = events.at(-1) as ConnectEventOf<"REDIRECT">;
        expect(redirect.accountId).toBeUndefined();
        expect(redirect.url).toBe(`${e.redirectUrl}&loginId=${redirect.loginId}&institution=FlinksCapital&tag=e2e-tag`);
      });
    }
  }

  it("a wrong answer, then the right one: INVALID_SECURITY_RESPONSE, the retry screen, then REDIRECT", async () => {
    const widget = await e.open(page, await params());
    const refused = await connectInWidget(page, { ...FLINKS_CAPITAL, username: "Greatday+wrong-then-right", answers: ["Paris"] });
    expect(refused.at(-1)?.step).toBe("COMPONENT_LOAD_MFA_RETRY");
    await expect.poll(() => widget.locator("[role=alert]").textContent()).toContain("not correct");
    await e.screenshot(page, "en-mfa-wrong-answer");
    // A second call continues from the retry screen.
    expect((await connectInWidget(page, { answers: ["Montreal"] })).map((event) => event.step)).toEqual(["SUBMIT_MFA", "REDIRECT"]);
    expect((await e.steps(page)).slice(5)).toEqual([
      "COMPONENT_LOAD_MFA",
      "SUBMIT_MFA",
      "INVALID_SECURITY_RESPONSE",
      "COMPONENT_LOAD_MFA_RETRY",
      "SUBMIT_MFA",
      "REDIRECT",
    ]);
    const error = (await e.events(page))[7];
    expect(error).toMatchObject({ flinksCode: "INVALID_SECURITY_RESPONSE", institution: "FlinksCapital", requestId: expect.any(String) });
  });

  for (const language of ["en", "fr"] as const) {
    it(`${language}: maximumRetry=2 ends the flow with MAXIMUM_RETRY_REACHED after the second failure`, async () => {
      const widget = await e.open(page, await params({ maximumRetry: "2", language }));
      await connectInWidget(page, { ...FLINKS_CAPITAL, username: `Greatday+max-${language}`, answers: ["Paris"] });
      await connectInWidget(page, { answers: ["Lyon"] });
      await e.waitForStep(page, "MAXIMUM_RETRY_REACHED");
      await screen(widget, "error");
      await e.screenshot(page, `${language}-maximum-retry`);
      expect((await e.steps(page)).slice(5)).toEqual([
        "COMPONENT_LOAD_MFA",
        "SUBMIT_MFA",
        "INVALID_SECURITY_RESPONSE",
        "COMPONENT_LOAD_MFA_RETRY",
        "SUBMIT_MFA",
        "INVALID_SECURITY_RESPONSE",
        "MAXIMUM_RETRY_REACHED",
      ]);
      // No way forward from here: no retry button.
      expect(await widget.locator("main button").count()).toBe(0);
    });
  }

  for (const language of ["en", "fr"] as const) {
    it(`${language}: a wrong password shows the retry screen; the retry (with a renewed token) connects`, async () => {
      const widget = await e.open(page, await params({ language }));
      const credentials = { ...FLINKS_CAPITAL, username: `greatday_nomfa+pw-${language}` };
      await connectInWidget(page, { ...credentials, password: "wrong-password" });
      await e.waitForStep(page, "COMPONENT_LOAD_CREDENTIAL_RETRY");
      await screen(widget, "credentials");
      await e.screenshot(page, `${language}-credentials-wrong-password`);
      await connectInWidget(page, credentials);
      expect((await e.steps(page)).slice(4)).toEqual([
        "SUBMIT_CREDENTIAL",
        "INVALID_PASSWORD",
        "COMPONENT_LOAD_CREDENTIAL_RETRY",
        "SUBMIT_CREDENTIAL",
        "REDIRECT",
      ]);
    });
  }

  it("institution down: RETRY_LATER with a clear message, and a fresh start", async () => {
    const widget = await e.open(page, await params());
    await connectInWidget(page, { ...FLINKS_CAPITAL, username: "test_service_unavailable+e2e" });
    await e.waitForStep(page, "RETRY_LATER");
    await screen(widget, "error");
    await expect.poll(() => widget.locator("[role=alert]").textContent()).toContain("not available right now");
    await e.screenshot(page, "en-error-institution-down");
    await widget.getByRole("button", { name: "Start again" }).click();
    await screen(widget, "institutions");
    expect((await e.steps(page)).slice(4)).toEqual(["SUBMIT_CREDENTIAL", "RETRY_LATER", "COMPONENT_LOAD_INSTITUTION_SELECTOR"]);
  });

  for (const language of ["en", "fr"] as const) {
    it(`${language}: consent with terms, institution search, and the close button`, async () => {
      const widget = await e.open(
        page,
        await params({
          language,
          consentEnable: "true",
          customerName: "Acme Lending",
          termsUrl: "https://terms.example/terms",
          institutionFilterEnable: "true",
          closeEnable: "true",
        }),
      );
      await screen(widget, "consent");
      await e.screenshot(page, `${language}-consent`);
      await widget.locator('main button[type="button"]').first().click(); // accept without the terms: refused
      await expect.poll(() => widget.locator("[role=alert]").count()).toBe(1);
      await widget.locator('input[type="checkbox"]').check();
      await widget.locator('main button[type="button"]').first().click();
      await screen(widget, "institutions");
      await widget.locator("#institution-search").fill("zzz");
      await expect.poll(() => widget.locator(".institution").count()).toBe(0);
      await widget.locator("#institution-search").fill("capital");
      await expect.poll(() => widget.locator(".institution").count()).toBe(1);
      await e.screenshot(page, `${language}-institutions-search`);
      await widget.locator("header button").click();
      await e.waitForStep(page, "COMPONENT_CLOSE_SESSION");
      expect(await e.steps(page)).toEqual([
        "APP_MOUNTED",
        "COMPONENT_LOAD_CONSENT",
        "COMPONENT_ACCEPT_TERMS",
        "COMPONENT_ACCEPT_CONSENT",
        "COMPONENT_LOAD_INSTITUTION_SELECTOR",
        "COMPONENT_CLOSE_SESSION",
      ]);
    });
  }

  it("hides the sandbox institution without demo=true", async () => {
    const widget = await e.open(page, await params({ demo: "false" }));
    await screen(widget, "institutions");
    expect(await widget.locator(".institution").count()).toBe(0);
    expect(await widget.locator("main").textContent()).toContain("demo=true");
  });

  it("redirects the top window to the landing URL (its query kept), with the event first", async () => {
    await e.open(page, await params({ jsRedirect: "false" }));
    await connectInWidget(page, { ...FLINKS_CAPITAL, username: "greatday_nomfa+top" });
    await page.waitForURL((url) => url.pathname === "/landing", { timeout: 15_000 });
    const landed = new URL(page.url());
    expect(landed.origin).toBe(e.parentOrigin);
    expect([...landed.searchParams.keys()]).toEqual(["keep", "loginId", "institution", "tag"]);
    expect(landed.searchParams.get("tag")).toBe("e2e-tag");
  });

  it("connectInWidget ends when the top window leaves the page, even if the page never got REDIRECT", async () => {
    await e.open(page, await params({ jsRedirect: "false" }));
    // What a browser unloading the page too early does: REDIRECT never reaches the listener that
    // connectInWidget adds (this one comes first and stops it).
    await page.evaluate(() =>
      window.addEventListener("message", (event) => {
        if (JSON.stringify(event.data).includes('"REDIRECT"')) event.stopImmediatePropagation();
      }),
    );
    const events = await connectInWidget(page, { ...FLINKS_CAPITAL, username: "greatday_nomfa+lost" });
    expect(events.map((event) => event.step)).toEqual(["INSTITUTION_SELECTED", "COMPONENT_LOAD_CREDENTIAL", "SUBMIT_CREDENTIAL"]);
    await page.waitForURL((url) => url.pathname === "/landing", { timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get("loginId")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("redirects inside the iframe with innerRedirect=true", async () => {
    await e.open(page, await params({ jsRedirect: "false", innerRedirect: "true" }));
    const events = await connectInWidget(page, { ...FLINKS_CAPITAL, username: "greatday_nomfa+inner" });
    expect(events.at(-1)?.step).toBe("REDIRECT");
    // Watched through the browser, not the parent page's script: until the redirect lands the
    // frame is still on the widget's origin, whose location the parent may not read.
    await e.frame(page).waitForURL((url) => url.pathname === "/landing", { timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe("/parent");
    expect(new URL(e.frame(page).url()).searchParams.get("keep")).toBe("1");
  });

  it("posts JSON text with stringify=true", async () => {
    await e.open(page, await params({ stringify: "true" }));
    const raw = (await page.evaluate("window.received")) as Array<{ data: unknown }>;
    expect(typeof raw[0]?.data).toBe("string");
    expect(JSON.parse(raw[0]?.data as string)).toMatchObject({ step: "APP_MOUNTED", schemaVersion: 1 });
  });

  it("keeps credentials out of URLs, browser storage, events and the console; works at 320 px with the keyboard alone", async () => {
    const narrow = await e.browser.newPage({ viewport: { width: 320, height: 640 } });
    const consoleText: string[] = [];
    narrow.on("console", (message) => consoleText.push(message.text()));
    try {
      const widget = await e.open(
        narrow,
        await params({ accountSelectorEnable: "true", accountSelectorMultiple: "true", theme: "dark" }),
        undefined,
      );
      await narrow.evaluate(() => document.getElementById("connect")?.setAttribute("width", "320"));
      await screen(widget, "institutions");
      // Keyboard only: Tab to the institution, Enter, type, Enter.
      await widget.locator(".institution").first().focus(); // FlinksCapital, first by name
      await narrow.keyboard.press("Enter");
      await screen(widget, "credentials");
      await widget.locator("#username").focus();
      await narrow.keyboard.type("Greatday+keyboard");
      await narrow.keyboard.press("Tab");
      await narrow.keyboard.type("Everyday");
      await narrow.keyboard.press("Enter");
      await screen(widget, "mfa");
      await widget.locator(CITY).focus();
      await narrow.keyboard.type("Montreal");
      await narrow.keyboard.press("Enter");
      await screen(widget, "accounts");
      await e.screenshot(narrow, "en-accounts-320px-dark");
      await widget.locator('input[name="account"]').first().focus();
      await narrow.keyboard.press("Space");
      await widget.locator('input[name="account"]').nth(2).focus();
      await narrow.keyboard.press("Space");
      await widget.locator("form button[type=submit]").focus();
      await narrow.keyboard.press("Enter");
      await e.waitForStep(narrow, "REDIRECT");
      const redirect = (await e.events(narrow)).at(-1) as ConnectEventOf<"REDIRECT">;
      expect(redirect.accountIds).toHaveLength(2);
      // Nothing overflows the 320 px frame.
      const overflow = await e.frame(narrow).evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
      const frame = e.frame(narrow);
      const stored = await frame.evaluate(() => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookies: document.cookie,
        url: location.href,
      }));
      expect(stored).toMatchObject({ local: 0, session: 0, cookies: "" });
      const everything = `${stored.url} ${narrow.url()} ${JSON.stringify(await e.events(narrow))} ${consoleText.join(" ")}`;
      expect(everything).not.toContain("Everyday");
      expect(everything).not.toContain("Montreal");
    } finally {
      await narrow.close();
    }
  });
});
