import { describe, expect, it } from "vitest";
import { BankgateClientError, BankgateControl, FlinksClient, type FlinksClientOptions } from "../../src/client/index.js";

/**
 * The client's retry, polling and MFA-round rules (docs/client.md) against a scripted fetch
 * and a manual timer: every sleep is recorded, none happens.
 */
type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | { fail: string };

function harness(script: Scripted[], options: Partial<FlinksClientOptions> = {}) {
  const calls: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> = [];
  const sleeps: number[] = [];
  let now = 0;
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({
      method: String(init.method),
      url,
      headers: init.headers as Record<string, string>,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    const next = script.shift();
    if (!next) throw new Error("the script ran out of answers");
    if ("fail" in next) throw new TypeError("fetch failed", { cause: Object.assign(new Error(next.fail), { code: next.fail }) });
    const text = typeof next.body === "string" && next.status >= 500 ? next.body : JSON.stringify(next.body);
    return new Response(next.body === undefined ? null : text, { status: next.status, headers: next.headers });
  }) as typeof fetch;
  const client = new FlinksClient({
    baseUrl: "http://bank.test/v3/cust/BankingServices/",
    apiKey: "the-api-key",
    secretKey: "the-secret-key",
    fetch: fetchImpl,
    timer: {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    },
    ...options,
  });
  return { client, calls, sleeps, remaining: script };
}

const ok = (body: Record<string, unknown>) => ({ status: 200, body: { HttpStatusCode: 200, ...body } });
const error = (status: number, FlinksCode: string, headers?: Record<string, string>) => ({
  status,
  body: { HttpStatusCode: status, FlinksCode, Message: "m" },
  headers,
});
const pending = { status: 202, body: { HttpStatusCode: 202, FlinksCode: "OPERATION_PENDING", Message: "m", RequestId: "r1", Links: [] } };
const LIVE = { Institution: "FlinksCapital", Username: "u", Password: "p", MostRecentCached: false };

