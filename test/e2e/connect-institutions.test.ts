import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTokenLabel } from "../../src/connectors/simplefin/setup-token.js";
import { errorCatalog } from "../../src/errors/catalog.js";
import { connectInWidget } from "../../src/playwright/index.js";
import type { ConnectEventOf } from "../../widget/src/events.js";
import { type E2e, noBrowser, screen, startE2e } from "./e2e-harness.js";

const SIMPLEFIN = "SimpleFIN (sandbox)";
const OFX = "OFX Credit Union (sandbox)";

const TEXT = {
  en: {
    tokenLabel: "SimpleFIN setup token",
    cityQuestion: "What city were you born in?",
    approval: "Your bank must approve this app. Approve it (by email, text or in online banking), then continue.",
    continue: "Continue",
    alreadyUsed: errorCatalog.SETUP_TOKEN_ALREADY_USED.message,
    invalid: errorCatalog.SETUP_TOKEN_INVALID.message,
  },
  fr: {
    tokenLabel: "Jeton de configuration SimpleFIN",
    cityQuestion: "Dans quelle ville êtes-vous né?",
    approval:
      "Votre banque doit approuver cette application. Approuvez-la (courriel, texto ou services bancaires en ligne), puis continuez.",
    continue: "Continuer",
    alreadyUsed: "Ce jeton de configuration SimpleFIN a déjà été utilisé ou n’existe pas.",
    invalid: "Ce jeton de configuration SimpleFIN n’est pas valide",
  },
} as const;

/**
 * The two protocol institutions in the widget, against bankgate's own simulators over real
 * HTTP: SimpleFIN's one-field setup-token form (the username derived in the browser), and OFX's
 * usual form with its MFA question and its "approve this app" (TextOnly) round.
 */
