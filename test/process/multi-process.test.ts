/**
 * Quality bar R5 (docs/quality-bars.md), scale-out: two `BANKGATE_ROLE=api` processes and one
 * `BANKGATE_ROLE=worker` process of the compiled server (`node <build>/main.js`, built once by
 * `npm run build`) on one fresh PostgreSQL database. An MFA challenge started on one API process is
 * answered on the other; the aggregation runs on the worker (API processes run no jobs) and its
 * data is served by an API process; /AuthorizeAsync started on one is polled on the other. Skipped
 * locally when PostgreSQL is unavailable, never in CI.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type BankgateProcess,
  CLUSTER_CUSTOMER,
  createThrowawayDatabase,
  ProcessCluster,
  type ThrowawayDatabase,
} from "../helpers/process-cluster.js";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";

const databaseUrl = inject("databaseUrl");
const skip = databaseUrl === "" && process.env.CI !== "true";

const ANSWERS: Readonly<Record<string, string>> = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};
const greatday = (username: string) => ({
  Institution: "FlinksCapital",
  Username: username,
  Password: "Everyday",
  MostRecentCached: false,
  Save: true,
});
const apiKey = { "x-api-key": CLUSTER_CUSTOMER.apiKey };

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Flinks JSON bodies, checked field by field
  body: any;
}

async function post(target: BankgateProcess, operation: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const response = await fetch(`${target.base}/v3/${CLUSTER_CUSTOMER.customerId}/BankingServices/${operation}`, {
    method: "POST",
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Polls POST /AuthorizeAsync {RequestId} on `target` while it answers 202 (the step runs), for 10 s at most; returns the last answer. */
async function pollAsync(target: BankgateProcess, requestId: string): Promise<Answer> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const polled = await post(target, "AuthorizeAsync", apiKey, { RequestId: requestId });
    if (polled.status !== 202 || Date.now() >= deadline) return polled;
    await sleep(100);
  }
}

function answerFor(challenge: Answer): Record<string, string[]> {
  const prompt = challenge.body.SecurityChallenges?.[0]?.Prompt as string;
  expect(ANSWERS[prompt], `unexpected prompt in ${JSON.stringify(challenge.body)}`).toBeDefined();
  return { [prompt]: [ANSWERS[prompt] as string] };
}

describe.skipIf(skip)("two API processes and one worker on one PostgreSQL (R5)", () => {
  let main: string | undefined;
  let db: ThrowawayDatabase | undefined;
  let cluster: ProcessCluster | undefined;
  let api1: BankgateProcess;
  let api2: BankgateProcess;
  let worker: BankgateProcess;

  beforeAll(async () => {
    main = await buildServer("multi-process", 170_000);
    db = await createThrowawayDatabase(databaseUrl);
    cluster = new ProcessCluster(main, { DATABASE_URL: db.url, BANKGATE_JOB_POLL_INTERVAL_MS: "50" });
    try {
      // All three at once on an empty database: their migrations race, as in a real rollout.
      [api1, api2, worker] = await Promise.all([
        cluster.start({ name: "api1", role: "api" }),
        cluster.start({ name: "api2", role: "api" }),
        cluster.start({ name: "worker", role: "worker" }),
      ]);
      await Promise.all([cluster.waitForHealth(api1), cluster.waitForHealth(api2)]);
      if (!worker.alive()) throw new Error(`the worker exited:\n${worker.output()}`);
    } catch (error) {
      await cluster.killAll();
      await db.drop();
      throw error;
    }
  }, 240_000);

  afterAll(async () => {
    await cluster?.killAll();
    await db?.drop();
    if (main) removeBuild(main);
  }, 60_000);

  /** Every process still running, or the test fails with their output. */
  const expectAllAlive = () => {
    for (const p of [api1, api2, worker]) expect(p.alive(), `${p.name} died:\n${cluster?.describe()}`).toBe(true);
  };

  it("MFA started on API 1 is answered on API 2; the worker aggregates; API 1 serves the data", async () => {
    const token = (await post(api1, "GenerateAuthorizeToken", { "flinks-auth-key": CLUSTER_CUSTOMER.secretKey })).body.Token as string;
    expect(token).toEqual(expect.any(String));

    const challenged = await post(api1, "Authorize", { "flinks-auth-key": token }, greatday("Greatday"));
    expect(challenged.status, JSON.stringify(challenged.body)).toBe(203);
    const requestId = challenged.body.RequestId as string;

    const answered = await post(
      api2,
      "Authorize",
      { "flinks-auth-key": token },
      { RequestId: requestId, SecurityResponses: answerFor(challenged) },
    );
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({ HttpStatusCode: 200, RequestId: requestId, Login: { Username: "Greatday" } });
    const loginId = answered.body.Login.Id as string;

    // Waits (synchronous call) for the aggregation job, which only the worker can run.
    const detail = await post(api1, "GetAccountsDetail", apiKey, { RequestId: requestId });
    expect(detail.status, JSON.stringify(detail.body).slice(0, 500)).toBe(200);
    expect(detail.body.RequestId).toBe(requestId);
    expect(detail.body.Accounts).toHaveLength(4);

    const jobs = await db?.query<{ kind: string; state: string }>("select kind, state from jobs where singleton_key = $1", [
      `aggregate:${loginId}`,
    ]);
    expect(jobs).toEqual([{ kind: "aggregate", state: "done" }]);

    expectAllAlive();
    // The API processes run no jobs, so they have nothing to say about them.
    for (const p of [api1, api2]) expect(p.output()).not.toMatch(/job/i);
  });

  it("/AuthorizeAsync started on API 2 is polled on API 1 until 203, then answered", async () => {
    const started = await post(api2, "AuthorizeAsync", apiKey, greatday("Greatday+async"));
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const requestId = started.body.RequestId as string;

    const polled = await pollAsync(api1, requestId);
    expect(polled.status, JSON.stringify(polled.body)).toBe(203);
    expect(polled.body.RequestId).toBe(requestId);

    // What the Connect widget does: answer the async challenge on /Authorize (here on API 2).
    const answered = await post(api2, "Authorize", apiKey, { RequestId: requestId, SecurityResponses: answerFor(polled) });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({ RequestId: requestId, Login: { Username: "Greatday+async" } });

    const steps = await db?.query<{ state: string }>("select state from jobs where kind = 'authorize-step'");
    expect(steps?.length).toBeGreaterThan(0);
    expect(steps?.every((s) => s.state === "done")).toBe(true);
    expectAllAlive();
  });

  it("API processes run no jobs: with the worker paused an /AuthorizeAsync stays 202 and its job queued; resumed, it proceeds", async () => {
    worker.child.kill("SIGSTOP");
    try {
      const started = await post(api1, "AuthorizeAsync", apiKey, greatday("Greatday+paused"));
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const requestId = started.body.RequestId as string;
      // Ten poll intervals of an idle runner: any API process running jobs would have taken it.
      await sleep(500);
      expect((await post(api2, "AuthorizeAsync", apiKey, { RequestId: requestId })).status).toBe(202);
      expect(await db?.query("select state, attempts from jobs where kind = 'authorize-step' and state <> 'done'")).toEqual([
        { state: "queued", attempts: 0 },
      ]);

      worker.child.kill("SIGCONT");
      const polled = await pollAsync(api2, requestId);
      expect(polled.status, JSON.stringify(polled.body)).toBe(203);
    } finally {
      worker.child.kill("SIGCONT");
    }
    expectAllAlive();
  });
});
