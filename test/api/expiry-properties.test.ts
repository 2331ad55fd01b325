/**
 * Quality bar R1 (docs/quality-bars.md): RequestId idle expiry and absolute cap, authorize-token lifetime and
 * single use, across random schedules of actions and clock jumps, through the real HTTP
 * surface (app.inject on the whole app over SQLite). 10,000 schedules in all.
 *
 * A model predicts every answer. A session dies at
 *   expiresAt = min(lastActivity + idle, createdAt + absolute)
 * and `now >= expiresAt` is expired (docs/decisions.md: the boundary second is expired).
 * Activity: a poll of a challenged session, an MFA answer, a data call on an authorized
 * session. After a live login the session lives to its absolute cap while its aggregation
 * job runs (data calls answer 202 meanwhile), and its idle expiry restarts when the job
 * ends; schedules run the jobs themselves ("aggregate"), so the clock at which a job ends
 * is known. A token opens at most one session, only while `now < issuedAt + ttl`, and is
 * accepted again only for that session's calls, only while unexpired; an unused, unexpired
 * token may also continue a session through /Authorize with its RequestId (an MFA round), and
 * is then bound to that session (unless the session has expired: then nothing is spent);
 * anything else is 401 ACCESS_DENIED.
 *
 * Short TTLs (idle 5 s, absolute 12 s, token 7 s) keep schedules short. Clock moves are
 * drawn with extra weight on the exact boundary seconds (expiry − 1, expiry, expiry + 1, of
 * the idle expiry, the absolute cap and the token lifetime) and also span 0…600 s; the clock
 * only moves forward and always by whole seconds. "Restart" closes the app and opens a new
 * one on the same data dir and clock, moving the clock while it is down (1 schedule in 40).
 * One app for the whole file; fresh sessions and tokens per schedule. Measured on a shared
 * 2-core machine (load ~4): ~65 s for the file, of which ~11 s are the ~250 restarts.
 *
 * Each property also counts the boundary cases it actually reached and fails if one was
 * never reached. Reproduce a failure with R1_SEED (and R1_PATH) from fast-check's report.
 */
import { rmSync } from "node:fs";
import fc from "fast-check";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import type { FetchResult } from "../../src/connectors/types.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { createTestApp, flinksCapital, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

const IDLE = 5;
const ABSOLUTE = 12;
const TOKEN_TTL = 7;
const ATTEMPTS = 3;
const ENV = {
  BANKGATE_SESSION_IDLE_TTL_SECONDS: String(IDLE),
  BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS: String(ABSOLUTE),
  BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS: String(TOKEN_TTL),
  BANKGATE_SESSION_TOUCH_INTERVAL_SECONDS: "1",
  BANKGATE_MFA_ATTEMPTS_PER_REQUEST: String(ATTEMPTS),
  // A data call during an aggregation answers 202 at once instead of waiting on the clock.
  BANKGATE_DATA_SYNC_WAIT_SECONDS: "0",
};

/** Schedules per property: 10,000 in all (R1). */
const SESSION_RUNS = 5000;
const TOKEN_RUNS = 5000;
/** Actions per schedule, after the first. */
const MAX_ACTIONS = 12;
/** One schedule in 1 + RESTART_ODDS restarts the server once: a restart costs ~50 ms, a schedule ~5 ms. */
const RESTART_ODDS = 39;
const MAX_SESSIONS = 3;
const MAX_TOKENS = 3;
/** Generous: 5,000 schedules take ~205 s alone on a shared 2-core box under load, more beside the other suites. */
const TIMEOUT_MS = 480_000;

const PROMPT = "What city were you born in?"; // randomInt: () => 0 draws the first question
const RIGHT = { [PROMPT]: [SANDBOX_ANSWERS[PROMPT] ?? ""] };
const WRONG = { [PROMPT]: ["Toronto"] };

const REPLAYING = Boolean(process.env.R1_PATH);

