/**
 * The hot paths run statements compiled once (PrecompiledQuery), never ones Kysely's query
 * builder builds and compiles on every call: on a live MFA answer that building was ~9% of the
 * step's time (docs/performance.md, "The last statements built per call, compiled once"). After
 * one warm-up pass, which compiles each precompiled statement once, a second pass over the same
 * calls compiles nothing: a new hot statement written with the builder fails here, and so does
 * one every process runs on a timer (each pass includes a lease-holder heartbeat and sweep).
 */
import { DefaultQueryCompiler } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

describe.each(["sqlite", "postgres"] as const)("the hot paths on %s", (store) => {
  let t: TestApp;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  /** A new username's live login with MFA, its aggregation, then the calls an app makes with the card. */
  async function connectAndRead(username: string) {
    const token = await t.generateToken();
    const asked = await t.authorize(
      { Institution: "FlinksCapital", Username: username, Password: "Everyday", MostRecentCached: false, Save: true },
      { "flinks-auth-key": token },
    );
    expect(asked.statusCode, asked.body).toBe(203);
    const { RequestId, SecurityChallenges } = asked.json();
    const prompt: string = SecurityChallenges[0].Prompt;
    const answered = await t.post(
      "Authorize",
      { RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
      { "flinks-auth-key": token },
    );
    expect(answered.statusCode, answered.body).toBe(200);
    await t.deps.runner.runUntilIdle();
    const loginId: string = answered.json().Login.Id;
    const cached = await t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, t.apiKeyHeaders());
    expect(cached.statusCode, cached.body).toBe(200);
    const detail = await t.post("GetAccountsDetail", { RequestId: cached.json().RequestId }, t.apiKeyHeaders());
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().Accounts).toHaveLength(4);
  }

  /** Until the process's next lease-holder heartbeat and sweep have run (a sweep follows each heartbeat). */
  async function nextHeartbeat() {
    const swept = vi.spyOn(t.deps.storage.leaseHolders, "list");
    await vi.waitFor(() => expect(swept).toHaveBeenCalled(), { timeout: 10_000 });
    swept.mockRestore();
  }

  it("compile no statement once warmed up: a live login, its MFA answer and aggregation, a cached /Authorize, a data call", async () => {
    // A heartbeat every ~170 ms, so that each pass waits little for one.
    t = await createTestApp({ store, runJobs: false, env: { BANKGATE_LEASE_HOLDER_LAPSE_SECONDS: "1" } });
    await connectAndRead("Greatday+warm");
    await nextHeartbeat();
    const compiled = vi.spyOn(DefaultQueryCompiler.prototype, "compileQuery");
    await connectAndRead("Greatday+hot");
    await nextHeartbeat();
    // The SQL of each statement built on the way, so a failure names it.
    expect(compiled.mock.results.map((result) => result.value.sql)).toEqual([]);
  });
});
