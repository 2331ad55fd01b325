// The load run of quality bar R4 (docs/quality-bars.md): 200 concurrent simulated end users
// through the whole flow.
//
//   npm run build && node bench/load.js
//
// Environment (all optional):
//   LOAD_SECONDS        how long users keep starting new flows, seconds (default 120)
//   LOAD_USERS          concurrent simulated end users (default 200)
//   LOAD_GRACE_SECONDS  after LOAD_SECONDS, how long flows in progress may still finish (default 60)
//   LOAD_NODE_ARGS      extra node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
//
// What it does:
//   1. starts the compiled server (`node dist/main.js`, BANKGATE_ROLE=all, embedded SQLite in
//      a temporary data dir, fixed customer and master keys, LOG_LEVEL=warn) on 127.0.0.1;
//   2. runs LOAD_USERS users at once; user N owns the sandbox card "Greatday+u<N>" (distinct
//      cards, right answers: the brute-force and one-live-session-per-card rules never apply)
//      and repeats, until LOAD_SECONDS have passed:
//        token    POST /GenerateAuthorizeToken (secret key)                        → 200
//        live     POST /Authorize, credentials, MostRecentCached false, Save true  → 203
//        answer   POST /Authorize, same RequestId + the right answer (same token)  → 200
//        detail   POST /GetAccountsDetail (API key)                                → 200, or 202
//                 then GET /GetAccountsDetailAsync/{RequestId} every 250 ms until 200 (≤ 60 s)
//        cached   POST /Authorize, LoginId + MostRecentCached true (Bearer API key) → 200
//        summary  POST /GetAccountsSummary on the cached RequestId                  → 200
//   3. counts completed flows, lost sessions (a flow that had a RequestId and then got any
//      status it should not have: SESSION_NONEXISTENT/SESSION_EXPIRED or anything else),
//      every 5xx, socket errors/timeouts, and latency percentiles per step; prints a summary;
//   4. kills the server and removes the temp dir (also on error and Ctrl-C).
//
// Bounded: no new flow starts after LOAD_SECONDS; flows still running get LOAD_GRACE_SECONDS,
// every request times out after 30 s (the detail step waits for the aggregation on the
// server; its poll is bounded too). Exit code 1 when any session was lost or any 5xx seen.
// docs/performance.md ("Load") holds the latest figures.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  BENCH_CUSTOMER,
  BENCH_CUSTOMER_ENV,
  cpuSeconds,
  HOST,
  killAllNow,
  machineBusySeconds,
  positiveNumber,
  startBankgate,
  stopChild,
} from "./harness.js";
import { jsonClient, percentile } from "./json-client.js";

const SECONDS = positiveNumber("LOAD_SECONDS", 120);
const USERS = positiveNumber("LOAD_USERS", 200);
const GRACE_SECONDS = positiveNumber("LOAD_GRACE_SECONDS", 60);
const NODE_ARGS = (process.env.LOAD_NODE_ARGS || "").split(" ").filter(Boolean);

const { customerId: CUSTOMER_ID, secretKey: SECRET_KEY, apiKey: API_KEY } = BENCH_CUSTOMER;
const REQUEST_TIMEOUT_MS = 30_000;
const DETAIL_POLL_MS = 250;
const DETAIL_POLL_LIMIT_MS = 60_000;

const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};
const STEPS = ["token", "live", "answer", "detail", "detailPoll", "cached", "summary"];

// ---------------------------------------------------------------- the server

let server = null;
let dataDir = null;

