import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

interface Sample {
  labels?: Record<string, string>;
  value?: string;
  count?: string;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

const parse = parsePrometheusTextFormat as unknown as (text: string) => Family[];

/** /metrics parsed by a third-party Prometheus text-format parser. */
async function scrape(t: TestApp): Promise<Family[]> {
  const response = await t.app.inject({ method: "GET", url: "/metrics" });
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(response.body);
}

/** The value of one sample (a counter or gauge; a histogram's count), 0 when absent. */
function sampleValue(families: Family[], name: string, labels: Record<string, string>): number {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([key, value]) => m.labels?.[key] === value));
  return Number(sample?.value ?? sample?.count ?? 0);
}

const AUTHORIZE_ROUTE = "/v3/:customerId/BankingServices/Authorize";

describe("GET /metrics", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("counts a login → 203 → answer → 200 flow by route pattern and status, connector calls and sessions", async () => {
    const before = await scrape(t);
    const token = await t.generateToken();
    const headers = { "flinks-auth-key": token };
    const login = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };
    const challenged = await t.post("Authorize", login, headers);
    expect(challenged.statusCode).toBe(203);
    const prompt = challenged.json().SecurityChallenges[0].Prompt as string;
    const { RequestId } = challenged.json();
    const authorized = await t.post("Authorize", { RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } }, headers);
    expect(authorized.statusCode).toBe(200);
    expect((await t.post("GetAccountsDetail", { RequestId }, headers)).statusCode).toBe(200);
    const after = await scrape(t);

    const moved = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved("bankgate_http_requests_total", { method: "POST", route: AUTHORIZE_ROUTE, status: "203" })).toBe(1);
    expect(moved("bankgate_http_requests_total", { method: "POST", route: AUTHORIZE_ROUTE, status: "200" })).toBe(1);
    // The parser drops a labelled histogram's labels: its count is read from prom-client's own registry.
    const latency = await t.deps.observability.metrics?.registry.getSingleMetric("bankgate_http_request_duration_seconds")?.get();
    const authorizeCount = latency?.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === "bankgate_http_request_duration_seconds_count" && v.labels.route === AUTHORIZE_ROUTE,
    );
    expect(authorizeCount?.value).toBeGreaterThanOrEqual(2);
    expect(after.find((f) => f.name === "bankgate_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
    const bank = { institution: "FlinksCapital" };
    expect(moved("bankgate_connector_calls_total", { ...bank, operation: "start", outcome: "challenged" })).toBe(1);
    expect(moved("bankgate_connector_calls_total", { ...bank, operation: "answer", outcome: "authorized" })).toBe(1);
    expect(moved("bankgate_connector_calls_total", { ...bank, operation: "fetchData", outcome: "data" })).toBe(1);
    expect(sampleValue(after, "bankgate_sessions", { state: "authorized" })).toBeGreaterThanOrEqual(1);
    expect(after.find((f) => f.name === "bankgate_live_sessions")?.metrics).toHaveLength(1);
    expect(after.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "bankgate_jobs",
        "bankgate_webhook_events",
        "bankgate_webhook_attempts",
        "bankgate_nightly_refresh_cards",
        "bankgate_connector_errors_total",
        "bankgate_process_cpu_user_seconds_total",
        "bankgate_nodejs_eventloop_lag_seconds",
      ]),
    );

    // No label value is an id, a username, a key or a token of this flow.
    const secrets = [
      t.customer.customerId,
      t.customer.secretKey,
      t.customer.apiKey,
      token,
      RequestId,
      authorized.json().Login.Id,
      "Greatday",
    ];
    const labelValues = after.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    for (const secret of secrets) expect(labelValues.filter((value) => value.toLowerCase().includes(secret.toLowerCase()))).toEqual([]);
  });

  it("counts a failed connector call by its catalogued code", async () => {
    const before = await scrape(t);
    const wrong = { Institution: "FlinksCapital", Username: "Greatday", Password: "wrong-password", MostRecentCached: false };
    expect((await t.authorize(wrong)).json().FlinksCode).toBe("INVALID_PASSWORD");
    const after = await scrape(t);
    const labels = { institution: "FlinksCapital", operation: "start", code: "INVALID_PASSWORD" };
    expect(
      sampleValue(after, "bankgate_connector_errors_total", labels) - sampleValue(before, "bankgate_connector_errors_total", labels),
    ).toBe(1);
    expect(sampleValue(after, "bankgate_http_requests_total", { route: AUTHORIZE_ROUTE, status: "401" })).toBeGreaterThanOrEqual(1);
  });

  it("answers only this machine's direct requests when no token is set", async () => {
    expect((await t.app.inject({ method: "GET", url: "/metrics", remoteAddress: "10.1.2.3" })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/metrics", headers: { "x-forwarded-for": "203.0.113.9" } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/metrics", headers: { forwarded: "for=203.0.113.9" } })).statusCode).toBe(404);
  });
});

describe("GET /metrics with BANKGATE_METRICS_TOKEN, and with BANKGATE_METRICS=off", () => {
  const metricsToken = "metrics-token-0123456789";
  let t: TestApp;
  let off: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BANKGATE_METRICS_TOKEN: metricsToken } });
    off = await createTestApp({ env: { BANKGATE_METRICS: "off" } });
  });
  afterAll(async () => {
    await t.close();
    await off.close();
  });

  it("needs the bearer token, from anywhere", async () => {
    const get = (headers: Record<string, string>) => t.app.inject({ method: "GET", url: "/metrics", remoteAddress: "10.1.2.3", headers });
    expect((await get({})).json().FlinksCode).toBe("ACCESS_DENIED");
    expect((await get({ authorization: "Bearer wrong-token-0123456789" })).statusCode).toBe(401);
    const allowed = await get({ authorization: `Bearer ${metricsToken}` });
    expect(allowed.statusCode).toBe(200);
    expect(parse(allowed.body).some((f) => f.name === "bankgate_http_requests_total")).toBe(true);
  });

  it("is not served when off", async () => {
    expect((await off.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(404);
  });
});

describe("/health, /health/live, /health/ready", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("keeps /health, answers /health/live, and checks store, migrations and widget on /health/ready", async () => {
    expect((await t.app.inject({ method: "GET", url: "/health" })).json()).toMatchObject({ status: "ok", store: "sqlite" });
    expect((await t.app.inject({ method: "GET", url: "/health/live" })).json()).toEqual({ status: "live" });
    const ready = await t.app.inject({ method: "GET", url: "/health/ready" });
    const widgetBuilt = t.deps.api.widget() !== null;
    expect(ready.json().checks).toEqual({ store: "ok", migrations: "ok", widget: widgetBuilt ? "ok" : "not built (npm run build)" });
    expect(ready.statusCode).toBe(widgetBuilt ? 200 : 503);
  });

  it("says the store is unreachable when its query fails", async () => {
    vi.spyOn(t.deps.observability.readings, "pendingMigrations").mockRejectedValueOnce(new Error("connection refused"));
    const ready = await t.app.inject({ method: "GET", url: "/health/ready" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: "not ready", checks: { store: "unreachable", migrations: "unknown" } });
  });
});
