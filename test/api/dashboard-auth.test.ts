import { afterEach, describe, expect, it } from "vitest";
import { setSessionCookie } from "../../src/api/dashboard/dashboard-guard.js";
import { signInDashboard } from "../helpers/dashboard-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/** The dashboard's sign-in, cookie, cross-site protections and modes (docs/dashboard.md). */
describe("dashboard sign-in and protections", () => {
  let t: TestApp;
  let opened: TestApp | undefined;
  const open = async (options?: Parameters<typeof createTestApp>[0]) => {
    t = await createTestApp(options);
    opened = t;
  };
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it("signs in with the secret key into an HttpOnly, SameSite=Strict cookie on /dashboard; the store keeps only its hash", async () => {
    await open();
    const viewer = await signInDashboard(t);
    const setCookie = String(viewer.signInResponse.headers["set-cookie"]);
    expect(setCookie).toMatch(/^bankgate_dashboard=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/dashboard");
    // Plain HTTP here: Secure would make the browser drop it.
    expect(setCookie).not.toContain("Secure");
    expect(viewer.signInResponse.json()).toMatchObject({ customerId: t.customer.customerId, mode: "on", sandbox: true });
    const me = await viewer.get("/session");
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(viewer.csrfToken);
    const token = viewer.cookie.split("=")[1] ?? "";
    const rows = await t.deps.storage.dashboard.findSession(token);
    expect(rows).toBeUndefined();
  });

  it("marks the cookie Secure when the request came over TLS (Fastify's request.protocol)", () => {
    const headers = new Map<string, string>();
    const reply = { header: (name: string, value: string) => headers.set(name, value) };
    setSessionCookie({ protocol: "https" } as never, reply as never, "token");
    expect(headers.get("set-cookie")).toBe("bankgate_dashboard=token; Path=/dashboard; HttpOnly; SameSite=Strict; Secure");
    setSessionCookie({ protocol: "http" } as never, reply as never, null);
    expect(headers.get("set-cookie")).toBe("bankgate_dashboard=; Max-Age=0; Path=/dashboard; HttpOnly; SameSite=Strict");
  });

  it("refuses a wrong secret key and another customer's id alike, and answers signed-out without a cookie", async () => {
    await open();
    for (const payload of [
      { customerId: t.customer.customerId, secretKey: "wrong" },
      { customerId: "00000000-0000-4000-8000-000000000000", secretKey: t.customer.secretKey },
    ]) {
      const response = await t.app.inject({ method: "POST", url: "/dashboard/api/sign-in", payload });
      expect(response.statusCode).toBe(401);
      expect(response.json().FlinksCode).toBe("UNAUTHORIZED");
      expect(response.headers["set-cookie"]).toBeUndefined();
    }
    const anonymous = await t.app.inject({ method: "GET", url: "/dashboard/api/cards" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().FlinksCode).toBe("DASHBOARD_SIGNED_OUT");
    const forged = await t.app.inject({ method: "GET", url: "/dashboard/api/cards", headers: { cookie: "bankgate_dashboard=forged" } });
    expect(forged.json().FlinksCode).toBe("DASHBOARD_SIGNED_OUT");
  });

  it("refuses a cross-site change (no CSRF token, or another site's Origin or Sec-Fetch-Site) and accepts the same-site one", async () => {
    await open();
    const viewer = await signInDashboard(t);
    const advance = (headers: Record<string, string>) =>
      t.app.inject({
        method: "POST",
        url: "/dashboard/api/clock/advance",
        payload: { seconds: 60 },
        headers: { cookie: viewer.cookie, ...headers },
      });
    const attempts: Record<string, string>[] = [
      {},
      { "x-dashboard-csrf": "0".repeat(64) },
      { "x-dashboard-csrf": viewer.csrfToken, "sec-fetch-site": "cross-site" },
      { "x-dashboard-csrf": viewer.csrfToken, "sec-fetch-site": "same-site" },
      { "x-dashboard-csrf": viewer.csrfToken, origin: "https://evil.example" },
    ];
    for (const headers of attempts) {
      const response = await advance(headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json().FlinksCode).toBe("DASHBOARD_CROSS_SITE");
    }
    const before = t.deps.api.sandbox?.clock.state().offsetSeconds ?? 0;
    const sameSite = await viewer.change("POST", "/clock/advance", { seconds: 60 }, { origin: "http://localhost:80" });
    expect(sameSite.statusCode).toBe(200);
    expect(sameSite.json().offsetSeconds).toBeGreaterThanOrEqual(before + 60);
    // A cross-site sign-in (login CSRF) is refused too.
    const crossSignIn = await t.app.inject({
      method: "POST",
      url: "/dashboard/api/sign-in",
      payload: { customerId: t.customer.customerId, secretKey: t.customer.secretKey },
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSignIn.statusCode).toBe(403);
  });

  it("ends the session at sign-out and after the idle expiry (real time, not the virtual clock)", async () => {
    await open();
    const viewer = await signInDashboard(t);
    // The virtual clock moving a day signs nobody out.
    expect((await viewer.change("POST", "/clock/advance", { seconds: 86_400 })).statusCode).toBe(200);
    expect((await viewer.get("/cards")).statusCode).toBe(200);
    t.clock.advanceSeconds(31 * 60);
    expect((await viewer.get("/cards")).json().FlinksCode).toBe("DASHBOARD_SIGNED_OUT");

    const again = await signInDashboard(t);
    const out = await again.change("POST", "/sign-out");
    expect(out.statusCode).toBe(200);
    expect(String(out.headers["set-cookie"])).toContain("Max-Age=0");
    expect((await again.get("/cards")).json().FlinksCode).toBe("DASHBOARD_SIGNED_OUT");
  });

  it("read-only: shows, refuses every change with DASHBOARD_READ_ONLY, still signs out", async () => {
    await open({ env: { BANKGATE_DASHBOARD: "read-only" } });
    const viewer = await signInDashboard(t);
    expect(viewer.signInResponse.json().mode).toBe("read-only");
    expect((await viewer.get("/cards")).statusCode).toBe(200);
    for (const [method, path, payload] of [
      ["POST", "/clock/advance", { seconds: 60 }],
      ["DELETE", "/cards/00000000-0000-4000-8000-000000000000", undefined],
      ["PUT", "/webhooks/receiver", { url: "https://example.com/hook" }],
    ] as const) {
      const response = await viewer.change(method, path, payload);
      expect(response.statusCode, path).toBe(403);
      expect(response.json().FlinksCode).toBe("DASHBOARD_READ_ONLY");
    }
    expect((await viewer.change("POST", "/sign-out")).statusCode).toBe(200);
  });

  it("is off in a production deployment by default: no page, no API", async () => {
    await open({ env: { NODE_ENV: "production" } });
    expect((await t.app.inject({ method: "GET", url: "/dashboard/" })).statusCode).toBe(404);
    const signIn = await t.app.inject({
      method: "POST",
      url: "/dashboard/api/sign-in",
      payload: { customerId: t.customer.customerId, secretKey: t.customer.secretKey },
    });
    expect(signIn.statusCode).toBe(404);
  });
});
