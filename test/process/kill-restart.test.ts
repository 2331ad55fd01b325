/**
 * Quality bar R2 (docs/quality-bars.md): kill -9 at every step of the flow, restart, resume with the same RequestId.
 *
 * Each test starts the compiled server with BANKGATE_FAULT_POINT naming one step
 * (src/lib/fault-points.ts), drives Greatday/Everyday over HTTP until the process SIGKILLs
 * itself at that step (the request in flight dies with a socket error), checks the SQLite file
 * while nothing runs, restarts the server on the same data dir without the fault point, and
 * resumes with the same RequestId:
 * - a session that had received a 203 answers the same 203 again (its MFA step), and the
 *   right answer then gets the 200;
 * - a login killed before any 203 ends with RETRY_LATER, and logging in again works;
 * - an aggregation job interrupted by the kill is claimed again and publishes the data;
 * - GetAccountsDetail is only ever 202 or the whole four accounts, never part of them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { createFaultPoints, type FaultPoint } from "../../src/lib/fault-points.js";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";

const ANSWERS: Readonly<Record<string, string>> = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};
const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };
const API_KEY = { "x-api-key": SERVER_CUSTOMER.apiKey };

/**
 * The one place this file waits in real time. A session whose step-holder was killed is
 * recovered once its lease (BANKGATE_CONNECTOR_TIMEOUT_SECONDS) lapses, and a dead process's
 * job is claimed again once its claim (BANKGATE_JOB_CLAIM_SECONDS) lapses: both are 2 s here,
 * so recovery takes a real 2–3 s wait after the kill. Every wait below is bounded by these.
 */
const LEASE_SECONDS = 2;
const TIMING = {
  BANKGATE_CONNECTOR_TIMEOUT_SECONDS: String(LEASE_SECONDS),
  BANKGATE_JOB_CLAIM_SECONDS: String(LEASE_SECONDS),
  BANKGATE_JOB_POLL_INTERVAL_MS: "50",
  BANKGATE_JOB_RETRY_BASE_SECONDS: "1",
  // Data calls answer 202 at once while the aggregation is pending instead of holding the request.
  BANKGATE_DATA_SYNC_WAIT_SECONDS: "0",
};
const RECOVERY_BOUND_MS = (LEASE_SECONDS + 6) * 1000;

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Flinks JSON bodies, checked field by field
  body: any;
}

/** The request was cut off by the server's death (the socket closed under it). */
const DIED = "died";

let main: string;

beforeAll(async () => {
  main = await buildServer("kill-restart", 170_000);
}, 180_000);

afterAll(() => {
  if (main) removeBuild(main);
});

/** One test's server, restarted on the same data dir; killed and removed in afterEach. */
class Harness {
  readonly dataDir = mkdtempSync(join(tmpdir(), "bankgate-kill-"));
  server: ServerProcess | null = null;

  async start(faultPoint?: FaultPoint, env: Record<string, string> = {}): Promise<ServerProcess> {
    await this.server?.kill();
    this.server = await ServerProcess.start({
      main,
      dataDir: this.dataDir,
      env: { ...TIMING, ...env, ...(faultPoint ? { BANKGATE_FAULT_POINT: faultPoint } : {}) },
    });
    return this.server;
  }