function cleanUp() {
  killAllNow();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
}
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the server\n`);
    process.exit(130);
  });
}

async function startServer() {
  dataDir = mkdtempSync(join(tmpdir(), "bankgate-load-"));
  const { child, port } = await startBankgate(
    join(dataDir, "data"),
    {
      ...BENCH_CUSTOMER_ENV,
      LOG_LEVEL: "warn",
    },
    // Output kept whole (warn and above only): anything the server logs under load is part of the result.
    { nodeArgs: NODE_ARGS, pollMs: 20, output: { maxOutput: 4_000_000, trimTo: 2_000_000 } },
  );
  server = child;
  return { child, port };
}

async function stopServer() {
  if (server) await stopChild(server, 5000);
}

// ---------------------------------------------------------------- HTTP

const { call, close: closeClient } = jsonClient({ maxSockets: USERS + 16, timeoutMs: REQUEST_TIMEOUT_MS });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- statistics

const stats = {
  flowsStarted: 0,
  flowsCompleted: 0,
  /** Flows that had a RequestId and then got a status they should not have. */
  lostSessions: 0,
  /** Flows that failed before any RequestId existed (token or first live step). */
  failedBeforeSession: 0,
  status5xx: 0,
  socketErrors: 0,
  requests: 0,
  detail202: 0,
  /** "step status FlinksCode" → count, for everything unexpected. */
  unexpected: new Map(),
  examples: [],
  latencies: Object.fromEntries(STEPS.map((step) => [step, []])),
  flowLatencies: [],
};

class FlowError extends Error {
  /** key: what to count it under ("401 SESSION_EXPIRED", "socket", "no Accounts"…). */
  constructor(step, key, detail, hadSession) {
    super(`${step}: ${key}${detail ? ` ${detail}` : ""}`);
    this.step = step;
    this.key = key;
    this.hadSession = hadSession;
  }
}

/** One timed request of a step; counts 5xx and socket errors. */
async function timed(step, method, port, path, headers, body) {
  const started = performance.now();
  stats.requests++;
  let response;
  try {
    response = await call(port, method, path, headers, body);
  } catch (error) {
    stats.socketErrors++;
    throw Object.assign(new Error(error.message), { socket: true });
  }
  stats.latencies[step].push(performance.now() - started);
  if (response.status >= 500) stats.status5xx++;
  return response;
}

function expectStatus(step, response, expected, hadSession) {
  if (expected.includes(response.status)) return;
  const code = response.body?.FlinksCode ?? "-";
  throw new FlowError(step, `${response.status} ${code}`, response.text.slice(0, 300), hadSession);
}

function recordFailure(step, key, example) {
  const label = `${step} ${key}`;
  stats.unexpected.set(label, (stats.unexpected.get(label) ?? 0) + 1);
  if (stats.examples.length < 10) stats.examples.push(`${label}: ${example}`);
}

// ---------------------------------------------------------------- the flow

const base = `/v3/${CUSTOMER_ID}/BankingServices`;
const apiKeyHeader = { "x-api-key": API_KEY };

async function flow(port, user) {
  const username = `Greatday+u${user}`;
  let hadSession = false;
  const run = async (step, method, path, headers, body, expected) => {
    let response;
    try {
      response = await timed(step, method, port, path, headers, body);
    } catch (error) {
      throw new FlowError(step, "socket", error.message, hadSession);
    }
    expectStatus(step, response, expected, hadSession);
    return response;
  };

  const token = (await run("token", "POST", `${base}/GenerateAuthorizeToken`, { "flinks-auth-key": SECRET_KEY }, undefined, [200])).body
    ?.Token;
  if (typeof token !== "string") throw new FlowError("token", "no Token", "", false);

  const live = await run(
    "live",
    "POST",
    `${base}/Authorize`,
    { "flinks-auth-key": token },
    { Institution: "FlinksCapital", Username: username, Password: "Everyday", MostRecentCached: false, Save: true },
    [203],
  );
  const requestId = live.body.RequestId;
  hadSession = true;
  const prompt = live.body.SecurityChallenges?.[0]?.Prompt;
  const answer = ANSWERS[prompt];
  if (!answer) throw new FlowError("live", "unknown prompt", JSON.stringify(prompt), true);

  const answered = await run(
    "answer",
    "POST",
    `${base}/Authorize`,
    { "flinks-auth-key": token },
    { RequestId: requestId, SecurityResponses: { [prompt]: [answer] } },
    [200],
  );
  if (answered.body.RequestId !== requestId) throw new FlowError("answer", "RequestId changed", String(answered.body.RequestId), true);
  const loginId = answered.body.Login?.Id;

  let detail = await run("detail", "POST", `${base}/GetAccountsDetail`, apiKeyHeader, { RequestId: requestId }, [200, 202]);
  if (detail.status === 202) {
    stats.detail202++;
    const pollDeadline = performance.now() + DETAIL_POLL_LIMIT_MS;
    while (detail.status === 202) {
      if (performance.now() > pollDeadline) throw new FlowError("detailPoll", "still 202", `after ${DETAIL_POLL_LIMIT_MS} ms`, true);
      await sleep(DETAIL_POLL_MS);
      detail = await run("detailPoll", "GET", `${base}/GetAccountsDetailAsync/${requestId}`, apiKeyHeader, undefined, [200, 202]);
    }
  }
  if (!Array.isArray(detail.body?.Accounts) || detail.body.Accounts.length === 0) throw new FlowError("detail", "no Accounts", "", true);

  const cached = await run(
    "cached",
    "POST",
    `${base}/Authorize`,
    { authorization: `Bearer ${API_KEY}` },
    { LoginId: loginId, MostRecentCached: true },
    [200],
  );
  const cachedRequestId = cached.body.RequestId;

  const summary = await run("summary", "POST", `${base}/GetAccountsSummary`, apiKeyHeader, { RequestId: cachedRequestId }, [200]);
  if (!Array.isArray(summary.body?.Accounts)) throw new FlowError("summary", "no Accounts", "", true);
}

async function user(port, index, stopAt) {
  while (performance.now() < stopAt) {
    stats.flowsStarted++;
    const started = performance.now();
    try {
      await flow(port, index);
      stats.flowsCompleted++;
      stats.flowLatencies.push(performance.now() - started);
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      if (error.hadSession) stats.lostSessions++;
      else stats.failedBeforeSession++;
      recordFailure(error.step, error.key, error.message.slice(0, 300));
      await sleep(100); // no hot loop on a failing server
    }
  }
}

// ---------------------------------------------------------------- report

const ms = (value) => (Number.isNaN(value) ? "-" : value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US"));

function printReport(run) {
  const lines = [];
  lines.push("");
  lines.push(`bankgate load (R4): ${USERS} users, ${SECONDS} s, loopback, SQLite, Node ${process.version}, ${cpus().length} cores`);
  lines.push(
    `  measured ${run.elapsedSeconds.toFixed(1)} s (incl. ${run.drainSeconds.toFixed(1)} s for flows in progress at the end to finish)`,
  );
  lines.push(
    `  flows started ${stats.flowsStarted}, completed ${stats.flowsCompleted}, ${(stats.flowsCompleted / run.elapsedSeconds).toFixed(1)} flows/s`,
  );
  lines.push(
    `  requests ${stats.requests} (${(stats.requests / run.elapsedSeconds).toFixed(0)} req/s), GetAccountsDetail answered 202 ${stats.detail202}×`,
  );
  lines.push(
    `  lost sessions ${stats.lostSessions}, failed before a session ${stats.failedBeforeSession}, 5xx ${stats.status5xx}, socket errors/timeouts ${stats.socketErrors}`,
  );
  if (stats.flowsStarted - stats.flowsCompleted - stats.lostSessions - stats.failedBeforeSession > 0) {
    lines.push(
      `  unfinished at the hard stop: ${stats.flowsStarted - stats.flowsCompleted - stats.lostSessions - stats.failedBeforeSession}`,
    );
  }
  for (const [label, count] of stats.unexpected) lines.push(`    unexpected: ${label} ×${count}`);
  for (const example of stats.examples) lines.push(`    e.g. ${example}`);
  lines.push("");
  lines.push("  step        count      p50 ms   p90 ms   p95 ms   p99 ms   max ms");
  const row = (name, values) => {
    const sorted = [...values].sort((a, b) => a - b);
    lines.push(
      `  ${name.padEnd(10)} ${String(sorted.length).padStart(6)} ${[50, 90, 95, 99, 100].map((p) => ms(percentile(sorted, p)).padStart(8)).join(" ")}`,
    );
  };
  for (const step of STEPS) row(step, stats.latencies[step]);
  row("flow", stats.flowLatencies);
  lines.push("");
  if (run.serverCpu !== null) {
    lines.push(
      `  server CPU ${run.serverCpu.toFixed(1)} s (${((run.serverCpu / run.elapsedSeconds) * 100).toFixed(0)}% of one core, ${((run.serverCpu * 1e3) / Math.max(1, stats.flowsCompleted)).toFixed(1)} ms per flow); load generator CPU ${run.ownCpu.toFixed(1)} s; other load ${run.otherLoad === null ? "-" : `${(run.otherLoad * 100).toFixed(0)}%`}; loadavg before ${run.loadBefore.toFixed(2)}`,
    );
  }
  const warnings = (server?.output ?? "").split("\n").filter((line) => line.includes('"level"'));
  lines.push(`  server log lines at warn or above: ${warnings.length}`);
  for (const line of warnings.slice(0, 5)) lines.push(`    ${line.slice(0, 300)}`);
  lines.push("");
  process.stdout.write(`${lines.join("\n")}\n`);
}

// ---------------------------------------------------------------- main

async function main() {
  const { child, port } = await startServer();
  process.stdout.write(`bankgate (pid ${child.pid}) on ${HOST}:${port}; ${USERS} users for ${SECONDS} s…\n`);
  const loadBefore = loadavg()[0];
  const cpuBefore = cpuSeconds(child.pid);
  const machineBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const startedAt = performance.now();
  const stopAt = startedAt + SECONDS * 1000;

  const progress = setInterval(() => {
    const elapsed = (performance.now() - startedAt) / 1000;
    process.stdout.write(
      `  ${elapsed.toFixed(0)} s: ${stats.flowsCompleted} flows, lost ${stats.lostSessions}, 5xx ${stats.status5xx}, socket errors ${stats.socketErrors}\n`,
    );
  }, 10_000);
  progress.unref();

  const users = Promise.all(Array.from({ length: USERS }, (_, i) => user(port, i + 1, stopAt)));
  const hardStop = sleep(SECONDS * 1000 + GRACE_SECONDS * 1000).then(() => "hard stop");
  const outcome = await Promise.race([users.then(() => "done"), hardStop]);
  const endedAt = performance.now();
  clearInterval(progress);
  if (outcome === "hard stop") process.stdout.write(`  hard stop: flows still running after ${GRACE_SECONDS} s of grace\n`);

  const elapsedSeconds = (endedAt - startedAt) / 1000;
  const cpuAfter = cpuSeconds(child.pid);
  const machineAfter = machineBusySeconds();
  const own = process.cpuUsage(ownBefore);
  const ownCpu = (own.user + own.system) / 1e6;
  const serverCpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  const otherLoad =
    machineBefore === null || machineAfter === null || serverCpu === null
      ? null
      : Math.max(0, machineAfter - machineBefore - serverCpu - ownCpu) / (elapsedSeconds * cpus().length);
  closeClient();
  const serverDied = child.exitCode !== null || child.signalCode !== null;
  await stopServer();
  printReport({ elapsedSeconds, drainSeconds: Math.max(0, (endedAt - stopAt) / 1000), serverCpu, ownCpu, otherLoad, loadBefore });
  if (serverDied) process.stdout.write(`  the server died during the run:\n${server.output.slice(-4000)}\n`);
  const ok = stats.lostSessions === 0 && stats.status5xx === 0 && stats.socketErrors === 0 && !serverDied && outcome === "done";
  process.stdout.write(ok ? "R4: 0 lost sessions, 0 5xx\n" : "R4: NOT MET (see above)\n");
  cleanUp();
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`load run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  cleanUp();
  process.exit(1);
});
