/**
 * PostgreSQL stopped under traffic and started again, on the real server (docs/decisions.md,
 * "Faults answered as faults"). The test has its own throwaway cluster, which it stops
 * (fast shutdown: open connections are cut) while clients keep calling. Every answer during
 * the outage is a 200 or a 503 RETRY_LATER with Retry-After — never a 500, never a dead
 * socket — /health keeps answering, and the traffic succeeds again once PostgreSQL is back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EphemeralPostgres, startEphemeralPostgres } from "../helpers/ephemeral-postgres.js";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";
import { type Answer, call, expectTemporarilyUnavailable, FlinksCalls } from "../helpers/server-calls.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";
import { skipPostgres } from "../helpers/test-store.js";

const CLIENTS = 4;
/** Calls per client at most: every loop below is bounded. */
const MAX_CALLS_PER_CLIENT = 5_000;
/** What each phase waits for before moving on (counted answers, not time). */
const SUCCESSES_BEFORE_OUTAGE = 20;
const REFUSALS_DURING_OUTAGE = 20;
const SUCCESSES_AFTER_OUTAGE = 20;

let main = "";
beforeAll(async () => {
  if (!skipPostgres) main = await buildServer("postgres-outage", 170_000);
}, 180_000);
afterAll(() => {
  if (main) removeBuild(main);
});

/** Clients calling cached /Authorize then /GetAccountsDetail in a loop, every answer kept in order. */
class Traffic {
  readonly answers: Array<{ phase: string; answer: Answer }> = [];
  phase = "before";
  #running = true;
  readonly #clients: Promise<void>[];

  constructor(
    private readonly flinks: FlinksCalls,
    loginId: string,
  ) {
    this.#clients = Array.from({ length: CLIENTS }, () => this.#client(loginId));
  }

  count(phase: string, status: number): number {
    return this.answers.filter((a) => a.phase === phase && a.answer.status === status).length;
  }

  /** Resolves once `phase` has `n` answers with `status` (bounded by the clients' own bound). */
  async until(phase: string, status: number, n: number): Promise<void> {
    for (let turn = 0; this.count(phase, status) < n; turn++) {
      if (!this.#running || turn > 6_000)
        throw new Error(`${phase}: ${this.count(phase, status)} of ${n} answers ${status}: ${this.summary()}`);
      await sleep(10);
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#clients);
  }

  summary(): string {
    const counts = new Map<string, number>();
    for (const { phase, answer } of this.answers)
      counts.set(`${phase} ${answer.status}`, (counts.get(`${phase} ${answer.status}`) ?? 0) + 1);
    return JSON.stringify(Object.fromEntries(counts));
  }

  async #client(loginId: string): Promise<void> {
    for (let calls = 0; this.#running && calls < MAX_CALLS_PER_CLIENT; calls++) {
      const phase = this.phase;
      const opened = await answerOrDeath(() => this.flinks.cachedAuthorize(loginId));
      this.answers.push({ phase, answer: opened });
      if (opened.status === 200) {
        const data = await answerOrDeath(() => this.flinks.post("GetAccountsDetail", { RequestId: opened.body.RequestId }));
        this.answers.push({ phase, answer: data });
      }
    }
    this.#running = false;
  }
}

/** A request the server never answered (socket closed, timeout) is status 0: the test fails on it, it does not throw. */
async function answerOrDeath(send: () => Promise<Answer>): Promise<Answer> {
  try {
    return await send();
  } catch (error) {
    return { status: 0, headers: new Headers(), body: { error: String(error) } };
  }
}

describe.skipIf(skipPostgres)("PostgreSQL stopped mid-traffic", () => {
  let cluster: EphemeralPostgres;
  let server: ServerProcess;
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-pg-outage-"));
  beforeAll(async () => {
    cluster = await startEphemeralPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.kill();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 RETRY_LATER with Retry-After while it is down, never a 500, and recovers by itself", { timeout: 180_000 }, async () => {
    server = await ServerProcess.start({
      main,
      dataDir,
      env: { DATABASE_URL: cluster.url, BANKGATE_DATA_SYNC_WAIT_SECONDS: "0", BANKGATE_JOB_POLL_INTERVAL_MS: "200" },
    });
    const flinks = new FlinksCalls(server.base, SERVER_CUSTOMER);
    const loginId = await flinks.connect("Greatday+outage");
    const traffic = new Traffic(flinks, loginId);
    try {
      await traffic.until("before", 200, SUCCESSES_BEFORE_OUTAGE);
      traffic.phase = "outage";
      await cluster.pause();
      await traffic.until("outage", 503, REFUSALS_DURING_OUTAGE);
      expect((await call(server.base, "/health")).status).toBe(200);
      traffic.phase = "restarting";
      await cluster.resume();
      traffic.phase = "after";
      await traffic.until("after", 200, SUCCESSES_AFTER_OUTAGE);
    } catch (error) {
      throw new Error(`${String(error)}\nserver output:\n${server.output()}`);
    } finally {
      await traffic.stop();
    }

    expect(server.alive(), server.output()).toBe(true);
    const statuses = new Set(traffic.answers.map((a) => a.answer.status));
    expect([...statuses].sort(), traffic.summary()).toEqual([200, 503]);
    for (const { answer } of traffic.answers.filter((a) => a.answer.status === 503)) expectTemporarilyUnavailable(answer);
    // Once PostgreSQL is back, nothing is refused any more.
    const lastRefusal = traffic.answers.map((a) => a.answer.status).lastIndexOf(503);
    const afterIt = traffic.answers.slice(lastRefusal + 1);
    expect(afterIt.length).toBeGreaterThanOrEqual(SUCCESSES_AFTER_OUTAGE);
    expect(afterIt.every((a) => a.answer.status === 200)).toBe(true);
  });
});
