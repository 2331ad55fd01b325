import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { refusedRedirectUrls } from "../fixtures/refused-redirect-urls.js";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

const GOOD_REDIRECT = "https://good.example/callback?keep=1";
const PARENTS = ["https://app.good.example", "http://127.0.0.1:4000"];
const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };

/** A stand-in build: the API tests check serving, not the widget (test/e2e drives the real one). */
function fakeWidgetBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), "bankgate-widget-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><script id="bankgate-settings" type="application/json">"__BANKGATE_SETTINGS__"</script><script type="module" src="/connect/assets/index-abc123.js"></script>',
  );
  writeFileSync(join(dir, "demo.html"), "<!doctype html><title>demo</title>");
  writeFileSync(join(dir, "assets", "index-abc123.js"), `export const widget = ${JSON.stringify("x".repeat(2000))};\n`);
  writeFileSync(join(dir, "assets", "index-abc123.css"), "body{margin:0}");
  return dir;
}

/** The settings the page hands the widget (src/api/connect/connect-page.ts). */
function settingsOf(html: string) {
  const json = /<script id="bankgate-settings" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
  return JSON.parse(json ?? "null");
}

describe("Connect widget: page, assets and allow-lists", () => {
  let t: TestApp;
  let widgetDir: string;
  beforeAll(async () => {
    widgetDir = fakeWidgetBuild();
    t = await createTestApp({
      env: {
        BANKGATE_WIDGET_DIR: widgetDir,
        BANKGATE_CONNECT_REDIRECT_URLS: `${GOOD_REDIRECT},http://127.0.0.1:4000/landing`,
        BANKGATE_CONNECT_PARENT_ORIGINS: PARENTS.join(","),
        // The sandbox banks alone (the simulator institutions have tests of their own).
        BANKGATE_SIMULATORS: "off",
      },
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(widgetDir, { recursive: true, force: true });
  });

  const page = (query = "", customerId = t.customer.customerId) => t.app.inject({ method: "GET", url: `/connect/${customerId}/${query}` });

  it("serves the widget per customer: frame-ancestors and postMessage targets from its allow-list, no referrer, no caching", async () => {
    const response = await page("?demo=true&language=fr&unknownParameter=1");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain(`frame-ancestors ${PARENTS.join(" ")}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe");
    expect(settingsOf(response.body)).toEqual({
      customerId: t.customer.customerId,
      customerName: "Development customer",
      parentOrigins: PARENTS,
      redirect: { url: null, refused: false },
      institutions: ["FlinksCapital", "LaurentideSavings", "LibertyNational", "MapleTrust", "NorthwindCreditUnion"].map((id) => ({
        id,
        name: expect.any(String),
        sandbox: true,
        logoUrl: `/bankgate/v1/institutions/${id}/logo`,
      })),
      development: true,
    });
  });

  it("serves the same page under /connect/{customerId} without the trailing slash", async () => {
    const response = await t.app.inject({ method: "GET", url: `/connect/${t.customer.customerId}?demo=true` });
    expect(response.statusCode).toBe(200);
    expect(settingsOf(response.body).customerId).toBe(t.customer.customerId);
  });

  it("lets nobody frame the page of an unknown customer, and tells the widget nothing", async () => {
    for (const id of ["9022abc2-8a2e-4b06-a06e-c3e5449c4d10", "not-a-guid"]) {
      const response = await page("", id);
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(settingsOf(response.body)).toMatchObject({
        customerId: "",
        customerName: null,
        parentOrigins: [],
        redirect: { url: null, refused: false },
      });
    }
  });

  it("accepts a redirectUrl on the allow-list, exactly as registered", async () => {
    const response = await page(`?redirectUrl=${encodeURIComponent(GOOD_REDIRECT)}`);
    expect(settingsOf(response.body).redirect).toEqual({ url: GOOD_REDIRECT, refused: false });
  });

  for (const { name, url } of refusedRedirectUrls(GOOD_REDIRECT)) {
    it(`refuses a redirectUrl with ${name}`, async () => {
      const response = await page(`?redirectUrl=${encodeURIComponent(url)}`);
      expect(response.statusCode).toBe(200);
      expect(settingsOf(response.body).redirect).toEqual({ url: null, refused: true });
      expect(response.body).not.toContain("evil.example");
    });
  }

  it("refuses a redirectUrl given twice, and one allowed for another customer", async () => {
    const twice = await page(`?redirectUrl=${encodeURIComponent(GOOD_REDIRECT)}&redirectUrl=${encodeURIComponent(GOOD_REDIRECT)}`);
    expect(settingsOf(twice.body).redirect).toEqual({ url: null, refused: true });
    const other = await t.addCustomer();
    const foreign = await page(`?redirectUrl=${encodeURIComponent(GOOD_REDIRECT)}`, other.customerId);
    expect(settingsOf(foreign.body).redirect).toEqual({ url: null, refused: true });
    expect(foreign.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  });

  it("serves hashed assets with their content type, a year of caching and gzip when accepted", async () => {
    const plain = await t.app.inject({ method: "GET", url: "/connect/assets/index-abc123.js" });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(plain.headers["x-content-type-options"]).toBe("nosniff");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const gzipped = await t.app.inject({
      method: "GET",
      url: "/connect/assets/index-abc123.js",
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(plain.body);
    const css = await t.app.inject({ method: "GET", url: "/connect/assets/index-abc123.css" });
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    for (const missing of ["/connect/assets/nope.js", "/connect/assets/..%2Findex.html", "/connect/assets/%2e%2e%2fdemo.html"]) {
      const response = await t.app.inject({ method: "GET", url: missing });
      expect(response.statusCode).toBe(404);
      expect(response.json().FlinksCode).toBe("NOT_FOUND");
    }
  });

  it("serves the demo page while the sandbox control plane is on, framing nothing but itself", async () => {
    const response = await t.app.inject({ method: "GET", url: "/demo" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-security-policy"]).toContain("frame-src 'self'");
    const token = await t.app.inject({ method: "POST", url: "/demo/api/token" });
    expect(token.json()).toEqual({ customerId: t.customer.customerId, token: expect.any(String) });
  });
});

describe("Connect widget: the demo switched off", () => {
  it("has no demo page and no demo token endpoint with BANKGATE_DEMO=off", async () => {
    const t = await createTestApp({ env: { BANKGATE_DEMO: "off" } });
    try {
      expect((await t.app.inject({ method: "GET", url: "/demo" })).statusCode).toBe(404);
      expect((await t.app.inject({ method: "POST", url: "/demo/api/token" })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe("Connect allow-list configuration", () => {
  it("defaults to the local demo page, on both loopback names", () => {
    const config = loadConfig({ PORT: "3456" });
    expect(config.connect.parentOrigins).toEqual(["http://127.0.0.1:3456", "http://localhost:3456"]);
    expect(config.connect.redirectUrls).toEqual(["http://127.0.0.1:3456/demo", "http://localhost:3456/demo"]);
    expect(loadConfig({ BANKGATE_CONNECT_PARENT_ORIGINS: "" }).connect.parentOrigins).toEqual([]);
  });

  it.each([
    ["BANKGATE_CONNECT_PARENT_ORIGINS", "https://app.example/"],
    ["BANKGATE_CONNECT_PARENT_ORIGINS", "https://APP.example"],
    ["BANKGATE_CONNECT_PARENT_ORIGINS", "javascript:alert(1)"],
    ["BANKGATE_CONNECT_REDIRECT_URLS", "https://app.example"],
    ["BANKGATE_CONNECT_REDIRECT_URLS", "https://user:pw@app.example/done"],
    ["BANKGATE_CONNECT_REDIRECT_URLS", "https://app.example/done#x"],
    ["BANKGATE_CONNECT_REDIRECT_URLS", "ftp://app.example/done"],
    ["BANKGATE_CONNECT_REDIRECT_URLS", "/done"],
  ])("refuses %s=%s (not canonical or not http(s))", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
});

describe("Connect widget API: resume, token renewal, account selection", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ randomInt: () => 0, env: { BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS: "900" } });
  });
  afterAll(() => t.close());

  const session = (requestId: string, headers: Record<string, string>) =>
    t.app.inject({ method: "GET", url: `/connect/api/v1/${t.customer.customerId}/sessions/${requestId}`, headers });
  const renew = (headers: Record<string, string>) =>
    t.app.inject({ method: "POST", url: `/connect/api/v1/${t.customer.customerId}/tokens/renew`, headers });
  const accounts = (requestId: string, headers: Record<string, string>) =>
    t.app.inject({ method: "GET", url: `/connect/api/v1/${t.customer.customerId}/sessions/${requestId}/accounts`, headers });
  const select = (requestId: string, accountIds: unknown, headers: Record<string, string>) =>
    t.app.inject({
      method: "PUT",
      url: `/connect/api/v1/${t.customer.customerId}/sessions/${requestId}/accounts`,
      payload: { accountIds },
      headers,
    });
  const auth = (token: string) => ({ "flinks-auth-key": token });

  async function challenged(username = "Greatday") {
    const token = await t.generateToken();
    const reply = await t.post("Authorize", { ...GREATDAY, Username: username }, auth(token));
    expect(reply.statusCode).toBe(203);
    return { token, requestId: reply.json().RequestId as string, challenges: reply.json().SecurityChallenges };
  }

  it("answers a challenged session like /Authorize with the RequestId alone, to the token that opened it", async () => {
    const { token, requestId, challenges } = await challenged();
    const resumed = await session(requestId, auth(token));
    expect(resumed.statusCode).toBe(203);
    expect(resumed.json()).toMatchObject({
      HttpStatusCode: 203,
      RequestId: requestId,
      Institution: "FlinksCapital",
      SecurityChallenges: challenges,
    });
  });

  it("binds a fresh token to the session (another page, another browser) and lets it answer", async () => {
    const { requestId, challenges } = await challenged();
    const fresh = await t.generateToken();
    expect((await session(requestId, auth(fresh))).statusCode).toBe(203);
    const prompt = challenges[0].Prompt as string;
    const answered = await t.post(
      "Authorize",
      { RequestId: requestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
      auth(fresh),
    );
    expect(answered.statusCode).toBe(200);
    expect((await session(requestId, auth(fresh))).json()).toMatchObject({
      HttpStatusCode: 200,
      RequestId: requestId,
      Login: { Id: answered.json().Login.Id },
    });
    // Bound to that session now: it opens no other.
    expect((await t.post("Authorize", GREATDAY, auth(fresh))).json().FlinksCode).toBe("ACCESS_DENIED");
  });

  it("refuses a token already bound to another session, and other customers' tokens", async () => {
    const first = await challenged("Greatday+resume-a");
    const second = await challenged("Greatday+resume-b");
    expect((await session(first.requestId, auth(second.token))).json().FlinksCode).toBe("ACCESS_DENIED");
    const other = await t.addCustomer();
    expect((await session(first.requestId, auth(await t.generateToken(other)))).json().FlinksCode).toBe("ACCESS_DENIED");
  });

  it("answers unknown and expired RequestIds without spending the fresh token", async () => {
    const fresh = await t.generateToken();
    const freshLogin = { ...GREATDAY, Username: "Greatday+unspent" };
    const unknown = await session("9022abc2-8a2e-4b06-a06e-c3e5449c4d10", auth(fresh));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().FlinksCode).toBe("SESSION_NONEXISTENT");
    const { requestId } = await challenged("Greatday+expiring");
    t.clock.advanceSeconds(480);
    const expired = await session(requestId, auth(fresh));
    expect(expired.json()).toMatchObject({ FlinksCode: "SESSION_EXPIRED", RequestId: requestId });
    expect((await t.post("Authorize", freshLogin, auth(fresh))).statusCode).toBe(203);
  });

  it("works with the API key too (server-to-server)", async () => {
    const { requestId } = await challenged("Greatday+apikey");
    expect((await session(requestId, t.apiKeyHeaders())).statusCode).toBe(203);
  });

  it("renews a token whose session failed: the old one dies, the new one keeps its expiry and opens one session", async () => {
    const token = await t.generateToken();
    const wrong = await t.post("Authorize", { ...GREATDAY, Username: "Greatday+renew", Password: "wrong" }, auth(token));
    expect(wrong.json().FlinksCode).toBe("INVALID_PASSWORD");
    const renewed = await renew(auth(token));
    expect(renewed.statusCode).toBe(200);
    const next = renewed.json().Token as string;
    expect(next).not.toBe(token);
    expect((await renew(auth(token))).json().FlinksCode).toBe("ACCESS_DENIED");
    const renewedLogin = { ...GREATDAY, Username: "Greatday+renew" };
    expect((await t.post("Authorize", renewedLogin, auth(next))).statusCode).toBe(203);
    expect((await t.post("Authorize", renewedLogin, auth(next))).json().FlinksCode).toBe("ACCESS_DENIED");
  });

  it("never stretches a token's life by renewing it", async () => {
    const token = await t.generateToken();
    await t.post("Authorize", { ...GREATDAY, Username: "Greatday+lifetime", Password: "wrong" }, auth(token));
    t.clock.advanceSeconds(899);
    const next = (await renew(auth(token))).json().Token as string;
    t.clock.advanceSeconds(1);
    expect((await t.post("Authorize", { ...GREATDAY, Username: "Greatday+lifetime" }, auth(next))).json().FlinksCode).toBe("ACCESS_DENIED");
  });

  it("answers an unused token as is, and refuses to renew one whose session is still open or authorized", async () => {
    const unused = await t.generateToken();
    expect((await renew(auth(unused))).json()).toEqual({ HttpStatusCode: 200, Token: unused });
    const { token, requestId } = await challenged("Greatday+open");
    const open = await renew(auth(token));
    expect(open.statusCode).toBe(400);
    expect(open.json()).toMatchObject({ FlinksCode: "INVALID_REQUEST", RequestId: requestId });
    expect((await renew(t.apiKeyHeaders())).json().FlinksCode).toBe("ACCESS_DENIED");
  });

  it("renews after the session expired (a fresh start)", async () => {
    const { token } = await challenged("Greatday+stale");
    t.clock.advanceSeconds(480);
    const next = (await renew(auth(token))).json().Token as string;
    expect((await t.post("Authorize", { ...GREATDAY, Username: "Greatday+stale" }, auth(next))).statusCode).toBe(203);
  });

  it("lists every account of the card for the selector, then narrows every data call on the card to the selection", async () => {
    const token = await t.generateToken();
    const login = await t.post("Authorize", { ...GREATDAY, Username: "greatday_nomfa+select" }, auth(token));
    const { RequestId: requestId, Login } = login.json();
    const listed = await accounts(requestId, auth(token));
    expect(listed.statusCode).toBe(200);
    const all = listed.json().accounts as Array<{ id: string; currency: string; lastFourDigits: string }>;
    expect(all.length).toBe(4);
    expect(all[0]).toMatchObject({
      id: expect.any(String),
      title: expect.any(String),
      currency: "CAD",
      lastFourDigits: expect.stringMatching(/^\d{4}$/),
    });
    expect(listed.json().selectedAccountIds).toEqual([]);

    const [first, second] = all.map((a) => a.id) as [string, string];
    const saved = await select(requestId, [first.toUpperCase(), first], auth(token));
    expect(saved.json()).toEqual({ selectedAccountIds: [first] });

    const detail = await t.post("GetAccountsDetail", { RequestId: requestId }, auth(token));
    expect(detail.json().Accounts.map((a: { Id: string }) => a.Id)).toEqual([first]);
    const summary = await t.post("GetAccountsSummary", { RequestId: requestId }, auth(token));
    expect(summary.json().Accounts.map((a: { Id: string }) => a.Id)).toEqual([first]);
    const outside = await t.post("GetAccountsDetail", { RequestId: requestId, AccountsFilter: [second] }, auth(token));
    expect(outside.json().Accounts).toEqual([]);
    const statements = await t.post("GetStatements", { RequestId: requestId }, auth(token));
    expect(statements.json().StatementsByAccount).toHaveLength(1);

    // Remembered on the card: a later cached session sees the same narrowing; the selector still lists all.
    const cached = await t.post("Authorize", { LoginId: Login.Id, MostRecentCached: true }, t.apiKeyHeaders());
    const later = await t.post("GetAccountsDetail", { RequestId: cached.json().RequestId }, t.apiKeyHeaders());
    expect(later.json().Accounts.map((a: { Id: string }) => a.Id)).toEqual([first]);
    const again = await accounts(cached.json().RequestId, t.apiKeyHeaders());
    expect(again.json().accounts).toHaveLength(4);
    expect(again.json().selectedAccountIds).toEqual([first]);
  });

  it("refuses selections of unknown accounts, empty ones, and selections before authorization or with a foreign token", async () => {
    const token = await t.generateToken();
    const { RequestId: requestId } = (await t.post("Authorize", { ...GREATDAY, Username: "greatday_nomfa+refuse" }, auth(token))).json();
    await accounts(requestId, auth(token));
    const unknown = await select(requestId, ["9022abc2-8a2e-4b06-a06e-c3e5449c4d10"], auth(token));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().FlinksCode).toBe("INVALID_REQUEST");
    expect((await select(requestId, [], auth(token))).json().FlinksCode).toBe("INVALID_REQUEST");
    expect((await select(requestId, "nope", auth(token))).json().FlinksCode).toBe("INVALID_REQUEST");
    expect((await select(requestId, ["x"], auth(await t.generateToken()))).json().FlinksCode).toBe("ACCESS_DENIED");
    const pending = await challenged("Greatday+early");
    const early = await select(pending.requestId, ["9022abc2-8a2e-4b06-a06e-c3e5449c4d10"], auth(pending.token));
    expect(early.json()).toMatchObject({ HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED" });
  });
});