function fcParameters<T>(numRuns: number, examples: T[]): fc.Parameters<[T]> {
  const seed = process.env.R1_SEED;
  const path = process.env.R1_PATH;
  return {
    numRuns,
    examples: examples.map((e): [T] => [e]),
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// The server, restartable on the same data dir and clock
// ---------------------------------------------------------------------------------------

/**
 * The real FlinksCapital sandbox (logins, challenges, answers), except that every card gets
 * one small data set generated once: aggregating ~300 transactions per authorized session
 * would cost more than the rest of a schedule, and the data plays no part in expiry.
 */
function quickSandbox(): ConnectorRegistry {
  const bank = flinksCapital();
  let data: Promise<FetchResult> | undefined;
  const small = (full: FetchResult): FetchResult =>
    full.kind !== "data"
      ? full
      : {
          kind: "data",
          data: {
            ...full.data,
            accounts: full.data.accounts.map((account) => ({ ...account, transactions: account.transactions.slice(0, 5) })),
          },
        };
  return new ConnectorRegistry([{ ...bank, fetchData: (state, ctx) => (data ??= bank.fetchData(state, ctx).then(small)) }]);
}

class Server {
  app: FastifyInstance;
  deps: Deps;
  /** A card for cached sessions (LoginId + MostRecentCached). */
  loginId = "";
  #usernames = 0;

  constructor(
    readonly t: TestApp,
    readonly connectors: ConnectorRegistry,
  ) {
    this.app = t.app;
    this.deps = t.deps;
  }

  static async start(): Promise<Server> {
    const connectors = quickSandbox();
    // No background runner: schedules run the aggregation jobs themselves, at a known clock.
    const server = new Server(await createTestApp({ randomInt: () => 0, env: ENV, connectors, runJobs: false }), connectors);
    server.loginId = (await server.t.connect("Greatday+r1card")).Login.Id;
    await server.runJobs();
    return server;
  }

  /** Seconds since the epoch on the shared ManualClock (always whole seconds here). */
  get now(): number {
    return this.t.clock.now().getTime() / 1000;
  }

  /** Runs every due job (the aggregations after live logins) to completion, now. */
  runJobs(): Promise<void> {
    return this.deps.runner.runUntilIdle();
  }

  advance(seconds: number): void {
    this.t.clock.advanceSeconds(seconds);
  }

  /** A fresh card per live session, so no two live sessions ever share a LoginId. */
  liveLogin(): Record<string, unknown> {
    this.#usernames++;
    return {
      Institution: "FlinksCapital",
      Username: `Greatday+r1-${this.#usernames}`,
      Password: "Everyday",
      MostRecentCached: false,
      Save: true,
    };
  }

  cachedLogin(): Record<string, unknown> {
    return { LoginId: this.loginId, MostRecentCached: true };
  }

  post(operation: string, body: object, headers: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: "POST", url: this.t.path(operation), payload: body, headers });
  }

  get apiKey(): Record<string, string> {
    return { "x-api-key": this.t.customer.apiKey };
  }

  async generateToken(): Promise<string> {
    const response = await this.app.inject({
      method: "POST",
      url: this.t.path("GenerateAuthorizeToken"),
      headers: { "flinks-auth-key": this.t.customer.secretKey },
    });
    if (response.statusCode !== 200) throw new Error(`GenerateAuthorizeToken: ${response.statusCode} ${response.body}`);
    return response.json().Token as string;
  }

  /** Stops the app, moves the clock while it is down, and starts a new one on the same store. */
  async restart(downSeconds: number): Promise<void> {
    await this.app.close();
    await this.deps.close();
    this.advance(downSeconds);
    this.deps = await createDeps(this.t.config, { clock: this.t.clock, randomInt: () => 0, connectors: this.connectors });
    this.app = await buildApp(this.deps, { logger: false });
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.deps.close();
    rmSync(this.t.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

type SessionState = "challenged" | "authorized" | "failed";

interface ModelSession {
  requestId: string;
  state: SessionState;
  createdAt: number;
  lastActivity: number;
  attemptsLeft: number;
  /** Authorized live session whose aggregation job has not run yet. */
  aggregating: boolean;
  /** Set by a restart until the session's next call: [clock at shutdown, clock when back up]. */
  downtime?: [number, number];
}

interface Expected {
  status: number;
  code?: string;
}

const EXPIRED: Expected = { status: 400, code: "SESSION_EXPIRED" };
const NO_RETRY: Expected = { status: 401, code: "INVALID_SECURITY_RESPONSE_NO_RETRY" };
const DENIED: Expected = { status: 401, code: "ACCESS_DENIED" };

/** While its aggregation runs a session lives to its absolute cap (Flinks' processing time). */
function expiresAt(s: ModelSession): number {
  return s.aggregating ? s.createdAt + ABSOLUTE : Math.min(s.lastActivity + IDLE, s.createdAt + ABSOLUTE);
}

function isExpired(s: ModelSession, now: number): boolean {
  return now >= expiresAt(s);
}

function opened(requestId: string, state: SessionState, now: number): ModelSession {
  return { requestId, state, createdAt: now, lastActivity: now, attemptsLeft: ATTEMPTS, aggregating: false };
}

/** Boundary cases reached, by name: each property requires all of its own. */
class Coverage {
  readonly seen = new Map<string, number>();

  add(label: string): void {
    this.seen.set(label, (this.seen.get(label) ?? 0) + 1);
  }

  /** Counts the boundary cases of a session call about to be predicted. */
  session(s: ModelSession, now: number): void {
    const at = expiresAt(s);
    const cause = s.aggregating || s.createdAt + ABSOLUTE <= s.lastActivity + IDLE ? "absolute cap" : "idle expiry";
    if (s.aggregating && now >= s.lastActivity + IDLE && now < at) this.add("session alive past its idle expiry while aggregating");
    if (now === at - 1) this.add(`session alive at ${cause} − 1`);
    if (now === at) this.add(`session expired at ${cause}`);
    if (s.downtime) {
      const [down, up] = s.downtime;
      if (!isExpired(s, down) && isExpired(s, up)) this.add("session expired while the server was down, still expired");
      if (!isExpired(s, up) && !isExpired(s, now)) this.add("session alive across a restart");
      s.downtime = undefined;
    }
  }

  assertReached(labels: string[]): void {
    if (REPLAYING) return;
    console.info(`R1 coverage: ${[...this.seen].map(([label, n]) => `${label}: ${n}`).join("; ")}`);
    for (const label of labels) expect(this.seen.get(label) ?? 0, label).toBeGreaterThan(0);
  }
}

const SESSION_BOUNDARIES = [
  "session alive at idle expiry − 1",
  "session expired at idle expiry",
  "session alive at absolute cap − 1",
  "session expired at absolute cap",
  "session expired while the server was down, still expired",
  "session alive across a restart",
  "session alive past its idle expiry while aggregating",
  "aggregation finished: idle expiry counted from then",
];

/** /Authorize with the RequestId alone: 203 again while challenged, the 200 again once authorized. */
function predictPoll(s: ModelSession, now: number): Expected {
  if (isExpired(s, now)) return EXPIRED;
  if (s.state === "failed") return NO_RETRY;
  s.lastActivity = now;
  return { status: s.state === "challenged" ? 203 : 200 };
}

/** /Authorize with SecurityResponses. Answers to an authorized session are refused and are not activity. */
function predictAnswer(s: ModelSession, now: number, correct: boolean): Expected {
  if (isExpired(s, now)) return EXPIRED;
  if (s.state === "failed") return NO_RETRY;
  if (s.state === "authorized") return { status: 400, code: "ALREADY_AUTHORIZED" };
  s.lastActivity = now;
  if (correct) {
    s.state = "authorized";
    s.aggregating = true;
    return { status: 200 };
  }
  s.attemptsLeft--;
  if (s.attemptsLeft > 0) return { status: 401, code: "INVALID_SECURITY_RESPONSE" };
  s.state = "failed";
  return NO_RETRY;
}

/**
 * /GetAccountsSummary: activity for an authorized session (touch interval 1 s, whole-second
 * clock); 202 while its aggregation runs (with no sync wait).
 */
function predictData(s: ModelSession, now: number): Expected {
  if (isExpired(s, now)) return EXPIRED;
  if (s.state !== "authorized") return { status: 401, code: "UNAUTHORIZED" };
  if (s.aggregating) return { status: 202, code: "OPERATION_DISPATCHED" };
  s.lastActivity = now;
  return { status: 200 };
}

/** The aggregation jobs ran at `now`: each publishes its data and restarts its session's idle expiry. */
function aggregated(sessions: ModelSession[], now: number, coverage: Coverage): void {
  for (const s of sessions) {
    if (!s.aggregating) continue;
    // Past the absolute cap this changes nothing: expiresAt = min(now + idle, cap) = cap <= now.
    if (!isExpired(s, now)) coverage.add("aggregation finished: idle expiry counted from then");
    s.aggregating = false;
    s.lastActivity = now;
  }
}

function describeSession(s: ModelSession, now: number): string {
  const t = (at: number) => `T+${at - s.createdAt}s`;
  const state = s.aggregating ? "authorized, aggregating" : s.state;
  return `session at ${t(now)}: ${state}, last activity ${t(s.lastActivity)}, expires ${t(expiresAt(s))}`;
}

/** Status, HttpStatusCode and FlinksCode as predicted; SESSION_EXPIRED names the RequestId. */
function check(what: string, response: LightMyRequestResponse, expected: Expected, requestId?: string): void {
  let body: { FlinksCode?: unknown; RequestId?: unknown; HttpStatusCode?: unknown };
  try {
    body = JSON.parse(response.body);
  } catch {
    body = {};
  }
  const ok =
    response.statusCode === expected.status &&
    body.HttpStatusCode === expected.status &&
    body.FlinksCode === expected.code &&
    (expected.code !== "SESSION_EXPIRED" || body.RequestId === requestId);
  if (!ok) {
    const want = `${expected.status}${expected.code ? ` ${expected.code}` : ""}`;
    throw new Error(`${what}: expected ${want}, got ${response.statusCode} ${response.body.slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Clock moves and restarts, shared by both properties
// ---------------------------------------------------------------------------------------

type Offset = -1 | 0 | 1;
type Advance =
  | { a: "advance"; seconds: number }
  /** To a boundary of session or token `i` (modulo how many there are), plus `offset` seconds. */
  | { a: "advanceTo"; target: "expiry" | "absolute" | "token"; i: number; offset: Offset };
type Restart = { a: "restart"; down: Advance };

const offsetArb = fc.constantFrom<Offset>(-1, 0, 1);
const secondsArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 3, arbitrary: fc.integer({ min: 4, max: 13 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 600 }) },
);
const sessionAdvanceArb: fc.Arbitrary<Advance> = fc.oneof(
  { weight: 1, arbitrary: secondsArb.map((seconds) => ({ a: "advance" as const, seconds })) },
  {
    weight: 1,
    arbitrary: fc.record({
      a: fc.constant("advanceTo" as const),
      target: fc.constantFrom("expiry" as const, "absolute" as const),
      i: fc.nat(2),
      offset: offsetArb,
    }),
  },
);
const tokenAdvanceArb: fc.Arbitrary<Advance> = fc.oneof(
  { weight: 1, arbitrary: sessionAdvanceArb },
  {
    weight: 1,
    arbitrary: fc.record({ a: fc.constant("advanceTo" as const), target: fc.constant("token" as const), i: fc.nat(2), offset: offsetArb }),
  },
);

function weightedBoolean(trueWeight: number, falseWeight: number): fc.Arbitrary<boolean> {
  return fc.oneof({ weight: trueWeight, arbitrary: fc.constant(true) }, { weight: falseWeight, arbitrary: fc.constant(false) });
}

/** A schedule: its first action, then up to MAX_ACTIONS more, with one restart in 1 + RESTART_ODDS schedules. */
function scheduleArb<A>(first: fc.Arbitrary<A>, action: fc.Arbitrary<A>, down: fc.Arbitrary<Advance>): fc.Arbitrary<(A | Restart)[]> {
  const restart = fc.oneof(
    { weight: RESTART_ODDS, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ at: fc.nat(MAX_ACTIONS), down }) },
  );
  return fc.tuple(first, fc.array(action, { minLength: 1, maxLength: MAX_ACTIONS }), restart).map(([head, rest, r]) => {
    const actions: (A | Restart)[] = [head, ...rest];
    if (r) actions.splice(1 + (r.at % actions.length), 0, { a: "restart", down: r.down });
    return actions;
  });
}

/** How far to move the clock: a boundary already behind us is a no-op (the clock never goes back). */
function secondsFor(move: Advance, now: number, sessions: ModelSession[], tokens: ModelToken[] = []): number {
  if (move.a === "advance") return move.seconds;
  let at: number | undefined;
  if (move.target === "token") {
    const token = tokens[move.i % Math.max(1, tokens.length)];
    at = token && tokenExpiresAt(token);
  } else {
    const s = sessions[move.i % Math.max(1, sessions.length)];
    at = s && (move.target === "expiry" ? expiresAt(s) : s.createdAt + ABSOLUTE);
  }
  return at === undefined ? 0 : Math.max(0, at + move.offset - now);
}

/** Restarts the server; the sessions remember the downtime until their next call. */
async function restart(server: Server, move: Advance, sessions: ModelSession[], tokens: ModelToken[] = []): Promise<void> {
  const down = server.now;
  await server.restart(secondsFor(move, down, sessions, tokens));
  const up = server.now;
  for (const s of sessions) s.downtime = [down, up];
  for (const token of tokens) token.downtime = [down, up];
}

// ---------------------------------------------------------------------------------------
// Property 1: sessions (authorized by the API key)
// ---------------------------------------------------------------------------------------

type OpenKind = "live" | "cached" | "connected";
type SessionAction =
  | { a: "open"; kind: OpenKind }
  | Advance
  | { a: "poll"; s: number }
  | { a: "answer"; s: number; correct: boolean }
  | { a: "data"; s: number }
  /** Runs the aggregation jobs due now. */
  | { a: "aggregate" }
  /** Keeps session `s` busy: per step, wait that many seconds, then poll it (challenged) or read its data. */
  | { a: "keepAlive"; s: number; steps: number[] }
  | Restart;

const openArb = fc.record({ a: fc.constant("open" as const), kind: fc.constantFrom<OpenKind>("live", "cached", "connected") });
const sessionActionArb: fc.Arbitrary<SessionAction> = fc.oneof(
  { weight: 1, arbitrary: openArb },
  { weight: 6, arbitrary: sessionAdvanceArb },
  { weight: 3, arbitrary: fc.record({ a: fc.constant("poll" as const), s: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant("answer" as const), s: fc.nat(2), correct: weightedBoolean(2, 1) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant("data" as const), s: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.constant({ a: "aggregate" as const }) },
  // Random single steps seldom keep a session alive up to its absolute cap; this does.
  {
    weight: 2,
    arbitrary: fc.record({
      a: fc.constant("keepAlive" as const),
      s: fc.nat(2),
      steps: fc.array(fc.integer({ min: 1, max: IDLE }), { minLength: 1, maxLength: 4 }),
    }),
  },
);
const sessionScheduleArb = scheduleArb<SessionAction>(openArb, sessionActionArb, sessionAdvanceArb);

async function runSessionSchedule(server: Server, actions: SessionAction[], coverage: Coverage): Promise<void> {
  const sessions: ModelSession[] = [];
  for (const [step, action] of actions.entries()) {
    const at = `step ${step} ${JSON.stringify(action)}`;
    if (action.a === "open") {
      if (sessions.length >= MAX_SESSIONS) continue;
      const now = server.now;
      if (action.kind === "cached") {
        const response = await server.post("Authorize", server.cachedLogin(), server.apiKey);
        check(at, response, { status: 200 });
        sessions.push(opened(response.json().RequestId, "authorized", now));
        continue;
      }
      const response = await server.post("Authorize", server.liveLogin(), server.apiKey);
      check(at, response, { status: 203 });
      const s = opened(response.json().RequestId, "challenged", now);
      sessions.push(s);
      if (action.kind === "connected") {
        const answered = await server.post("Authorize", { RequestId: s.requestId, SecurityResponses: RIGHT }, server.apiKey);
        check(`${at} (its answer)`, answered, predictAnswer(s, now, true), s.requestId);
      }
      continue;
    }
    if (action.a === "advance" || action.a === "advanceTo") {
      server.advance(secondsFor(action, server.now, sessions));
      continue;
    }
    if (action.a === "restart") {
      await restart(server, action.down, sessions);
      continue;
    }
    if (action.a === "aggregate") {
      await server.runJobs();
      aggregated(sessions, server.now, coverage);
      continue;
    }
    const s = sessions[action.s % sessions.length];
    if (!s) continue;
    if (action.a === "keepAlive") {
      for (const [i, seconds] of action.steps.entries()) {
        server.advance(seconds);
        await callSession(server, s, s.state === "authorized" ? "data" : "poll", `${at} (call ${i})`, coverage);
      }
    } else {
      await callSession(server, s, action.a === "answer" ? (action.correct ? "right" : "wrong") : action.a, at, coverage);
    }
  }
}

/** One call on session `s` with the API key, checked against the model's prediction. */
async function callSession(
  server: Server,
  s: ModelSession,
  call: "poll" | "right" | "wrong" | "data",
  at: string,
  coverage: Coverage,
): Promise<void> {
  const now = server.now;
  const where = `${at} [${describeSession(s, now)}]`;
  coverage.session(s, now);
  if (call === "poll") {
    const response = await server.post("Authorize", { RequestId: s.requestId }, server.apiKey);
    check(where, response, predictPoll(s, now), s.requestId);
  } else if (call === "data") {
    const response = await server.post("GetAccountsSummary", { RequestId: s.requestId }, server.apiKey);
    check(where, response, predictData(s, now), s.requestId);
  } else {
    const SecurityResponses = call === "right" ? RIGHT : WRONG;
    const response = await server.post("Authorize", { RequestId: s.requestId, SecurityResponses }, server.apiKey);
    check(where, response, predictAnswer(s, now, call === "right"), s.requestId);
  }
}

/** Hand-written schedules each run starts with: every boundary, and expiry across a restart. */
const SESSION_EXAMPLES: SessionAction[][] = [
  // Idle expiry: alive at expiry − 1 (which moves it), expired exactly at the new expiry.
  [
    { a: "open", kind: "live" },
    { a: "advanceTo", target: "expiry", i: 0, offset: -1 },
    { a: "poll", s: 0 },
    { a: "advanceTo", target: "expiry", i: 0, offset: 0 },
    { a: "poll", s: 0 },
  ],
  // Activity every 4 s up to the absolute cap: alive at cap − 1, expired at the cap.
  [
    { a: "open", kind: "connected" },
    { a: "aggregate" },
    { a: "advance", seconds: 4 },
    { a: "data", s: 0 },
    { a: "advance", seconds: 4 },
    { a: "data", s: 0 },
    { a: "advanceTo", target: "absolute", i: 0, offset: -1 },
    { a: "data", s: 0 },
    { a: "advanceTo", target: "absolute", i: 0, offset: 0 },
    { a: "data", s: 0 },
  ],
  // Expired while the server was down, exactly on the boundary: stays expired.
  [
    { a: "open", kind: "cached" },
    { a: "restart", down: { a: "advanceTo", target: "expiry", i: 0, offset: 0 } },
    { a: "data", s: 0 },
    { a: "poll", s: 0 },
  ],
  // Alive past the idle expiry while aggregating; idle expiry counted from the aggregation's end.
  [
    { a: "open", kind: "connected" },
    { a: "advance", seconds: IDLE + 1 },
    { a: "data", s: 0 },
    { a: "aggregate" },
    { a: "advanceTo", target: "expiry", i: 0, offset: -1 },
    { a: "data", s: 0 },
    { a: "advanceTo", target: "expiry", i: 0, offset: 0 },
    { a: "data", s: 0 },
  ],
  // Down for 10 minutes with a challenge pending; alive across a restart one second short.
  [
    { a: "open", kind: "live" },
    { a: "open", kind: "live" },
    { a: "restart", down: { a: "advance", seconds: 600 } },
    { a: "answer", s: 0, correct: true },
    { a: "open", kind: "live" },
    { a: "restart", down: { a: "advanceTo", target: "expiry", i: 2, offset: -1 } },
    { a: "answer", s: 2, correct: false },
  ],
];

// ---------------------------------------------------------------------------------------
// Property 2: authorize tokens
// ---------------------------------------------------------------------------------------

interface ModelToken {
  token: string;
  issuedAt: number;
  /** The RequestId this token opened, once it has opened one. */
  boundTo: string | null;
  downtime?: [number, number];
}

function tokenExpiresAt(token: ModelToken): number {
  return token.issuedAt + TOKEN_TTL;
}

type TokenAction =
  | { a: "generate" }
  | Advance
  /** Token `k` opens a new session. */
  | { a: "open"; k: number; mode: "live" | "cached" }
  /** A session no token opened (API key), for tokens to be refused on. */
  | { a: "openWithApiKey" }
  /** Token `k` on session `s`: an MFA round (no answer, the right one, a wrong one) or a data call. */
  | { a: "round"; k: number; s: number; answer: "none" | "right" | "wrong" }
  | { a: "data"; k: number; s: number }
  | { a: "aggregate" }
  | Restart;

const generateArb = fc.constant({ a: "generate" as const });
const tokenActionArb: fc.Arbitrary<TokenAction> = fc.oneof(
  { weight: 2, arbitrary: generateArb },
  { weight: 4, arbitrary: tokenAdvanceArb },
  {
    weight: 3,
    arbitrary: fc.record({ a: fc.constant("open" as const), k: fc.nat(2), mode: fc.constantFrom("live" as const, "cached" as const) }),
  },
  { weight: 1, arbitrary: fc.constant({ a: "openWithApiKey" as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      a: fc.constant("round" as const),
      k: fc.nat(2),
      s: fc.nat(2),
      answer: fc.constantFrom("none" as const, "right" as const, "wrong" as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ a: fc.constant("data" as const), k: fc.nat(2), s: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.constant({ a: "aggregate" as const }) },
);
const tokenScheduleArb = scheduleArb<TokenAction>(generateArb, tokenActionArb, tokenAdvanceArb);

const TOKEN_BOUNDARIES = [
  "token opened a session at ttl − 1",
  "token refused to open a session at ttl",
  "used token refused for a second session",
  "used token refused on a session it did not open",
  "fresh token refused on a data call",
  "fresh token adopted by an MFA round at ttl − 1",
  "fresh token not spent on an expired session",
  "token accepted on its own session at ttl − 1",
  "token refused on its own session at ttl",
  "token expired while the server was down, still refused",
  "token alive across a restart",
];

function tokenCoverage(
  coverage: Coverage,
  token: ModelToken,
  now: number,
  accepted: boolean,
  ownSession: boolean | null,
  sessionExpired = false,
): void {
  const at = tokenExpiresAt(token);
  if (ownSession === null) {
    if (accepted && now === at - 1) coverage.add("token opened a session at ttl − 1");
    if (!accepted && token.boundTo === null && now === at) coverage.add("token refused to open a session at ttl");
    if (!accepted && token.boundTo !== null && now < at) coverage.add("used token refused for a second session");
  } else {
    if (!ownSession && token.boundTo !== null && now < at) coverage.add("used token refused on a session it did not open");
    if (!accepted && token.boundTo === null && now < at) coverage.add("fresh token refused on a data call");
    if (accepted && !ownSession && !sessionExpired && now === at - 1) coverage.add("fresh token adopted by an MFA round at ttl − 1");
    if (accepted && !ownSession && sessionExpired) coverage.add("fresh token not spent on an expired session");
    if (ownSession && now === at - 1) coverage.add("token accepted on its own session at ttl − 1");
    if (ownSession && now === at) coverage.add("token refused on its own session at ttl");
  }
  if (token.downtime) {
    const [down, up] = token.downtime;
    if (down < at && up >= at) coverage.add("token expired while the server was down, still refused");
    if (accepted && up < at) coverage.add("token alive across a restart");
    token.downtime = undefined;
  }
}

async function runTokenSchedule(server: Server, actions: TokenAction[], coverage: Coverage): Promise<void> {
  const tokens: ModelToken[] = [];
  const sessions: ModelSession[] = [];
  const describeToken = (token: ModelToken, now: number) => {
    const bound = token.boundTo ? `opened session ${sessions.findIndex((s) => s.requestId === token.boundTo)}` : "unused";
    return `token ${tokens.indexOf(token)} at I+${now - token.issuedAt}s (dies at I+${TOKEN_TTL}s), ${bound}`;
  };
  for (const [step, action] of actions.entries()) {
    const at = `step ${step} ${JSON.stringify(action)}`;
    switch (action.a) {
      case "generate":
        if (tokens.length < MAX_TOKENS) tokens.push({ token: await server.generateToken(), issuedAt: server.now, boundTo: null });
        break;
      case "advance":
      case "advanceTo":
        server.advance(secondsFor(action, server.now, sessions, tokens));
        break;
      case "restart":
        await restart(server, action.down, sessions, tokens);
        break;
      case "aggregate":
        await server.runJobs();
        aggregated(sessions, server.now, coverage);
        break;
      case "open":
      case "openWithApiKey": {
        const token = action.a === "open" ? tokens[action.k % Math.max(1, tokens.length)] : undefined;
        if (sessions.length >= MAX_SESSIONS || (action.a === "open" && !token)) break;
        const now = server.now;
        const cached = action.a === "open" && action.mode === "cached";
        const accepted = !token || (token.boundTo === null && now < tokenExpiresAt(token));
        const where = `${at} [${token ? describeToken(token, now) : "API key"}]`;
        if (token) tokenCoverage(coverage, token, now, accepted, null);
        const headers = token ? { "flinks-auth-key": token.token } : server.apiKey;
        const response = await server.post("Authorize", cached ? server.cachedLogin() : server.liveLogin(), headers);
        check(where, response, accepted ? { status: cached ? 200 : 203 } : DENIED);
        if (accepted) {
          const requestId = response.json().RequestId as string;
          sessions.push(opened(requestId, cached ? "authorized" : "challenged", now));
          if (token) token.boundTo = requestId;
        }
        break;
      }
      case "round":
      case "data": {
        const token = tokens[action.k % Math.max(1, tokens.length)];
        const s = sessions[action.s % Math.max(1, sessions.length)];
        if (!token || !s) break;
        const now = server.now;
        const own = token.boundTo === s.requestId;
        const alive = now < tokenExpiresAt(token);
        // An MFA round may bring a fresh token instead of the session's own (Flinks: "generate a
        // new token before each call to /Authorize"); it is bound to the session unless the
        // session has expired, which is answered before any token is spent.
        const fresh = action.a === "round" && token.boundTo === null && alive;
        const accepted = (own && alive) || fresh;
        const sessionExpired = isExpired(s, now);
        const where = `${at} [${describeToken(token, now)}; session ${sessions.indexOf(s)}: ${describeSession(s, now)}]`;
        tokenCoverage(coverage, token, now, accepted, own, sessionExpired);
        if (fresh && !sessionExpired) token.boundTo = s.requestId;
        if (accepted) coverage.session(s, now);
        const headers = { "flinks-auth-key": token.token };
        if (action.a === "data") {
          const response = await server.post("GetAccountsSummary", { RequestId: s.requestId }, headers);
          check(where, response, accepted ? predictData(s, now) : DENIED, s.requestId);
        } else if (action.answer === "none") {
          const response = await server.post("Authorize", { RequestId: s.requestId }, headers);
          check(where, response, accepted ? predictPoll(s, now) : DENIED, s.requestId);
        } else {
          const correct = action.answer === "right";
          const response = await server.post("Authorize", { RequestId: s.requestId, SecurityResponses: correct ? RIGHT : WRONG }, headers);
          check(where, response, accepted ? predictAnswer(s, now, correct) : DENIED, s.requestId);
        }
        break;
      }
    }
  }
}

const TOKEN_EXAMPLES: TokenAction[][] = [
  // Opens at ttl − 1; refused at ttl for its own session's MFA round.
  [
    { a: "generate" },
    { a: "advanceTo", target: "token", i: 0, offset: -1 },
    { a: "open", k: 0, mode: "live" },
    { a: "advanceTo", target: "token", i: 0, offset: 0 },
    { a: "round", k: 0, s: 0, answer: "right" },
  ],
  // Refused exactly at ttl.
  [{ a: "generate" }, { a: "advanceTo", target: "token", i: 0, offset: 0 }, { a: "open", k: 0, mode: "cached" }],
  // Single use; refused on another token's session; accepted on its own.
  [
    { a: "generate" },
    { a: "open", k: 0, mode: "live" },
    { a: "open", k: 0, mode: "live" },
    { a: "generate" },
    { a: "open", k: 1, mode: "cached" },
    { a: "round", k: 0, s: 1, answer: "none" },
    { a: "data", k: 1, s: 0 },
    { a: "round", k: 0, s: 0, answer: "right" },
    { a: "data", k: 0, s: 0 },
  ],
  // A fresh token answers the MFA round of a session it did not open, at ttl − 1, and is then
  // that session's; a fresh token is refused on a data call, and not spent on an expired session.
  [
    { a: "generate" },
    { a: "advance", seconds: 3 },
    { a: "openWithApiKey" },
    { a: "advanceTo", target: "token", i: 0, offset: -1 },
    { a: "round", k: 0, s: 0, answer: "right" },
    { a: "data", k: 0, s: 0 },
    { a: "generate" },
    { a: "openWithApiKey" },
    { a: "advanceTo", target: "expiry", i: 1, offset: 0 },
    { a: "round", k: 1, s: 1, answer: "none" },
    { a: "data", k: 1, s: 0 },
  ],
  // A token that expired while the server was down stays expired; one a second short still works.
  [
    { a: "generate" },
    { a: "advance", seconds: 1 },
    { a: "generate" },
    { a: "restart", down: { a: "advanceTo", target: "token", i: 0, offset: 0 } },
    { a: "open", k: 0, mode: "live" },
    { a: "open", k: 1, mode: "live" },
  ],
];

// ---------------------------------------------------------------------------------------

describe("R1: expiry and token lifetime across random schedules (property)", () => {
  let server: Server;
  beforeAll(async () => {
    server = await Server.start();
  });
  afterAll(() => server?.close());

  it(
    `sessions: idle expiry, absolute cap and restarts, exact to the second (${SESSION_RUNS} schedules)`,
    async () => {
      const coverage = new Coverage();
      await fc.assert(
        fc.asyncProperty(sessionScheduleArb, (actions) => runSessionSchedule(server, actions, coverage)),
        fcParameters(SESSION_RUNS, SESSION_EXAMPLES),
      );
      coverage.assertReached(SESSION_BOUNDARIES);
    },
    TIMEOUT_MS,
  );

  it(
    `authorize tokens: one session each, only within their lifetime (${TOKEN_RUNS} schedules)`,
    async () => {
      const coverage = new Coverage();
      await fc.assert(
        fc.asyncProperty(tokenScheduleArb, (actions) => runTokenSchedule(server, actions, coverage)),
        fcParameters(TOKEN_RUNS, TOKEN_EXAMPLES),
      );
      coverage.assertReached(TOKEN_BOUNDARIES);
    },
    TIMEOUT_MS,
  );

  // /Authorize with {RequestId} alone on an authorized session replays the 200 and is activity.
  it("a replay of an authorized RequestId (/Authorize with the RequestId alone) extends its idle expiry", async () => {
    const opened = await server.post("Authorize", server.cachedLogin(), server.apiKey);
    check("cached /Authorize at T", opened, { status: 200 });
    const RequestId = opened.json().RequestId as string;
    server.advance(IDLE - 1);
    check(`replay at T+${IDLE - 1}`, await server.post("Authorize", { RequestId }, server.apiKey), { status: 200 });
    server.advance(1);
    check(`replay at T+${IDLE}`, await server.post("Authorize", { RequestId }, server.apiKey), { status: 200 });
  });
});
