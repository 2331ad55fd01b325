import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const SIMPLEFIN_FORM = {
  usernameLabel: { en: "A name for this connection", fr: "Un nom pour cette connexion" },
  passwordLabel: { en: "SimpleFIN setup token", fr: "Jeton de configuration SimpleFIN" },
  helpUrl: "/sim/simplefin/create",
  username: "derived",
};

/**
 * Institutions carry their login form (labels, help URL, a derived username) in the list and
 * in the Connect page, so the widget can draw it; the simulator institutions are the example.
 */
describe("institutions' login forms", () => {
  let t: TestApp;
  let widgetDir: string;
  beforeAll(async () => {
    widgetDir = mkdtempSync(join(tmpdir(), "bankgate-widget-forms-"));
    writeFileSync(join(widgetDir, "index.html"), '<script id="bankgate-settings" type="application/json">"__BANKGATE_SETTINGS__"</script>');
    t = await createTestApp({ env: { BANKGATE_SIMULATORS: "on", BANKGATE_WIDGET_DIR: widgetDir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(widgetDir, { recursive: true, force: true });
  });

  const listed = async () =>
    (await t.app.inject({ method: "GET", url: "/bankgate/v1/institutions" })).json().institutions as Array<Record<string, unknown>>;

  it("lists the SimpleFIN sandbox with its one-field form and the OFX sandbox with the usual one", async () => {
    const institutions = await listed();
    expect(institutions.find((i) => i.id === "SimpleFINSandbox")).toEqual({
      id: "SimpleFINSandbox",
      name: "SimpleFIN (sandbox)",
      institutionId: 9101,
      sandbox: true,
      logoUrl: "/bankgate/v1/institutions/SimpleFINSandbox/logo",
      loginForm: SIMPLEFIN_FORM,
    });
    const ofx = institutions.find((i) => i.id === "OFXCreditUnion");
    expect(ofx).toMatchObject({ name: "OFX Credit Union (sandbox)", sandbox: true });
    expect(ofx).not.toHaveProperty("loginForm");
    expect(institutions.find((i) => i.id === "FlinksCapital")).not.toHaveProperty("loginForm");
  });

  it("puts the same list in the Connect page's settings", async () => {
    const page = await t.app.inject({ method: "GET", url: `/connect/${t.customer.customerId}/?demo=true` });
    const json = /<script id="bankgate-settings" type="application\/json">(.*?)<\/script>/s.exec(page.body)?.[1];
    const settings = JSON.parse(json ?? "null");
    const fromList = (await listed()).map(({ institutionId: _id, ...rest }) => rest);
    expect(settings.institutions).toEqual(fromList);
    expect(settings.institutions.find((i: { id: string }) => i.id === "SimpleFINSandbox").loginForm).toEqual(SIMPLEFIN_FORM);
  });

  it("documents the login form's fields in the OpenAPI document", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const institution =
      doc.paths["/bankgate/v1/institutions"].get.responses["200"].content["application/json"].schema.properties.institutions.items;
    const form = institution.properties.loginForm;
    expect(institution.required).not.toContain("loginForm");
    expect(Object.keys(form.properties)).toEqual(["usernameLabel", "passwordLabel", "helpUrl", "username"]);
    expect(form.properties.username.enum).toEqual(["derived"]);
    expect(form.properties.username.description).toContain("bankgate simplefin label");
    for (const field of ["usernameLabel", "passwordLabel"]) {
      expect(form.properties[field].required).toEqual(["en", "fr"]);
    }
    expect(form.properties.helpUrl.description).toContain("path on this server");
  });
});
