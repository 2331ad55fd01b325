/**
 * Smaller holes (docs/decisions.md, Security): answers that carry account data, tokens or
 * keys are never cached; /demo sends no Referer anywhere; /docs has a Content-Security-Policy
 * (that Swagger UI still renders under it is test/e2e/docs-page.test.ts); a JSON body in a
 * charset other than UTF-8 is refused with 415 before it is read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCS_CSP } from "../../src/api/plumbing/docs-csp.js";
import { errorCatalog } from "../../src/errors/catalog.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let widgetDir: string;
let requestId: string;

beforeAll(async () => {
  widgetDir = mkdtempSync(join(tmpdir(), "bankgate-headers-widget-"));
  mkdirSync(join(widgetDir, "assets"));
  writeFileSync(join(widgetDir, "index.html"), '<!doctype html><script>"__BANKGATE_SETTINGS__"</script>');
  writeFileSync(join(widgetDir, "demo.html"), "<!doctype html><title>demo</title>");
  writeFileSync(join(widgetDir, "assets", "app-1234.js"), "console.log('widget');\n");
  t = await createTestApp({ randomInt: () => 0, env: { BANKGATE_WIDGET_DIR: widgetDir } });
  requestId = (await t.connect("Greatday+headers")).RequestId;
  await t.deps.runner.runUntilIdle();
});
afterAll(async () => {
  await t?.close();
  rmSync(widgetDir, { recursive: true, force: true });
});

describe("Cache-Control", () => {
  it("is no-store on every API answer: account data, tokens, keys, errors", async () => {
    const answers = {
      accounts: await t.post("GetAccountsDetail", { RequestId: requestId }, t.apiKeyHeaders()),
      summary: await t.post("GetAccountsSummary", { RequestId: requestId }, t.apiKeyHeaders()),
      token: await t.app.inject({
        method: "POST",
        url: t.path("GenerateAuthorizeToken"),
        headers: { "flinks-auth-key": t.customer.secretKey },
      }),
      authorize: await t.authorize({ LoginId: (await t.connect("Greatday+headers-2")).Login.Id, MostRecentCached: true }),
      demoToken: await t.app.inject({ method: "POST", url: "/demo/api/token" }),
      session: await t.app.inject({
        method: "GET",
        url: `/bankgate/v1/${t.customer.customerId}/sessions/${requestId}`,
        headers: t.apiKeyHeaders(),
      }),
      error: await t.post("GetAccountsDetail", { RequestId: "not-an-id" }, t.apiKeyHeaders()),
      notFound: await t.app.inject({ method: "GET", url: "/no/such/route" }),
    };
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.statusCode, `${name}: ${answer.body.slice(0, 200)}`).toBeLessThan(500);
      expect(answer.headers["cache-control"], name).toBe("no-store");
    }
    expect(answers.accounts.statusCode).toBe(200);
    expect(answers.demoToken.statusCode).toBe(200);
  });

  it("leaves static files their own caching", async () => {
    const asset = await t.app.inject({ method: "GET", url: "/connect/assets/app-1234.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });
});

describe("the demo page and the API docs", () => {
  it("sends /demo with Referrer-Policy: no-referrer", async () => {
    const demo = await t.app.inject({ method: "GET", url: "/demo" });
    expect(demo.statusCode).toBe(200);
    expect(demo.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("sends /docs and its files with a Content-Security-Policy", async () => {
    for (const url of ["/docs", "/docs/", "/docs/static/swagger-initializer.js", "/docs/static/swagger-ui-bundle.js"]) {
      const answer = await t.app.inject({ method: "GET", url });
      expect(answer.statusCode, url).toBeLessThan(400);
      expect(answer.headers["content-security-policy"], url).toBe(DOCS_CSP);
    }
  });
});

describe("request body charset", () => {
  const generateToken = (contentType: string) =>
    t.app.inject({
      method: "POST",
      url: t.path("GenerateAuthorizeToken"),
      headers: { "flinks-auth-key": t.customer.secretKey, "content-type": contentType },
      payload: "{}",
    });

  it.each([
    "application/json; charset=latin1",
    "application/json; charset=ISO-8859-1",
    'application/json; charset="windows-1252"',
    "application/json;charset=utf-16",
  ])("refuses %s with 415", async (contentType) => {
    const answer = await generateToken(contentType);
    expect(answer.statusCode).toBe(errorCatalog.UNSUPPORTED_MEDIA_TYPE.httpStatus);
    expect(answer.json()).toMatchObject({ FlinksCode: "UNSUPPORTED_MEDIA_TYPE", Message: errorCatalog.UNSUPPORTED_MEDIA_TYPE.message });
  });

  it.each([
    "application/json",
    "application/json; charset=utf-8",
    'application/json; charset="UTF-8"',
    "application/json; charset=utf8",
    "application/json; charset=us-ascii",
  ])("reads %s", async (contentType) => {
    expect((await generateToken(contentType)).statusCode).toBe(200);
  });

  it("never stores Latin-1 bytes as a mangled name: the login is refused before it is read", async () => {
    const body = Buffer.from(
      JSON.stringify({ Institution: "FlinksCapital", Username: "Grégoire", Password: "Everyday", MostRecentCached: false }),
      "latin1",
    );
    const answer = await t.app.inject({
      method: "POST",
      url: t.path("Authorize"),
      headers: { ...t.apiKeyHeaders(), "content-type": "application/json; charset=latin1" },
      payload: body,
    });
    expect(answer.statusCode).toBe(415);
  });
});
