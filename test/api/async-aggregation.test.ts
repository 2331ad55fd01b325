import { afterEach, describe, expect, it } from "vitest";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import { type AggregationPayload, singletonKeys } from "../../src/queue/job-kinds.js";
import { createTestApp, flinksCapital, type TestApp } from "../helpers/test-app.js";

const NO_MFA = { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false, Save: true };

describe("background aggregation (202 until the data is in)", () => {
  let t: TestApp;
  afterEach(() => t.close());

  const poll = (requestId: string, operation = "GetAccountsDetailAsync") =>
    t.app.inject({ method: "GET", url: t.path(`${operation}/${requestId}`), headers: t.apiKeyHeaders() });

  it("answers OPERATION_PENDING with the Async link until the aggregation job has run", async () => {
    t = await createTestApp({ runJobs: false });
    const { RequestId } = (await t.authorize(NO_MFA)).json();
    for (const operation of ["GetAccountsDetailAsync", "GetAccountsSummaryAsync"]) {
      const pending = await poll(RequestId, operation);
      expect(pending.statusCode).toBe(202);
      expect(pending.json()).toEqual({
        FlinksCode: "OPERATION_PENDING",
        Links: [{ rel: operation, href: `/${operation}`, example: `/${operation}/${RequestId}` }],
        HttpStatusCode: 202,
        Message: expect.any(String),
        RequestId,
      });
    }
    await t.deps.runner.runUntilIdle();
    const ready = await poll(RequestId);
    expect(ready.statusCode).toBe(200);
    expect(ready.json().Accounts).toHaveLength(4);
  });

  it("serves a session whose aggregation job was queued without its card's id (by an older version)", async () => {
    t = await createTestApp({ runJobs: false });
    const { RequestId, Login } = (await t.authorize(NO_MFA)).json();
    const LoginId: string = Login.Id;
    const [queued] = await t.deps.jobs.claim(["aggregate"], 1);
    if (queued?.kind !== "aggregate") return expect.fail("no aggregation job queued");
    expect(queued.payload).toMatchObject({ requestId: RequestId, loginId: LoginId });
    // The job as an older version queued it: the same session, the card's id left out.
    await t.deps.jobs.complete(queued);
    const { loginId: _carried, ...older } = queued.payload as AggregationPayload;
    await t.deps.jobs.enqueue("aggregate", older, { singletonKey: singletonKeys.aggregation(LoginId) });
    await t.deps.runner.runUntilIdle();
    const ready = await poll(RequestId);
    expect(ready.statusCode).toBe(200);
    expect(ready.json().Accounts).toHaveLength(4);
  });

  it("lets a synchronous call wait for a running aggregation", async () => {
    t = await createTestApp({ runJobs: false });
    const { RequestId } = (await t.authorize(NO_MFA)).json();
    const call = t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders()).then((r) => r);
    await t.deps.runner.runUntilIdle();
    expect((await call).statusCode).toBe(200);
  });

  it("test_pending: the bank starts late, so data calls answer OPERATION_PENDING at once, then 200", async () => {
    t = await createTestApp({ runJobs: false, randomInt: () => 0, env: { BANKGATE_SANDBOX_PENDING_SECONDS: "30" } });
    const body = await t.connect("test_pending");
    const sync = await t.post("GetAccountsDetail", { RequestId: body.RequestId }, t.apiKeyHeaders());
    expect(sync.statusCode).toBe(202);
    expect(sync.json().FlinksCode).toBe("OPERATION_PENDING");
    await t.deps.runner.runUntilIdle();
    expect((await poll(body.RequestId)).statusCode).toBe(202);
    t.clock.advanceSeconds(30);
    await t.deps.runner.runUntilIdle();
    expect((await poll(body.RequestId)).statusCode).toBe(200);
  });

  it("test_dispatched: a synchronous call gives up after the sync wait with OPERATION_DISPATCHED", async () => {
    t = await createTestApp({
      runJobs: false,
      randomInt: () => 0,
      env: { BANKGATE_SANDBOX_DISPATCHED_SECONDS: "240", BANKGATE_DATA_SYNC_WAIT_SECONDS: "210" },
    });
    const body = await t.connect("test_dispatched");
    const aggregation = t.deps.runner.runUntilIdle();
    await t.clock.whenSleeping(1); // the bank is aggregating
    const call = t.post("GetAccountsDetail", { RequestId: body.RequestId }, t.apiKeyHeaders()).then((r) => r);
    await t.clock.whenSleeping(2); // the call is waiting for it
    t.clock.advanceSeconds(210);
    const dispatched = await call;
    expect(dispatched.statusCode).toBe(202);
    expect(dispatched.json()).toMatchObject({ FlinksCode: "OPERATION_DISPATCHED", RequestId: body.RequestId });
    expect((await poll(body.RequestId)).json().FlinksCode).toBe("OPERATION_PENDING");
    t.clock.advanceSeconds(30);
    await aggregation;
    expect((await poll(body.RequestId)).statusCode).toBe(200);
  });

  it("keeps a RequestId alive past the idle timeout while its aggregation runs", async () => {
    t = await createTestApp({ runJobs: false, randomInt: () => 0, env: { BANKGATE_SANDBOX_PENDING_SECONDS: "900" } });
    const body = await t.connect("test_pending");
    t.clock.advanceSeconds(900);
    await t.deps.runner.runUntilIdle();
    expect((await poll(body.RequestId)).statusCode).toBe(200);
    t.clock.advanceSeconds(480);
    expect((await poll(body.RequestId)).json().FlinksCode).toBe("SESSION_EXPIRED");
  });

  it("serves a cached session opened during the aggregation once the new data is in", async () => {
    t = await createTestApp({ runJobs: false });
    const first = (await t.authorize(NO_MFA)).json();
    await t.deps.runner.runUntilIdle();
    t.clock.advanceSeconds(86_400);
    await t.authorize(NO_MFA); // a live refresh: a new aggregation
    const cached = (await t.authorize({ LoginId: first.Login.Id, MostRecentCached: true })).json();
    expect((await poll(cached.RequestId)).statusCode).toBe(202);
    await t.deps.runner.runUntilIdle();
    const fresh = (await poll(cached.RequestId)).json();
    expect(fresh.Login.LastRefresh).toBe("2026-01-16T15:00:00.0000000");
    expect(fresh.Accounts[0].Transactions[0].Date).toBe("2026-01-16");
  });

  it("retries a failing aggregation with backoff, then reports AGGREGATION_ERROR on data and cached calls", async () => {
    const bank = flinksCapital();
    let fetches = 0;
    const broken = {
      ...bank,
      async fetchData(): Promise<never> {
        fetches++;
        throw new Error("bank returned an HTML error page");
      },
    };
    t = await createTestApp({
      runJobs: false,
      connectors: new ConnectorRegistry([broken]),
      env: { BANKGATE_JOB_MAX_ATTEMPTS: "3", BANKGATE_JOB_RETRY_BASE_SECONDS: "10" },
    });
    const body = (await t.authorize(NO_MFA)).json();
    await t.deps.runner.runUntilIdle();
    expect(fetches).toBe(1);
    t.clock.advanceSeconds(10);
    await t.deps.runner.runUntilIdle();
    expect(fetches).toBe(2);
    t.clock.advanceSeconds(20);
    await t.deps.runner.runUntilIdle();
    expect(fetches).toBe(3);
    const data = await poll(body.RequestId);
    expect(data.statusCode).toBe(500);
    expect(data.json()).toMatchObject({ HttpStatusCode: 500, FlinksCode: "AGGREGATION_ERROR", RequestId: body.RequestId });
    const cached = await t.authorize({ LoginId: body.Login.Id, MostRecentCached: true });
    expect(cached.json()).toMatchObject({ FlinksCode: "AGGREGATION_ERROR", RequestId: expect.any(String) });
  });
});