describe.skipIf(noBrowser)("Connect widget in Chromium: SimpleFIN and OFX institutions", { timeout: 60_000 }, () => {
  let e: E2e;
  let page: Page;
  beforeAll(async () => {
    e = await startE2e({ name: "institutions", env: { BANKGATE_SIMULATORS: "on" } });
    page = await e.browser.newPage({ viewport: { width: 480, height: 760 } });
  }, 180_000);
  afterAll(() => e?.close());

  /** A fresh setup token from the sandbox control plane (the simulator's "ok" person: four accounts). */
  const newSetupToken = async (): Promise<string> => {
    const response = await e.t.app.inject({
      method: "POST",
      url: `/sandbox/v1/${e.t.customer.customerId}/simplefin/setup-tokens`,
      headers: { "flinks-auth-key": e.t.customer.secretKey },
      payload: { scenario: "ok" },
    });
    expect(response.statusCode).toBe(200);
    return response.json().setupToken as string;
  };

  /** The institution chosen in the widget; it stops at its credentials form. */
  const choose = (institution: string) => connectInWidget(page, { institution, stopAt: "credentials" });

  /** The card's accounts through the Flinks API, as the app reads them after REDIRECT. */
  const accountsOf = async (requestId: string) => {
    let body: { Login: { Id: string; Username: string }; Accounts: unknown[] } | null = null;
    await expect
      .poll(
        async () => {
          const response = await e.t.post("GetAccountsDetail", { RequestId: requestId }, e.t.apiKeyHeaders());
          if (response.statusCode === 200) body = response.json();
          return response.statusCode;
        },
        { timeout: 20_000 },
      )
      .toBe(200);
    return body as unknown as { Login: { Id: string; Username: string }; Accounts: unknown[] };
  };

  for (const language of ["en", "fr"] as const) {
    it(`${language}: SimpleFIN — one field, a pasted token, REDIRECT, then the accounts through the API`, async () => {
      const token = await newSetupToken();
      const widget = await e.open(page, await e.params({ language }));
      await screen(widget, "institutions");
      // Both protocol institutions are sandbox ones: listed with demo=true, beside FlinksCapital.
      for (const name of [SIMPLEFIN, OFX, "FlinksCapital"]) expect(await widget.getByRole("button", { name, exact: true }).count()).toBe(1);
      await e.screenshot(page, `${language}-institutions-with-protocols`);
      await choose(SIMPLEFIN);
      // One field: the token. No username, no password box.
      expect(await widget.locator("main input, main textarea").count()).toBe(1);
      expect(await widget.locator("label[for=setup-token]").textContent()).toBe(TEXT[language].tokenLabel);
      const help = widget.locator(".help-link a");
      expect(await help.getAttribute("href")).toBe("/sim/simplefin/create");
      expect(await help.getAttribute("target")).toBe("_blank");
      await e.screenshot(page, `${language}-simplefin-token-form`);
      // Pasted as people paste it: broken over lines, with spaces around.
      await connectInWidget(page, {
        password: `  ${token.replace(/(.{40})/g, "$1\n")}  `,
        beforeSubmit: () => e.screenshot(page, `${language}-simplefin-token-pasted`),
      });
      await screen(widget, "success");
      // People read the institution's name, not its code.
      expect(await widget.locator("main").textContent()).toContain(SIMPLEFIN);
      await e.screenshot(page, `${language}-simplefin-success`);
      await e.waitForStep(page, "REDIRECT");
      const events = await e.events(page);
      expect(events.map((event) => event.step)).toEqual([
        "APP_MOUNTED",
        "COMPONENT_LOAD_INSTITUTION_SELECTOR",
        "INSTITUTION_SELECTED",
        "COMPONENT_LOAD_CREDENTIAL",
        "SUBMIT_CREDENTIAL",
        "REDIRECT",
      ]);
      const redirect = events.at(-1) as ConnectEventOf<"REDIRECT">;
      expect(redirect).toMatchObject({ institution: "SimpleFINSandbox", loginId: expect.any(String) });
      const detail = await accountsOf(redirect.requestId);
      expect(detail.Login.Id).toBe(redirect.loginId);
      // The browser derived the username exactly as the server does.
      expect(detail.Login.Username).toBe(setupTokenLabel(token));
      expect(detail.Accounts).toHaveLength(4);
      // Nothing of the token in the events or the page's URL.
      const everything = `${JSON.stringify(events)} ${e.frame(page).url()}`;
      expect(everything).not.toContain(token.slice(0, 24));

      // The same token pasted again finds the same card (no second claim: it is spent).
      await e.open(page, await e.params({ language }));
      const sameCard = await connectInWidget(page, { institution: SIMPLEFIN, password: token });
      expect(sameCard.at(-1)?.loginId).toBe(redirect.loginId);
    });

    it(`${language}: SimpleFIN — a token someone else claimed shows the "already used" warning; a bad one, "not valid"; a good one connects`, async () => {
      const stolen = await newSetupToken();
      // Someone else claims it first (the protocol's claim: POST to the URL inside the token).
      const claim = await fetch(Buffer.from(stolen, "base64").toString("utf8"), { method: "POST" });
      expect(claim.status).toBe(200);
      const widget = await e.open(page, await e.params({ language }));
      await connectInWidget(page, { institution: SIMPLEFIN, password: stolen });
      await screen(widget, "credentials");
      const alert = widget.locator("[role=alert]");
      if (language === "en") expect(await alert.textContent()).toBe(TEXT.en.alreadyUsed);
      else expect(await alert.textContent()).toContain(TEXT.fr.alreadyUsed);
      await e.screenshot(page, `${language}-simplefin-token-already-used`);

      await connectInWidget(page, { password: "this is not a setup token" });
      await screen(widget, "credentials");
      expect(await widget.locator("[role=alert]").textContent()).toContain(TEXT[language].invalid);

      await connectInWidget(page, { password: await newSetupToken() });
      expect((await e.steps(page)).slice(4)).toEqual([
        "SUBMIT_CREDENTIAL",
        "SETUP_TOKEN_ALREADY_USED",
        "COMPONENT_LOAD_CREDENTIAL_RETRY",
        "SUBMIT_CREDENTIAL",
        "SETUP_TOKEN_INVALID",
        "COMPONENT_LOAD_CREDENTIAL_RETRY",
        "SUBMIT_CREDENTIAL",
        "REDIRECT",
      ]);
      expect((await e.events(page))[5]).toMatchObject({ flinksCode: "SETUP_TOKEN_ALREADY_USED", institution: "SimpleFINSandbox" });
    });

    it(`${language}: OFX — Greatday / Everyday, the MFA question, Montreal, REDIRECT, then the accounts`, async () => {
      const widget = await e.open(page, await e.params({ language }));
      await choose(OFX);
      expect(await widget.locator("#username").count()).toBe(1);
      expect(await widget.locator("#password").count()).toBe(1);
      await e.screenshot(page, `${language}-ofx-credentials`);
      await connectInWidget(page, {
        username: `Greatday+widget-${language}`,
        password: "Everyday",
        answers: { [TEXT[language].cityQuestion]: "Montreal" },
        beforeSubmit: async (shown) => {
          if (shown === "mfa") await e.screenshot(page, `${language}-ofx-mfa`);
        },
      });
      await screen(widget, "success");
      const events = await e.events(page);
      expect(events.map((event) => event.step).slice(4)).toEqual(["SUBMIT_CREDENTIAL", "COMPONENT_LOAD_MFA", "SUBMIT_MFA", "REDIRECT"]);
      expect(events[5]).toMatchObject({ institution: "OFXCreditUnion", mfaTypes: ["QuestionAndAnswer"] });
      const redirect = events.at(-1) as ConnectEventOf<"REDIRECT">;
      const detail = await accountsOf(redirect.requestId);
      expect(detail.Login.Id).toBe(redirect.loginId);
      expect(detail.Accounts).toHaveLength(4);
    });

    it(`${language}: OFX — "approve this app at your bank": a message and Continue (TextOnly), then REDIRECT`, async () => {
      const widget = await e.open(page, await e.params({ language }));
      await connectInWidget(page, { institution: OFX, username: `approve_app+widget-${language}`, password: "Everyday", stopAt: "mfa" });
      expect(await widget.locator(".notice").textContent()).toBe(TEXT[language].approval);
      // Nothing to type: the person acts at the bank, then continues.
      expect(await widget.locator("main input, main textarea").count()).toBe(0);
      expect(await widget.locator("form button[type=submit]").textContent()).toBe(TEXT[language].continue);
      await e.screenshot(page, `${language}-ofx-approve-app`);
      await connectInWidget(page, {});
      await screen(widget, "success");
      const events = await e.events(page);
      expect(events.map((event) => event.step).slice(4)).toEqual(["SUBMIT_CREDENTIAL", "COMPONENT_LOAD_MFA", "SUBMIT_MFA", "REDIRECT"]);
      expect(events[5]).toMatchObject({ institution: "OFXCreditUnion", mfaTypes: ["TextOnly"] });
      const redirect = events.at(-1) as ConnectEventOf<"REDIRECT">;
      expect((await accountsOf(redirect.requestId)).Accounts).toHaveLength(4);
    });
  }
});
