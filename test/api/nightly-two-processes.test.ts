/**
 * Quality bar R6 (docs/quality-bars.md) across processes: two bankgates on one PostgreSQL
 * database (two apps, as two processes would be) both run the same night at once — both crons enqueue, both runners claim — and
 * every card reaches the bank exactly once. A fresh database keeps other suites' cards out.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createScriptedBank, registryWith, type ScriptedBank } from "../helpers/scripted-bank.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { skipPostgres } from "../helpers/test-store.js";

const CARDS = 12;

describe.skipIf(skipPostgres)("nightly refresh on two processes sharing PostgreSQL", () => {
  const name = `nightly_two_${randomBytes(6).toString("hex")}`;
  const admin = () => new pg.Client({ connectionString: inject("databaseUrl") });
  let first: TestApp;
  let second: TestApp;
  let bank: ScriptedBank;

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(inject("databaseUrl"));
    url.pathname = `/${name}`;
    bank = createScriptedBank();
    const options = { connectors: registryWith(bank), runJobs: false, env: { DATABASE_URL: url.toString() } };
    first = await createTestApp(options);
    // The second process serves the same customer: same keys, same clock.
    second = await createTestApp({
      ...options,
      clock: first.clock,
      env: {
        ...options.env,
        BANKGATE_CUSTOMER_ID: first.customer.customerId,
        BANKGATE_SECRET_KEY: first.customer.secretKey,
        BANKGATE_API_KEY: first.customer.apiKey,
      },
    });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    const client = admin();
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });

  it("both crons enqueue the same night, both runners work: each card logs in to the bank once", async () => {
    const loginIds: string[] = [];
    for (let i = 0; i < CARDS; i++) {
      const body = { Institution: "ScriptedBank", Username: `two-${i}`, Password: "Everyday", MostRecentCached: false, Save: true };
      const response = await first.authorize({ ...body, ScheduleRefresh: true });
      expect(response.statusCode).toBe(200);
      loginIds.push(response.json().Login.Id);
    }
    await first.deps.runner.runUntilIdle();
    first.clock.set(new Date("2026-01-16T05:00:00.000Z"));
    const before = bank.logins;

    const enqueued = await Promise.all([first.deps.nightly.enqueueNight("2026-01-16"), second.deps.nightly.enqueueNight("2026-01-16")]);
    expect(enqueued[0] + enqueued[1]).toBe(CARDS);
    await Promise.all([first.deps.runner.runUntilIdle(), second.deps.runner.runUntilIdle()]);

    expect(bank.logins - before).toBe(CARDS);
    for (let i = 0; i < CARDS; i++) expect(bank.loginsOf(`two-${i}`)).toBe(2);
    for (const loginId of loginIds) {
      const card = await first.deps.storage.logins.find(first.customer.customerId, loginId);
      expect(card).toMatchObject({ nightlyNight: "2026-01-16", refreshState: "Completed", lastRefreshError: null });
      expect(card?.lastRefreshAt?.toISOString()).toBe("2026-01-16T05:00:00.000Z");
    }
    // And again, from either process: nothing.
    expect(await second.deps.nightly.enqueueNight("2026-01-16")).toBe(0);
    expect(await first.deps.nightly.enqueueNight("2026-01-16")).toBe(0);
  });
});