describe("FlinksClient retries", () => {
  it("retries a safe call on 503 and a network error, backing off exponentially, then answers", async () => {
    const { client, calls, sleeps } = harness([error(503, "RETRY_LATER"), { fail: "ECONNRESET" }, ok({ Token: "t" })]);
    expect(await client.generateAuthorizeToken()).toEqual({ HttpStatusCode: 200, Token: "t" });
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it("waits what Retry-After says, capped by maxDelayMs", async () => {
    const { client, sleeps } = harness([
      error(503, "RETRY_LATER", { "retry-after": "2" }),
      error(429, "X", { "retry-after": "60" }),
      ok({}),
    ]);
    await client.getNightlyRefreshStatus();
    expect(sleeps).toEqual([2000, 5000]);
  });

  it("stops after `attempts` and gives the last answer as a typed error", async () => {
    const { client, calls } = harness([error(502, "A"), error(502, "B"), error(502, "C")], { retry: { attempts: 3 } });
    const answer = await client.getAccountsDetailAsync("r1");
    expect(calls).toHaveLength(3);
    expect(answer).toMatchObject({ HttpStatusCode: 502, FlinksCode: "C" });
  });

  it("never retries a 500: it is an answer (a bug, or the institution's AGGREGATION_ERROR)", async () => {
    const { client, calls } = harness([error(500, "AGGREGATION_ERROR")]);
    expect((await client.getAccountsSummary({ RequestId: "r1" })).HttpStatusCode).toBe(500);
    expect(calls).toHaveLength(1);
  });

  it("does not resend a live login after a connection reset or a bare 503: it may have reached the bank", async () => {
    const reset = harness([{ fail: "ECONNRESET" }]);
    await expect(reset.client.authorize(LIVE)).rejects.toMatchObject({ name: "BankgateClientError", failure: "network" });
    expect(reset.calls).toHaveLength(1);

    const unavailable = harness([error(503, "RETRY_LATER")]);
    expect((await unavailable.client.authorize(LIVE)).HttpStatusCode).toBe(503);
    expect(unavailable.calls).toHaveLength(1);
  });

  it("resends a live login only when it cannot have arrived: connection refused, or 503/429 with Retry-After", async () => {
    const { client, calls } = harness([
      { fail: "ECONNREFUSED" },
      error(503, "RETRY_LATER", { "retry-after": "1" }),
      ok({ RequestId: "r1" }),
    ]);
    expect((await client.authorize(LIVE)).HttpStatusCode).toBe(200);
    expect(calls).toHaveLength(3);
  });

  it("retries an Authorize poll (a RequestId alone) like any safe call, but never DeleteCard", async () => {
    const poll = harness([error(502, "X"), ok({})]);
    await poll.client.authorize({ RequestId: "r1" });
    expect(poll.calls).toHaveLength(2);

    const deletion = harness([error(502, "X")]);
    expect((await deletion.client.deleteCard("l1")).HttpStatusCode).toBe(502);
    expect(deletion.calls).toHaveLength(1);
  });

  it("gives up an attempt after requestTimeoutMs: a network failure, retried for a safe call only", async () => {
    const calls: string[] = [];
    // A server that never answers: the fetch settles only when its signal aborts.
    const hanging = (async (_url: string, init: RequestInit) => {
      calls.push(String(init.method));
      return new Promise<Response>((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    }) as typeof fetch;
    const timer = { now: () => 0, sleep: async () => {} };
    const client = new FlinksClient({ baseUrl: "http://bank.test/x", fetch: hanging, timer, retry: { attempts: 2, requestTimeoutMs: 5 } });
    await expect(client.getAccountsDetailAsync("r1")).rejects.toMatchObject({
      failure: "network",
      message: expect.stringContaining("timed out"),
    });
    expect(calls).toHaveLength(2);
    calls.length = 0;
    await expect(client.authorize(LIVE)).rejects.toMatchObject({ failure: "network" });
    expect(calls).toHaveLength(1);
  });

  it("throws unexpected-response for a body that is not JSON, without echoing it", async () => {
    const { client } = harness([{ status: 502, body: "<html>secret-ish proxy page</html>" }], { retry: { attempts: 1 } });
    const failure = await client.getAccountsDetailAsync("r1").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BankgateClientError);
    expect(failure).toMatchObject({ failure: "unexpected-response", details: { status: 502 } });
    expect(String((failure as Error).message)).not.toContain("proxy page");
  });
});

describe("FlinksClient requests", () => {
  it("sends each proof under Flinks' header names", async () => {
    const { client, calls } = harness([ok({ Token: "t" }), ok({}), ok({}), ok({}), ok({})]);
    await client.generateAuthorizeToken();
    await client.authorize(LIVE, { authorizeToken: "tok" });
    await client.getAccountsDetail({ RequestId: "r1" });
    await client.getNightlyRefreshStatus();
    await client.deleteCard("a/b");
    expect(calls.map((c) => [c.method, c.url.replace("http://bank.test/v3/cust/BankingServices/", "")])).toEqual([
      ["POST", "GenerateAuthorizeToken"],
      ["POST", "Authorize"],
      ["POST", "GetAccountsDetail"],
      ["GET", "GetNightlyRefreshStatus"],
      ["DELETE", "DeleteCard/a%2Fb"],
    ]);
    expect(calls.map((c) => c.headers)).toEqual([
      { "content-type": "application/json", "flinks-auth-key": "the-secret-key" },
      { "content-type": "application/json", "flinks-auth-key": "tok" },
      { "content-type": "application/json", "x-api-key": "the-api-key" },
      { authorization: "Bearer the-secret-key" },
      { "x-api-key": "the-api-key" },
    ]);
  });

  it("gives SetScheduledRefresh's bare string as Message of a 200", async () => {
    const { client, calls } = harness([{ status: 200, body: "LoginId l1 has now been activated for automatic refresh" }]);
    expect(await client.setScheduledRefresh("l1", true)).toEqual({
      HttpStatusCode: 200,
      Message: "LoginId l1 has now been activated for automatic refresh",
    });
    expect(calls[0]?.body).toEqual({ LoginId: "l1", IsActivated: true });
  });
});

describe("FlinksClient polling", () => {
  it("polls a data call's 202 on its *Async operation until the 200", async () => {
    const { client, calls, sleeps } = harness([pending, pending, ok({ Accounts: [] })], { poll: { intervalMs: 100 } });
    const answer = await client.getAccountsDetailAndWait({ RequestId: "r1" });
    expect(answer).toMatchObject({ HttpStatusCode: 200, Accounts: [] });
    expect(calls.map((c) => `${c.method} ${c.url.split("/").slice(-2).join("/")}`)).toEqual([
      "POST BankingServices/GetAccountsDetail",
      "GET GetAccountsDetailAsync/r1",
      "GET GetAccountsDetailAsync/r1",
    ]);
    expect(sleeps).toEqual([100, 100]);
  });

  it("polls AuthorizeAsync with the RequestId alone until the 203", async () => {
    const challenged = { status: 203, body: { HttpStatusCode: 203, RequestId: "r1", SecurityChallenges: [], Links: [], Institution: "X" } };
    const { client, calls } = harness([pending, pending, challenged]);
    expect((await client.authorizeAsyncAndWait(LIVE)).HttpStatusCode).toBe(203);
    expect(calls.map((c) => c.body)).toEqual([LIVE, { RequestId: "r1" }, { RequestId: "r1" }]);
  });

  it("gives up at the deadline with poll-timeout and the last 202", async () => {
    const { client, calls } = harness(
      Array.from({ length: 20 }, () => pending),
      { poll: { intervalMs: 1000, timeoutMs: 3000 } },
    );
    const failure = await client.getStatementsAndWait({ RequestId: "r1" }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ failure: "poll-timeout", details: { lastAnswer: { HttpStatusCode: 202 } } });
    expect(calls).toHaveLength(4);
  });

  it("is bounded by the number of polls even when the timer's time stands still", async () => {
    const { client, calls } = harness(
      Array.from({ length: 20 }, () => pending),
      {
        poll: { intervalMs: 1000, timeoutMs: 3000 },
        timer: { now: () => 0, sleep: async () => {} },
      },
    );
    await expect(client.getAccountsSummaryAndWait({ RequestId: "r1" })).rejects.toMatchObject({ failure: "poll-timeout" });
    expect(calls).toHaveLength(5);
  });
});

describe("FlinksClient MFA rounds", () => {
  const challenge = (prompt: string) => ({
    status: 203,
    body: {
      HttpStatusCode: 203,
      RequestId: "r1",
      Institution: "X",
      Links: [],
      SecurityChallenges: [{ Type: "QuestionAndAnswer", Prompt: prompt }],
    },
  });

  it("answers each round by prompt text until the 200", async () => {
    const { client, calls } = harness([challenge("City?"), challenge("Shape?"), ok({ RequestId: "r1" })]);
    const answer = await client.authorizeWithAnswers(LIVE, { "City?": "Montreal", "Shape?": ["Triangle"] });
    expect(answer.HttpStatusCode).toBe(200);
    expect(calls.map((c) => c.body)).toEqual([
      LIVE,
      { RequestId: "r1", SecurityResponses: { "City?": ["Montreal"] } },
      { RequestId: "r1", SecurityResponses: { "Shape?": ["Triangle"] } },
    ]);
  });

  it("returns the 203 whose prompt it has no answer for", async () => {
    const { client, calls } = harness([challenge("Pet?")]);
    const answer = await client.authorizeWithAnswers(LIVE, (c) => (c.Prompt === "City?" ? "Montreal" : undefined));
    expect(answer).toMatchObject({ HttpStatusCode: 203, SecurityChallenges: [{ Prompt: "Pet?" }] });
    expect(calls).toHaveLength(1);
  });

  it("throws too-many-rounds past maxRounds", async () => {
    const { client } = harness([challenge("A?"), challenge("A?"), challenge("A?")]);
    await expect(client.authorizeWithAnswers(LIVE, { "A?": "a" }, { maxRounds: 2 })).rejects.toMatchObject({ failure: "too-many-rounds" });
  });
});

describe("BankgateControl", () => {
  function control(statuses: number[]) {
    const calls: Array<{ method: string; url: string; headers: Record<string, string> }> = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ method: String(init.method), url, headers: init.headers as Record<string, string> });
      const status = statuses.shift() ?? 200;
      const body =
        status === 200 ? { now: "2026-01-01T00:00:00.000Z", offsetSeconds: 0, frozen: false } : { FlinksCode: "X", Message: "m" };
      return new Response(JSON.stringify({ HttpStatusCode: status, ...body }), { status });
    }) as typeof fetch;
    const client = new BankgateControl({
      url: "http://bankgate.test/",
      customerId: "c-1",
      secretKey: "the-secret-key",
      fetch: fetchImpl,
      timer: { now: () => 0, sleep: async () => {} },
    });
    return { client, calls };
  }

  it("retries reading the clock, never advancing it: a second arrival would move time twice", async () => {
    const read = control([502, 200]);
    expect((await read.client.clock.get()).frozen).toBe(false);
    expect(read.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "GET http://bankgate.test/sandbox/v1/c-1/clock",
      "GET http://bankgate.test/sandbox/v1/c-1/clock",
    ]);
    expect(read.calls[0]?.headers).toEqual({ "flinks-auth-key": "the-secret-key" });

    const advance = control([502, 200]);
    await expect(advance.client.clock.advance(60)).rejects.toMatchObject({ failure: "error-answer", details: { status: 502 } });
    expect(advance.calls).toHaveLength(1);
  });

  it("throws error-answer with the body, its message naming the operation but not the customer", async () => {
    const { client } = control([401]);
    const failure = await client.scripts.get("pet").catch((e: unknown) => e);
    expect(failure).toMatchObject({ failure: "error-answer", details: { status: 401, lastAnswer: { FlinksCode: "X" } } });
    expect((failure as Error).message).toBe("GET /sandbox/v1/{customerId}/scripts/pet answered 401 X");
  });
});
