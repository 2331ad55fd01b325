/**
 * Webhooks through the real HTTP surface, on SQLite and PostgreSQL: a receiver on 127.0.0.1
 * configured with PUT /bankgate/v1/{customerId}/webhooks gets KYC then GetAccountsDetail
 * after a live login, signed as Flinks signs (verified here with node:crypto directly, not
 * bankgate's module), each with one EventId in header and body; a receiver that fails for a
 * while accepts every event exactly once after retries 30 min apart (time moved on the
 * ManualClock, jobs run by the test); the delivery log and replay endpoints.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { errorCatalog } from "../../src/errors/catalog.js";
import { refreshFailedEvent } from "../../src/webhooks/refresh-failed-event.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RETRY_SECONDS = 1800;

/**
 * The receiver's side of Flinks' HMAC check (https://docs.flinks.com/reference/hmac), written
 * independently.
 */
function isAuthentic(secret: string, rawBody: Buffer, header: unknown): boolean {
  if (typeof header !== "string") return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("webhooks on $store", ({ store, skip }) => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(async () => {
    if (skip) return;
    t = await createTestApp({ store, runJobs: false, randomInt: () => 0, env: { BANKGATE_WEBHOOK_MAX_ATTEMPTS: "5" } });
    receiver.received.length = 0;
  });
  afterEach(async () => {
    await t?.close();
  });

  const secretKey = () => ({ "flinks-auth-key": t.customer.secretKey });
  const webhooksUrl = (suffix = "") => `/bankgate/v1/${t.customer.customerId}/webhooks${suffix}`;
  async function configure(body: Record<string, unknown>) {
    return t.app.inject({ method: "PUT", url: webhooksUrl(), headers: secretKey(), payload: body });
  }
  async function deliveries(query = "") {
    const reply = await t.app.inject({ method: "GET", url: webhooksUrl(`/deliveries${query}`), headers: secretKey() });
    expect(reply.statusCode, reply.body).toBe(200);
    return reply.json().Deliveries as Array<{ EventId: string; Type: string; State: string; Attempts: Array<Record<string, unknown>> }>;
  }
  /** Runs every due job; `retries` times more after moving the clock by the retry interval. */
  async function runJobs(retries = 0) {
    await t.deps.runner.runUntilIdle();
    for (let i = 0; i < retries; i++) {
      t.clock.advanceSeconds(RETRY_SECONDS);
      await t.deps.runner.runUntilIdle();
    }
  }

  it.skipIf(skip)("a live login sends KYC then GetAccountsDetail, signed, with one EventId in header and body", async () => {
    const configured = await configure({ Url: receiver.url });
    expect(configured.statusCode, configured.body).toBe(200);
    const { Secret: secret, Url } = configured.json();
    expect(Url).toBe(receiver.url);
    expect(secret).toMatch(/^[\w-]{32,}$/);

    const login = await t.connect();
    await runJobs();

    const accepted = receiver.accepted();
    expect(accepted.map((r) => r.body.ResponseType)).toEqual(["KYC", "GetAccountsDetail"]);
    for (const hook of accepted) {
      expect(isAuthentic(secret, hook.rawBody, hook.headers["flinks-authenticity-key"])).toBe(true);
      expect(isAuthentic(`${secret}x`, hook.rawBody, hook.headers["flinks-authenticity-key"])).toBe(false);
      expect(hook.body.EventId).toMatch(UUID);
      expect(hook.headers["bankgate-event-id"]).toBe(hook.body.EventId);
      expect(hook.headers["bankgate-event-type"]).toBe(hook.body.ResponseType);
      expect(hook.body).toMatchObject({ HttpStatusCode: 200, RequestId: login.RequestId, Login: { Id: login.Login.Id } });
    }
    expect(new Set(accepted.map((r) => r.body.EventId)).size).toBe(2);

    // GetAccountsDetail's webhook carries what /GetAccountsDetail answers for that RequestId.
    const detail = await t.post("GetAccountsDetail", { RequestId: login.RequestId }, t.apiKeyHeaders());
    expect(detail.statusCode).toBe(200);
    const { ResponseType, EventId, ...webhookBody } = accepted[1]?.body ?? {};
    expect(webhookBody).toEqual(detail.json());
    const kyc = accepted[0]?.body as { Holders: unknown[] };
    expect(kyc.Holders).toEqual([detail.json().Accounts[0].Holder]);

    const log = await deliveries();
    expect(log.map((d) => `${d.Type} ${d.State} ${d.Attempts.length}`).sort()).toEqual([
      "GetAccountsDetail delivered 1",
      "KYC delivered 1",
    ]);
    expect(log.every((d) => d.Attempts[0]?.StatusCode === 200)).toBe(true);
  });

  it.skipIf(skip)("a receiver down for three attempts gets every event accepted exactly once, 30 min apart", async () => {
    await configure({ Url: receiver.url, Secret: "a-receiver-secret-of-mine" });
    receiver.answer(500, 503, 500, 502, 404, 500); // three failures for each of the two events
    await t.connect();
    await runJobs();
    expect(receiver.received).toHaveLength(2);
    await runJobs(1);
    await runJobs(1);
    expect(receiver.accepted()).toHaveLength(0);
    await runJobs(1);
    const accepted = receiver.accepted();
    expect(accepted.map((r) => r.body.ResponseType).sort()).toEqual(["GetAccountsDetail", "KYC"]);
    // Every attempt of an event carried the same EventId and the same signed bytes.
    for (const hook of accepted) {
      const attempts = receiver.received.filter((r) => r.headers["bankgate-event-id"] === hook.body.EventId);
      expect(attempts.map((r) => r.status).at(-1)).toBe(200);
      expect(attempts).toHaveLength(4);
      for (const attempt of attempts) expect(attempt.rawBody.equals(hook.rawBody)).toBe(true);
      expect(isAuthentic("a-receiver-secret-of-mine", hook.rawBody, hook.headers["flinks-authenticity-key"])).toBe(true);
    }
    // Nothing more is sent, however late.
    await runJobs(3);
    expect(receiver.received).toHaveLength(8);

    const log = await deliveries();
    for (const delivery of log) {
      expect(delivery.State).toBe("delivered");
      expect(delivery.Attempts.map((a) => a.StatusCode)).toHaveLength(4);
      expect(delivery.Attempts.at(-1)).toMatchObject({ StatusCode: 200, Error: null });
      const times = delivery.Attempts.map((a) => Date.parse(String(a.At)));
      expect(times.slice(1).map((at, i) => (at - (times[i] ?? 0)) / 1000)).toEqual([RETRY_SECONDS, RETRY_SECONDS, RETRY_SECONDS]);
    }
  });

  it.skipIf(skip)("after its last attempt an event is failed; replay sends it again with the same EventId", async () => {
    await configure({ Url: receiver.url, Secret: "a-receiver-secret-of-mine" });
    receiver.answer(...Array(10).fill(500));
    await t.connect();
    await runJobs(6);
    expect(receiver.received).toHaveLength(10); // 5 attempts × 2 events, then nothing
    const failed = await deliveries();
    expect(failed.map((d) => d.State)).toEqual(["failed", "failed"]);
    const event = failed[0];
    if (!event) throw new Error("no event");
    expect(event.Attempts).toHaveLength(5);
    expect(event.Attempts[0]).toMatchObject({ StatusCode: 500, Error: "the receiver answered 500" });

    const replay = await t.app.inject({ method: "POST", url: webhooksUrl(`/deliveries/${event.EventId}/replay`), headers: secretKey() });
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json()).toEqual({ HttpStatusCode: 202, EventId: event.EventId, State: "pending" });
    await runJobs();
    const [again] = receiver.accepted();
    expect(again?.body.EventId).toBe(event.EventId);
    const [logged] = await deliveries(`?eventId=${event.EventId}`);
    expect(logged).toMatchObject({ EventId: event.EventId, State: "delivered" });
    expect(logged?.Attempts).toHaveLength(6);
  });

  it.skipIf(skip)("a receiver that refuses connections: attempts logged without a status, retried", async () => {
    const closed = await WebhookReceiver.start();
    const url = closed.url;
    await closed.close();
    await configure({ Url: url });
    await t.connect();
    await runJobs();
    const log = await deliveries();
    expect(log).toHaveLength(2);
    for (const delivery of log) {
      expect(delivery.State).toBe("pending");
      expect(delivery.Attempts).toEqual([expect.objectContaining({ StatusCode: null, Error: expect.stringContaining("failed") })]);
    }
    // The receiver comes back at another URL: the next attempt goes there.
    await configure({ Url: receiver.url });
    await runJobs(1);
    expect(receiver.accepted()).toHaveLength(2);
  });

  it.skipIf(skip)("DeleteCard removes the card's events, delivered or pending, and their log", async () => {
    await configure({ Url: receiver.url });
    receiver.answer(200, 500); // one event of the card delivered, the other pending a retry
    const login = await t.connect();
    await runJobs();
    const kept = await t.connect("greatday_nomfa");
    await runJobs();
    expect((await deliveries()).map((d) => d.State).sort()).toEqual(["delivered", "delivered", "delivered", "pending"]);
    const deleted = await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${login.Login.Id}`), headers: t.apiKeyHeaders() });
    expect(deleted.statusCode, deleted.body).toBe(200);
    const left = await deliveries();
    expect(left.map((d) => d.State)).toEqual(["delivered", "delivered"]);
    // The deleted card's pending event is never retried; the other card's events stay.
    await runJobs(1);
    const loginIds = receiver.received.map((r) => (JSON.parse(r.rawBody.toString("utf8")) as { Login: { Id: string } }).Login.Id);
    expect(loginIds.sort()).toEqual([login.Login.Id, login.Login.Id, kept.Login.Id, kept.Login.Id].sort());
    const eventIds = new Set(receiver.received.map((r) => r.headers["bankgate-event-id"]));
    expect(left.every((d) => eventIds.has(d.EventId))).toBe(true);
  });

  it.skipIf(skip)("RefreshFailed (published by refreshes of saved cards): the error body plus the card", async () => {
    const { Secret: secret } = (await configure({ Url: receiver.url })).json();
    const login = await t.connect();
    await runJobs();
    const card = await t.deps.storage.logins.find(t.customer.customerId, login.Login.Id);
    if (!card) throw new Error("no card");
    const failedAt = t.clock.now();
    await t.deps.storage.transaction((tx) =>
      t.deps.webhooks.publish(
        refreshFailedEvent({ login: card, username: "Greatday", errorCode: "QUESTION_NOT_FOUND", failedAt, requestId: null }),
        tx,
      ),
    );
    await runJobs();
    const hook = receiver.accepted().find((r) => r.body.ResponseType === "RefreshFailed");
    expect(hook?.body).toEqual({
      ResponseType: "RefreshFailed",
      HttpStatusCode: 401,
      FlinksCode: "QUESTION_NOT_FOUND",
      Message: errorCatalog.QUESTION_NOT_FOUND.message,
      Login: login.Login,
      Institution: "FlinksCapital",
      RequestId: null,
      LoginId: login.Login.Id,
      LastRefreshDate: login.Login.LastRefresh,
      LastRefreshErrorCode: "QUESTION_NOT_FOUND",
      EventId: hook?.headers["bankgate-event-id"],
    });
    expect(isAuthentic(secret, hook?.rawBody ?? Buffer.alloc(0), hook?.headers["flinks-authenticity-key"])).toBe(true);
  });

  it.skipIf(skip)("no receiver configured: nothing is kept or sent", async () => {
    await t.connect();
    await runJobs();
    expect(await deliveries()).toEqual([]);
    expect(receiver.received).toHaveLength(0);
  });
});

describe("webhook endpoints refuse bad input with catalogued errors", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ runJobs: false });
  });
  afterAll(async () => {
    await t?.close();
  });
  const url = (suffix = "", customerId = t.customer.customerId) => `/bankgate/v1/${customerId}/webhooks${suffix}`;
  const headers = () => ({ "flinks-auth-key": t.customer.secretKey });

  function expectError(reply: { statusCode: number; json(): unknown }, code: keyof typeof errorCatalog) {
    expect(reply.statusCode).toBe(errorCatalog[code].httpStatus);
    expect(reply.json()).toMatchObject({ HttpStatusCode: errorCatalog[code].httpStatus, FlinksCode: code });
  }

  it.each([
    ["javascript:", { Url: "javascript:alert(1)" }],
    ["ftp", { Url: "ftp://example.com/hook" }],
    ["file", { Url: "file:///etc/passwd" }],
    ["relative", { Url: "/hooks" }],
    ["scheme-relative", { Url: "//evil.example/hook" }],
    ["credentials", { Url: "https://user:pass@example.com/hook" }],
    ["CRLF", { Url: "https://example.com/\r\nX-Injected: 1" }],
    ["tab", { Url: "https://exa\tmple.com/" }],
    ["8 KB", { Url: `https://example.com/${"a".repeat(8192)}` }],
    ["number", { Url: 42 }],
    ["null", { Url: null }],
    ["missing", {}],
    ["short secret", { Url: "https://example.com/hook", Secret: "short" }],
  ])("PUT webhooks: %s → INVALID_REQUEST", async (_name, body) => {
    expectError(await t.app.inject({ method: "PUT", url: url(), headers: headers(), payload: body }), "INVALID_REQUEST");
  });

  it("PUT webhooks: fields it does not know are ignored, never applied", async () => {
    const other = await t.addCustomer();
    const reply = await t.app.inject({
      method: "PUT",
      url: url(),
      headers: headers(),
      payload: { Url: "https://example.com/hook", CustomerId: other.customerId, customer_id: other.customerId },
    });
    expect(reply.statusCode).toBe(200);
    expect(await t.deps.storage.webhooks.findEndpoint(other.customerId)).toBeUndefined();
    expect((await t.deps.storage.webhooks.findEndpoint(t.customer.customerId))?.url).toBe("https://example.com/hook");
  });

  it("PUT webhooks: private and loopback receivers are accepted", async () => {
    for (const Url of ["http://127.0.0.1:9/hook", "http://[::1]:8080/", "https://10.0.0.5/x", "http://localhost/h"]) {
      const reply = await t.app.inject({ method: "PUT", url: url(), headers: headers(), payload: { Url } });
      expect(reply.statusCode, Url).toBe(200);
    }
  });

  it("every webhook endpoint wants the secret key: the API key, a wrong key, another customer → UNAUTHORIZED", async () => {
    const other = await t.addCustomer();
    const attempts = [
      { headers: t.apiKeyHeaders(), customerId: t.customer.customerId },
      { headers: { "flinks-auth-key": "wrong" }, customerId: t.customer.customerId },
      { headers: {}, customerId: t.customer.customerId },
      { headers: headers(), customerId: other.customerId },
    ];
    for (const attempt of attempts) {
      for (const [method, suffix] of [
        ["PUT", ""],
        ["GET", "/deliveries"],
        ["POST", "/deliveries/0b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/replay"],
      ] as const) {
        const reply = await t.app.inject({
          method,
          url: url(suffix, attempt.customerId),
          headers: attempt.headers,
          ...(method === "PUT" ? { payload: { Url: "https://example.com/" } } : {}),
        });
        expectError(reply, "UNAUTHORIZED");
      }
    }
  });

  it.each([
    ["unknown", "0b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"],
    ["malformed", "not-an-id"],
    ["injection", "1'%20OR%20'1'='1"],
    ["long", "a".repeat(2000)],
  ])("replay of an %s event → WEBHOOK_EVENT_NONEXISTENT", async (_name, eventId) => {
    expectError(
      await t.app.inject({ method: "POST", url: url(`/deliveries/${eventId}/replay`), headers: headers() }),
      "WEBHOOK_EVENT_NONEXISTENT",
    );
  });

  it.each([
    ["limit 0", "?limit=0"],
    ["limit 101", "?limit=101"],
    ["limit word", "?limit=ten"],
  ])("deliveries with %s → INVALID_REQUEST", async (_name, query) => {
    expectError(await t.app.inject({ method: "GET", url: url(`/deliveries${query}`), headers: headers() }), "INVALID_REQUEST");
  });
});