  /** The server killed itself at its fault point. */
  async expectKilled(): Promise<void> {
    const exit = await this.#current().waitForExit(10_000);
    expect(exit, this.#current().output()).toEqual({ code: null, signal: "SIGKILL" });
  }

  /**
   * Starts the server with `faultPoint`, logs Greatday in up to its 203 and sends the right
   * answer: the answer's reply is DIED when the fault point killed the server under it.
   */
  async answerChallenge(
    faultPoint: FaultPoint,
    env: Record<string, string> = {},
  ): Promise<{ token: { "flinks-auth-key": string }; challenge: Reply; requestId: string; answered: Reply | typeof DIED }> {
    await this.start(faultPoint, env);
    const token = await this.token();
    const challenge = await this.post("Authorize", GREATDAY, token);
    expectChallenge(challenge);
    const answered = await this.postOrDie("Authorize", answerTo(challenge), token);
    return { token, challenge, requestId: challenge.body.RequestId, answered };
  }

  async post(operation: string, body: unknown, headers: Record<string, string>): Promise<Reply> {
    const reply = await this.postOrDie(operation, body, headers);
    if (reply === DIED) throw new Error(`${operation}: the server died:\n${this.#current().output()}`);
    return reply;
  }

  /** A reply, or DIED when the server went away during the request. */
  async postOrDie(operation: string, body: unknown, headers: Record<string, string>): Promise<Reply | typeof DIED> {
    const url = `${this.#current().base}/v3/${SERVER_CUSTOMER.customerId}/BankingServices/${operation}`;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: await response.json() };
    } catch (error) {
      if (isSocketError(error)) return DIED;
      throw error;
    }
  }

  async token(): Promise<{ "flinks-auth-key": string }> {
    const reply = await this.post("GenerateAuthorizeToken", undefined, { "flinks-auth-key": SERVER_CUSTOMER.secretKey });
    expect(reply.status).toBe(200);
    return { "flinks-auth-key": reply.body.Token };
  }

  /** GET /bankgate/v1/…/sessions/{requestId}: the session's state and its card's aggregation job. */
  async inspect(requestId: string): Promise<Reply> {
    const url = `${this.#current().base}/bankgate/v1/${SERVER_CUSTOMER.customerId}/sessions/${requestId}`;
    const response = await fetch(url, { headers: API_KEY, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.json() };
  }

  /**
   * POST /Authorize {RequestId} until the dead step's lease lapses (409 SESSION_BUSY until
   * then); returns the first other answer.
   */
  async resume(requestId: string, headers: Record<string, string>): Promise<Reply> {
    const deadline = Date.now() + RECOVERY_BOUND_MS;
    for (;;) {
      const reply = await this.post("Authorize", { RequestId: requestId }, headers);
      if (reply.status !== 409 || Date.now() > deadline) return reply;
      expect(reply.body.FlinksCode).toBe("SESSION_BUSY");
      await sleep(100);
    }
  }

  /** Polls POST /AuthorizeAsync {RequestId} while it answers 202 (the step runs); returns the first other answer. */
  async pollAsync(requestId: string, headers: Record<string, string>): Promise<Reply> {
    const deadline = Date.now() + RECOVERY_BOUND_MS;
    for (;;) {
      const reply = await this.post("AuthorizeAsync", { RequestId: requestId }, headers);
      if (reply.status !== 202 || Date.now() > deadline) return reply;
      await sleep(100);
    }
  }

  /**
   * Polls GetAccountsDetail until the data is there. Every answer on the way is a 202 or the
   * whole data: a 200 with part of the accounts would be a half-written snapshot.
   */
  async data(requestId: string, boundMs = RECOVERY_BOUND_MS): Promise<{ body: Reply["body"]; pendingReplies: number }> {
    const deadline = Date.now() + boundMs;
    let pendingReplies = 0;
    for (;;) {
      const reply = await this.post("GetAccountsDetail", { RequestId: requestId }, API_KEY);
      if (reply.status === 200) {
        expectWholeData(reply.body);
        return { body: reply.body, pendingReplies };
      }
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
      expect(["OPERATION_PENDING", "OPERATION_DISPATCHED"]).toContain(reply.body.FlinksCode);
      pendingReplies++;
      if (Date.now() > deadline) throw new Error(`no data for ${requestId} within ${boundMs} ms`);
      await sleep(100);
    }
  }

  /** Waits for the card's aggregation job to be done (the operator endpoint shows it). */
  async aggregationDone(requestId: string): Promise<{ state: string; attempts: number }> {
    const deadline = Date.now() + RECOVERY_BOUND_MS;
    for (;;) {
      const { body } = await this.inspect(requestId);
      if (body.aggregation?.state === "done" || Date.now() > deadline) return body.aggregation;
      await sleep(100);
    }
  }

  async close(): Promise<void> {
    await this.server?.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  #current(): ServerProcess {
    if (!this.server) throw new Error("no server started");
    return this.server;
  }
}

function isSocketError(error: unknown): boolean {
  // undici: TypeError("fetch failed" | "terminated") caused by the closed or refused socket.
  const code = (error as { cause?: { code?: string } }).cause?.code ?? "";
  return error instanceof TypeError && ["UND_ERR_SOCKET", "ECONNRESET", "ECONNREFUSED", "EPIPE"].includes(code);
}

