/**
 * Billable live connections (GET /bankgate/v1/{customerId}/usage), on SQLite and
 * PostgreSQL: every live /Authorize that authorizes counts once, in the commit of its 200,
 * so the count is exact under concurrent logins; cached sessions, failed logins and
 * abandoned MFA do not count; days are UTC days.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { errorCatalog } from "../../src/errors/catalog.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";
const NO_MFA_USERS = ["greatday_nomfa", "empty_account", "business", "usd"];

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("usage on $store", ({ store, skip }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (skip) return;
    t = await createTestApp({ store, randomInt: () => 0 });
  });
  afterEach(async () => {
    await t?.close();
  });

  async function usage(query: string) {
    const reply = await t.app.inject({
      method: "GET",
      url: `/bankgate/v1/${t.customer.customerId}/usage${query}`,
      headers: { "flinks-auth-key": t.customer.secretKey },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    return reply.json() as { From: string; To: string; LiveConnections: number; Days: Array<{ Date: string; LiveConnections: number }> };
  }
  const liveLogin = (Username: string, Language: string) =>
    t.authorize({ Institution: "FlinksCapital", Username, Password: "Everyday", Language, MostRecentCached: false, Save: true });

  it.skipIf(skip)("24 concurrent live logins: the day's count equals the number of 200s", async () => {
    const logins = NO_MFA_USERS.flatMap((user) => ["en", "fr"].flatMap((language) => [1, 2, 3].map(() => [user, language] as const)));
    const replies = await Promise.all(logins.map(([user, language]) => liveLogin(user, language)));
    const authorized = replies.filter((reply) => reply.statusCode === 200).length;
    // The others met a card already held (CONCURRENT_SESSION) or the in-flight password-attempt
    // limit of their username (TOO_MANY_REQUESTS): refusals that never authorize, never count.
    expect(authorized).toBeGreaterThanOrEqual(NO_MFA_USERS.length);
    for (const reply of replies.filter((r) => r.statusCode !== 200)) {
      expect(["CONCURRENT_SESSION", "TOO_MANY_REQUESTS"]).toContain(reply.json().FlinksCode);
    }
    const today = await usage("?from=2026-01-15&to=2026-01-15");
    expect(today).toEqual({
      HttpStatusCode: 200,
      From: "2026-01-15",
      To: "2026-01-15",
      LiveConnections: authorized,
      Days: [{ Date: "2026-01-15", LiveConnections: authorized }],
    });
  });

  it.skipIf(skip)("counts a login once after its MFA; not cached sessions, failed logins or abandoned MFA; per UTC day", async () => {
    const login = await t.connect("Greatday"); // 203 then 200: one connection
    expect((await t.authorize({ LoginId: login.Login.Id, MostRecentCached: true })).statusCode).toBe(200);
    expect((await liveLogin("test_disabled_account", "en")).statusCode).toBe(401);
    expect((await liveLogin("mfa_multiple_choice", "en")).statusCode).toBe(203); // never answered
    t.clock.set(new Date("2026-01-16T00:00:00.000Z"));
    await t.deps.runner.runUntilIdle();
    expect((await liveLogin("business", "en")).statusCode).toBe(200);
    expect((await liveLogin("usd", "en")).statusCode).toBe(200);

    const range = await usage("?from=2026-01-14&to=2026-01-16");
    expect(range.Days).toEqual([
      { Date: "2026-01-14", LiveConnections: 0 },
      { Date: "2026-01-15", LiveConnections: 1 },
      { Date: "2026-01-16", LiveConnections: 2 },
    ]);
    expect(range.LiveConnections).toBe(3);
    // Default range: the last 31 days up to today.
    const recent = await usage("");
    expect(recent).toMatchObject({ From: "2025-12-17", To: "2026-01-16", LiveConnections: 3 });
    expect(recent.Days).toHaveLength(31);
    // Another customer sees only its own.
    const other = await t.addCustomer();
    const theirs = await t.app.inject({
      method: "GET",
      url: `/bankgate/v1/${other.customerId}/usage?from=2026-01-15&to=2026-01-16`,
      headers: { "flinks-auth-key": other.secretKey },
    });
    expect(theirs.json().LiveConnections).toBe(0);
  });
});

describe("usage refuses bad input with catalogued errors", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ runJobs: false });
  });
  afterEach(async () => {
    await t?.close();
  });

  it.each([
    ["from after to", "?from=2026-01-16&to=2026-01-15"],
    ["not a calendar day", "?from=2026-02-30&to=2026-03-01"],
    ["a month 13", "?to=2026-13-01"],
    ["not a date", "?from=yesterday"],
    ["a timestamp", "?from=2026-01-15T00:00:00Z"],
    ["more than 366 days", "?from=2024-01-01&to=2026-01-15"],
    ["a repeated parameter", "?from=2026-01-01&from=2026-01-02"],
  ])("%s → INVALID_REQUEST", async (_name, query) => {
    const reply = await t.app.inject({
      method: "GET",
      url: `/bankgate/v1/${t.customer.customerId}/usage${query}`,
      headers: { "flinks-auth-key": t.customer.secretKey },
    });
    expect(reply.statusCode).toBe(errorCatalog.INVALID_REQUEST.httpStatus);
    expect(reply.json()).toMatchObject({ FlinksCode: "INVALID_REQUEST" });
  });

  it("the API key, a wrong key or another customer's key → UNAUTHORIZED", async () => {
    const other = await t.addCustomer();
    for (const headers of [t.apiKeyHeaders(), { "flinks-auth-key": "wrong" }, {}, { "flinks-auth-key": other.secretKey }]) {
      const reply = await t.app.inject({ method: "GET", url: `/bankgate/v1/${t.customer.customerId}/usage`, headers });
      expect(reply.statusCode).toBe(401);
      expect(reply.json()).toMatchObject({ FlinksCode: "UNAUTHORIZED" });
    }
  });
});