function answerTo(challenge: Reply): { RequestId: string; SecurityResponses: Record<string, string[]> } {
  const prompt: string = challenge.body.SecurityChallenges[0].Prompt;
  const answer = ANSWERS[prompt];
  if (!answer) throw new Error(`unexpected prompt ${prompt}`);
  return { RequestId: challenge.body.RequestId, SecurityResponses: { [prompt]: [answer] } };
}

function expectChallenge(reply: Reply): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(203);
  expect(reply.body.SecurityChallenges).toHaveLength(1);
  expect(Object.keys(ANSWERS)).toContain(reply.body.SecurityChallenges[0].Prompt);
}

/** Greatday's aggregation: four accounts, each with its transaction list, and some transactions. */
function expectWholeData(body: Reply["body"]): void {
  expect(body.HttpStatusCode).toBe(200);
  expect(body.Login?.Id).toEqual(expect.any(String));
  expect(body.Accounts).toHaveLength(4);
  for (const account of body.Accounts) expect(account.Transactions).toEqual(expect.any(Array));
  const transactions = body.Accounts.reduce((sum: number, a: { Transactions: unknown[] }) => sum + a.Transactions.length, 0);
  expect(transactions).toBeGreaterThan(0);
}

interface StoreRows {
  sessions: { request_id: string; state: string; mode: string; login_id: string | null; snapshot_id: string | null }[];
  logins: { id: string; snapshot_id: string | null; live_request_id: string | null }[];
  snapshots: { id: string; login_id: string; payload: string }[];
  jobs: { kind: string; singleton_key: string | null; state: string; attempts: number }[];
}

/**
 * The SQLite file as the killed process left it (read while no server runs), checked for
 * torn writes: every snapshot is whole and published (card and session point at it), every
 * pointer resolves, and an authorized session without data has its aggregation job queued or
 * running — the commit of the 200 carries the job, so a kill can lose neither without the other.
 */
function readStore(dataDir: string): StoreRows {
  const db = new SqliteDatabase(join(dataDir, "bankgate.sqlite"), { readonly: true, fileMustExist: true });
  try {
    const rows: StoreRows = {
      sessions: db.prepare("select request_id, state, mode, login_id, snapshot_id from sessions").all() as StoreRows["sessions"],
      logins: db.prepare("select id, snapshot_id, live_request_id from logins").all() as StoreRows["logins"],
      snapshots: db.prepare("select id, login_id, payload from snapshots").all() as StoreRows["snapshots"],
      jobs: db.prepare("select kind, singleton_key, state, attempts from jobs").all() as StoreRows["jobs"],
    };
    for (const snapshot of rows.snapshots) {
      const payload = JSON.parse(snapshot.payload) as { accounts: { transactions: unknown[] }[] };
      expect(payload.accounts).toHaveLength(4);
      expect(rows.logins.find((l) => l.id === snapshot.login_id)?.snapshot_id).toBe(snapshot.id);
      expect(rows.sessions.some((s) => s.snapshot_id === snapshot.id)).toBe(true);
    }
    const snapshotIds = new Set(rows.snapshots.map((s) => s.id));
    for (const pointer of [...rows.logins, ...rows.sessions]) {
      if (pointer.snapshot_id !== null) expect(snapshotIds.has(pointer.snapshot_id)).toBe(true);
    }
    for (const session of rows.sessions.filter((s) => s.state === "authorized" && s.mode === "live" && s.snapshot_id === null)) {
      const job = rows.jobs.find((j) => j.singleton_key === `aggregate:${session.login_id}`);
      expect(job?.state, `aggregation job of ${session.request_id}`).toMatch(/^(queued|running)$/);
    }
    return rows;
  } finally {
    db.close();
  }
}

function sessionState(rows: StoreRows, requestId: string): string | undefined {
  return rows.sessions.find((s) => s.request_id === requestId)?.state;
}

// Each test starts the compiled server two or three times: a budget, not a timing assertion,
// wide enough for a machine busy with other work.
describe("kill -9 at every step, restart, resume with the same RequestId (R2)", { timeout: 90_000 }, () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it.each(["authorize-start:before-connector", "authorize-start:after-connector"] as const)(
    "killed at %s (no 203 yet): the login ends with RETRY_LATER and a new login works",
    async (point) => {
      h = new Harness();
      await h.start(point);
      const token = await h.token();
      expect(await h.postOrDie("Authorize", GREATDAY, token)).toBe(DIED);
      await h.expectKilled();

      const store = readStore(h.dataDir);
      expect(store.sessions.map((s) => s.state)).toEqual(["connecting"]);
      expect(store.logins).toEqual([]);
      const dead = store.sessions[0]?.request_id ?? "";

      await h.start();
      // Nobody got a 203 for it: there is no MFA step to resume, the interrupted login says so.
      const resumed = await h.resume(dead, API_KEY);
      expect(resumed.status, JSON.stringify(resumed.body)).toBe(401);
      expect(resumed.body).toMatchObject({ FlinksCode: "RETRY_LATER", RequestId: dead });

      const retryToken = await h.token();
      const challenge = await h.post("Authorize", GREATDAY, retryToken);
      expectChallenge(challenge);
      const authorized = await h.post("Authorize", answerTo(challenge), retryToken);
      expect(authorized.status, JSON.stringify(authorized.body)).toBe(200);
      await h.data(challenge.body.RequestId);
    },
  );

  it.each(["authorize-answer:before-connector", "authorize-answer:after-connector", "commit-authorization:before-commit"] as const)(
    "killed at %s: the 203'd session answers the same 203 after the restart, then 200 and the data",
    async (point) => {
      h = new Harness();
      const { token, challenge, requestId, answered } = await h.answerChallenge(point);
      expect(answered).toBe(DIED);
      await h.expectKilled();

      // Nothing of the answer's commit is visible: no card, no snapshot, no job.
      const store = readStore(h.dataDir);
      expect(sessionState(store, requestId)).toBe("answering");
      expect(store.logins).toEqual([]);
      expect(store.snapshots).toEqual([]);
      expect(store.jobs).toEqual([]);

      await h.start();
      const resumed = await h.resume(requestId, token);
      expectChallenge(resumed);
      expect(resumed.body.RequestId).toBe(requestId);
      expect(resumed.body.SecurityChallenges).toEqual(challenge.body.SecurityChallenges);

      const authorized = await h.post("Authorize", answerTo(resumed), token);
      expect(authorized.status, JSON.stringify(authorized.body)).toBe(200);
      expect(authorized.body.RequestId).toBe(requestId);
      const { body } = await h.data(requestId);
      expect(body.Login.Id).toBe(authorized.body.Login.Id);
    },
  );

  it("killed at commit-authorization:after-commit: the RequestId replays the 200 and the queued aggregation runs", async () => {
    h = new Harness();
    const { token, challenge, requestId, answered } = await h.answerChallenge("commit-authorization:after-commit");
    expect(answered).toBe(DIED);
    await h.expectKilled();

    const store = readStore(h.dataDir);
    expect(sessionState(store, requestId)).toBe("authorized");
    expect(store.logins).toHaveLength(1);
    expect(store.snapshots).toEqual([]);

    await h.start();
    // The client never saw the 200: asking again with the RequestId gets it; answering again is refused.
    const replayed = await h.post("Authorize", { RequestId: requestId }, token);
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
    expect(replayed.body.Login.Id).toBe(store.logins[0]?.id);
    const again = await h.post("Authorize", answerTo(challenge), token);
    expect(again.status).toBe(400);
    expect(again.body.FlinksCode).toBe("ALREADY_AUTHORIZED");

    await h.data(requestId);
    expect(await h.aggregationDone(requestId)).toMatchObject({ state: "done" });
  });

  it.each(["aggregation:before-commit", "aggregation:after-commit"] as const)(
    "killed at %s: the interrupted aggregation job is claimed again and the whole data arrives",
    async (point) => {
      h = new Harness();
      const { token, requestId, answered } = await h.answerChallenge(point);
      // The job starts right after the 200's commit: the kill may even beat the 200 to the socket.
      if (answered !== DIED) expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      await h.expectKilled();

      const store = readStore(h.dataDir);
      expect(sessionState(store, requestId)).toBe("authorized");
      expect(store.jobs).toMatchObject([{ kind: "aggregate", state: "running", attempts: 1 }]);
      expect(store.snapshots).toHaveLength(point === "aggregation:before-commit" ? 0 : 1);

      await h.start();
      const replayed = await h.post("Authorize", { RequestId: requestId }, token);
      expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
      const { pendingReplies } = await h.data(requestId);
      // Published before the kill: served at once. Otherwise 202 until the dead claim has lapsed
      // and the job has rerun (often already done by the time the restarted server answers).
      if (point === "aggregation:after-commit") expect(pendingReplies).toBe(0);
      // Either way the dead process's job is claimed again (second attempt) and finishes.
      expect(await h.aggregationDone(requestId)).toMatchObject({ state: "done", attempts: 2 });
    },
  );
  it("killed at authorize-answer:before-connector inside an /AuthorizeAsync step job: polling after the restart reaches the 203 or the 200", async () => {
    h = new Harness();
    await h.start("authorize-answer:before-connector");
    const token = await h.token();
    const started = await h.post("AuthorizeAsync", GREATDAY, token);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const requestId: string = started.body.RequestId;
    const challenge = await h.pollAsync(requestId, token);
    expectChallenge(challenge);
    // The answer is queued (202) and its job kills the process: that may beat the 202 too.
    const queued = await h.postOrDie("AuthorizeAsync", answerTo(challenge), token);
    if (queued !== DIED) expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    await h.expectKilled();

    const store = readStore(h.dataDir);
    expect(sessionState(store, requestId)).toBe("answering");
    expect(store.jobs.filter((j) => j.kind === "authorize-step" && j.state === "running")).toHaveLength(1);

    await h.start();
    // Either the step job is claimed again and finishes the answer (200), or the session's
    // lease lapses first and it is back at its challenge (203): answering then gets the 200.
    let outcome = await h.pollAsync(requestId, token);
    if (outcome.status === 203) {
      expect(outcome.body.SecurityChallenges).toEqual(challenge.body.SecurityChallenges);
      outcome = await h.post("Authorize", answerTo(outcome), token);
    }
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
    expect(outcome.body.RequestId).toBe(requestId);
    await h.data(requestId);
  });

  it("killed at authorize-start:before-connector during a live refresh of a saved card: the card is not stuck", async () => {
    h = new Harness();
    await h.start();
    const token = await h.token();
    const challenge = await h.post("Authorize", GREATDAY, token);
    expectChallenge(challenge);
    const connected = await h.post("Authorize", answerTo(challenge), token);
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    const loginId: string = connected.body.Login.Id;
    expect(await h.aggregationDone(connected.body.RequestId)).toMatchObject({ state: "done" });

    await h.start("authorize-start:before-connector");
    const refresh = { LoginId: loginId, MostRecentCached: false };
    expect(await h.postOrDie("Authorize", refresh, await h.token())).toBe(DIED);
    await h.expectKilled();
    const store = readStore(h.dataDir);
    const dead = store.sessions.find((s) => s.state === "connecting")?.request_id;
    expect(store.logins[0]?.live_request_id).toBe(dead);

    await h.start();
    let again = await h.post("Authorize", refresh, await h.token());
    if (again.status === 409) {
      // The dead login still holds the card (decisions.md: one live session per card); the
      // 409 names it, and resuming it ends it, which frees the card.
      expect(again.body).toMatchObject({ FlinksCode: "CONCURRENT_SESSION", RequestId: dead });
      const ended = await h.resume(dead ?? "", API_KEY);
      expect(ended.body).toMatchObject({ FlinksCode: "RETRY_LATER", RequestId: dead });
      again = await h.post("Authorize", refresh, await h.token());
    }
    expectChallenge(again);
    const refreshed = await h.post("Authorize", answerTo(again), API_KEY);
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.Login.Id).toBe(loginId);
    const { body } = await h.data(again.body.RequestId);
    expect(body.Login.Id).toBe(loginId);
  });

  // After a kill at aggregation:after-commit the dead job keeps the card's job key, as
  // "running", until its claim lapses. A live refresh committed in that window finds the key
  // taken; the rerun of the dead job then serves every session of the card still waiting for
  // data, the refresh's included, with the refresh's own LastRefresh.
  it("a live refresh committed while the killed process's aggregation still holds the card's job key gets its data once the dead claim lapses", async () => {
    h = new Harness();
    // The killed process writes the claim: 8 s, longer than the restart and the refresh below.
    const { token, requestId } = await h.answerChallenge("aggregation:after-commit", { BANKGATE_JOB_CLAIM_SECONDS: "8" });
    await h.expectKilled();

    await h.start();
    const first = await h.post("Authorize", { RequestId: requestId }, token);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const refreshToken = await h.token();
    const refresh = { LoginId: first.body.Login.Id, MostRecentCached: false };
    const again = await h.post("Authorize", refresh, refreshToken);
    expectChallenge(again);
    const refreshed = await h.post("Authorize", answerTo(again), refreshToken);
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.Login.LastRefresh).not.toBe(first.body.Login.LastRefresh);

    // The dead claim (8 s) lapses, the job reruns and serves the refresh too.
    const { body } = await h.data(again.body.RequestId, 15_000);
    expect(body.Login.LastRefresh).toBe(refreshed.body.Login.LastRefresh);
  });
});

/**
 * Leases name their holder (docs/decisions.md, "Leases and process death"): with leases and
 * claims far longer than the test (10 min), recovery can only come from the restarted process
 * finding its predecessor dead, at its start.
 */
describe("a restarted process releases what its dead predecessor held, at once", () => {
  const LONG_LEASES = { BANKGATE_CONNECTOR_TIMEOUT_SECONDS: "600", BANKGATE_JOB_CLAIM_SECONDS: "600" };
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it("a RequestId whose answer was at the bank when the process died answers its challenge right after the restart, not SESSION_BUSY", async () => {
    h = new Harness();
    const { token, challenge, requestId, answered } = await h.answerChallenge("authorize-answer:after-connector", LONG_LEASES);
    expect(answered).toBe(DIED);
    await h.expectKilled();
    expect(sessionState(readStore(h.dataDir), requestId)).toBe("answering");

    await h.start(undefined, LONG_LEASES);
    const first = await h.post("Authorize", { RequestId: requestId }, token);
    expectChallenge(first);
    expect(first.body.SecurityChallenges).toEqual(challenge.body.SecurityChallenges);
    const authorized = await h.post("Authorize", answerTo(first), token);
    expect(authorized.status, JSON.stringify(authorized.body)).toBe(200);
    await h.data(requestId);
  });

  it("an aggregation killed mid-way runs again right after the restart, not once its claim lapses", async () => {
    h = new Harness();
    const { token, requestId, answered } = await h.answerChallenge("aggregation:before-commit", LONG_LEASES);
    if (answered !== DIED) expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    await h.expectKilled();
    expect(readStore(h.dataDir).jobs).toMatchObject([{ kind: "aggregate", state: "running", attempts: 1 }]);

    await h.start(undefined, LONG_LEASES);
    expect((await h.post("Authorize", { RequestId: requestId }, token)).status).toBe(200);
    await h.data(requestId);
    expect(await h.aggregationDone(requestId)).toMatchObject({ state: "done", attempts: 2 });
  });

  it("a queued /AuthorizeAsync answer killed at the bank is run again or back at its challenge right after the restart", async () => {
    h = new Harness();
    await h.start("authorize-answer:before-connector", LONG_LEASES);
    const token = await h.token();
    const started = await h.post("AuthorizeAsync", GREATDAY, token);
    const challenge = await h.pollAsync(started.body.RequestId, token);
    expectChallenge(challenge);
    const queued = await h.postOrDie("AuthorizeAsync", answerTo(challenge), token);
    if (queued !== DIED) expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    await h.expectKilled();

    await h.start(undefined, LONG_LEASES);
    let outcome = await h.pollAsync(challenge.body.RequestId, token);
    if (outcome.status === 203) outcome = await h.post("Authorize", answerTo(outcome), token);
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
    await h.data(challenge.body.RequestId);
  });
});

describe("BANKGATE_FAULT_POINT (test-only)", () => {
  it("names a known point, and is refused with NODE_ENV=production", () => {
    expect(loadConfig({}).testing.faultPoint).toBeNull();
    expect(loadConfig({ BANKGATE_FAULT_POINT: "aggregation:before-commit" }).testing.faultPoint).toBe("aggregation:before-commit");
    expect(() => loadConfig({ BANKGATE_FAULT_POINT: "aggregation:somewhere" })).toThrow(ConfigError);
    expect(() => loadConfig({ BANKGATE_FAULT_POINT: "aggregation:before-commit", NODE_ENV: "production" })).toThrow(ConfigError);
  });

  it("kills only at the configured point", () => {
    const kills: string[] = [];
    const armed = createFaultPoints("commit-authorization:after-commit", () => kills.push("kill"));
    armed.hit("commit-authorization:before-commit");
    expect(kills).toEqual([]);
    armed.hit("commit-authorization:after-commit");
    expect(kills).toEqual(["kill"]);
    createFaultPoints(null, () => kills.push("never")).hit("aggregation:after-commit");
    expect(kills).toEqual(["kill"]);
  });
});
