// bankgate against the servers an integrator would pick instead, in the same run: bare
// node:http (the ceiling), WireMock and Stoplight Prism (stub servers), each serving the exact
// bytes bankgate answered (docs/performance.md holds the goals and the latest table).
//
//   npm run build && npm run bench          (= node bench/run.js)
//
// Environment (all optional):
//   BENCH_SECONDS          measured duration of each run, seconds (default 5)
//   BENCH_WARMUP_SECONDS   warm-up before each measured run, seconds (default 2)
//   BENCH_CONNECTIONS      concurrent connections (default 50)
//   BENCH_ROUNDS           rounds per scenario; each round measures every server once, the order
//                          rotating from round to round; ratios are taken within a round and the
//                          median round's is shown (default 2)
//   BENCH_SERVERS          which of bare, fastify, wiremock, prism, bankgate (default: all but
//                          fastify, Fastify's own floor; bankgate always runs; a stub that
//                          cannot start here is reported and skipped)
//   BENCH_SCENARIOS        comma-separated: authorize (cached /Authorize, Bearer), pair
//                          (GenerateAuthorizeToken + cached /Authorize with that token), accounts
//                          (/GetAccountsDetail Days90), accounts365 (Days365), cold (cold start);
//                          default: all of them
//   BENCH_FIRST_WARMUP_SECONDS  load sent to every server once per scenario before its rounds, in
//                          slices of this many seconds (default 8), until a slice is no more than
//                          BENCH_STEADY_GAIN (default 0.03) faster than the best slice before it:
//                          WireMock's JVM keeps compiling for tens of seconds of traffic (measured
//                          against it half-warm, bankgate looked 2× faster than it is). Every server
//                          gets the same rule; each one's slices are printed
//   BENCH_FIRST_WARMUP_MAX_SECONDS  the most that warm-up may take per server (default 96)
//   BENCH_COLD_RUNS        cold starts to take the median of (default 5)
//   BENCH_MAIN             the compiled server to measure (default dist/main.js; e.g. an older build)
//   BENCH_WORKERS          bankgate's worker processes, BANKGATE_WORKERS (default: one per CPU, what
//                          docs/decisions.md "Worker processes" recommends; 1 for a single process)
//   BENCH_ENV              extra environment for bankgate, "NAME=value,NAME=value"
//   BENCH_NODE_ARGS        extra node flags for the measured bankgate, e.g. "--cpu-prof
//                          --cpu-prof-dir=/tmp/prof" to see where its time goes
//
// What it does: starts the compiled server on 127.0.0.1 (temporary data dir, fixed keys,
// LOG_LEVEL=warn), sets up one card (GenerateAuthorizeToken → live Authorize of the no-MFA
// sandbox user), captures bankgate's answer for each scenario, starts the stub servers serving
// those bytes (bench/stub-servers.js), checks that every server answers the scenario's requests
// with 200s, then measures each with autocannon (warm-up, measured run) round after round.
// Every child is killed at the end, also on an error or Ctrl-C; every wait is bounded.
//
// Besides req/s and latency it prints the server's own CPU time per request (from /proc, less
// sensitive to a busy machine than req/s) and "other load": CPU used by neither the measured
// server nor this process (the load generator) as a share of all cores. A figure taken with
// other load well above 0% is noise: rerun it.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import {
  BENCH_CUSTOMER,
  BENCH_CUSTOMER_ENV,
  cpuSeconds,
  MAIN,
  machineBusySeconds,
  positiveNumber,
  ROOT,
  startBankgate,
  stopAllChildren,
  stopChild,
} from "./harness.js";
import { DEFAULT_STUB_KINDS, missingReason, STUB_KINDS, startStub } from "./stub-servers.js";

/** What `npm start` runs (rolldown.config.mjs). */
const BUNDLE = join(ROOT, "dist", "bundle", "main.js");

const SECONDS = positiveNumber("BENCH_SECONDS", 5);
const WARMUP_SECONDS = positiveNumber("BENCH_WARMUP_SECONDS", 2);
const CONNECTIONS = positiveNumber("BENCH_CONNECTIONS", 50);
const COLD_RUNS = positiveNumber("BENCH_COLD_RUNS", 5);
const WARMUP_SLICE_SECONDS = positiveNumber("BENCH_FIRST_WARMUP_SECONDS", 8);
const WARMUP_MAX_SECONDS = positiveNumber("BENCH_FIRST_WARMUP_MAX_SECONDS", 96);
const STEADY_GAIN = positiveNumber("BENCH_STEADY_GAIN", 0.03);
const ROUNDS = positiveNumber("BENCH_ROUNDS", 2);
const WORKERS = positiveNumber("BENCH_WORKERS", cpus().length);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS || "").split(" ").filter(Boolean);
const BANKGATE_MAIN = process.env.BENCH_MAIN
  ? isAbsolute(process.env.BENCH_MAIN)
    ? process.env.BENCH_MAIN
    : join(ROOT, process.env.BENCH_MAIN)
  : MAIN;
const EXTRA_ENV = Object.fromEntries(
  (process.env.BENCH_ENV || "")
    .split(",")
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
);
const ALL_SCENARIOS = ["authorize", "pair", "accounts", "accounts365", "cold"];
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS || ALL_SCENARIOS.join(",")).split(",").map((s) => s.trim()));
for (const name of SCENARIOS) {
  if (!ALL_SCENARIOS.includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}"`);
}
const SERVERS = (process.env.BENCH_SERVERS || [...DEFAULT_STUB_KINDS, "bankgate"].join(",")).split(",").map((s) => s.trim());
for (const name of SERVERS) {
  if (![...STUB_KINDS, "bankgate"].includes(name)) throw new Error(`BENCH_SERVERS: unknown server "${name}"`);
}
if (!SERVERS.includes("bankgate")) SERVERS.push("bankgate");

const { customerId: CUSTOMER_ID, secretKey: SECRET_KEY, apiKey: API_KEY } = BENCH_CUSTOMER;
const PREFIX = `/v3/${CUSTOMER_ID}/BankingServices`;

/** Every temporary directory this run created, removed at the end (harness.js kills the children). */
const tempDirs = new Set();

function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDirs() {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on("exit", removeTempDirs);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping children\n`);
    process.exit(130); // the exit handlers of harness.js and this file kill the children and remove the temp dirs
  });
}

// ---------------------------------------------------------------- the Flinks flow

async function post(url, headers, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
}

function jsonOf(response, what) {
  if (response.status !== 200) throw new Error(`${what}: expected 200, got ${response.status}: ${response.bytes.toString().slice(0, 500)}`);
  return JSON.parse(response.bytes.toString());
}

/** GenerateAuthorizeToken → live Authorize of the no-MFA sandbox user: one saved card. */
async function setUpCard(base) {
  const { Token } = jsonOf(
    await post(`${base}${PREFIX}/GenerateAuthorizeToken`, { "flinks-auth-key": SECRET_KEY }),
    "GenerateAuthorizeToken",
  );
  const live = await post(
    `${base}${PREFIX}/Authorize`,
    { "flinks-auth-key": Token },
    { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false, Save: true },
  );
  const loginId = jsonOf(live, "live Authorize").Login?.Id;
  if (typeof loginId !== "string") throw new Error(`live Authorize: no Login.Id in ${live.bytes.toString().slice(0, 500)}`);
  return loginId;
}

/**
 * The scenarios: each a list of steps (autocannon cycles through them on every connection);
 * a step with `takesToken` sends the Token the previous step's answer carried in
 * `flinks-auth-key`.
 */
function scenarioSteps(loginId, requestIdFor) {
  const cached = JSON.stringify({ LoginId: loginId, MostRecentCached: true });
  return {
    authorize: {
      title: "cached /Authorize (Bearer API key; every call opens and durably stores a session)",
      steps: [{ path: `${PREFIX}/Authorize`, headers: { authorization: `Bearer ${API_KEY}` }, body: cached }],
    },
    pair: {
      title: "GenerateAuthorizeToken + cached /Authorize with that token (2 requests per pair)",
      steps: [
        { path: `${PREFIX}/GenerateAuthorizeToken`, headers: { "flinks-auth-key": SECRET_KEY }, body: "{}", givesToken: true },
        { path: `${PREFIX}/Authorize`, headers: {}, body: cached, takesToken: true },
      ],
    },
    accounts: {
      title: "/GetAccountsDetail on a ready snapshot, Days90",
      steps: async () => [
        {
          path: `${PREFIX}/GetAccountsDetail`,
          headers: { "x-api-key": API_KEY },
          body: JSON.stringify({ RequestId: await requestIdFor() }),
        },
      ],
    },
    accounts365: {
      title: "/GetAccountsDetail on a ready snapshot, Days365",
      steps: async () => [
        {
          path: `${PREFIX}/GetAccountsDetail`,
          headers: { "x-api-key": API_KEY },
          body: JSON.stringify({ RequestId: await requestIdFor(), DaysOfTransactions: "Days365" }),
        },
      ],
    },
  };
}

/** Runs the steps once against `base`, every answer must be a 200; returns the answers. */
async function runOnce(base, steps) {
  const answers = [];
  let token;
  for (const step of steps) {
    const headers = step.takesToken ? { ...step.headers, "flinks-auth-key": token } : step.headers;
    const answer = await post(`${base}${step.path}`, headers, step.body);
    if (answer.status !== 200)
      throw new Error(`${base}${step.path}: answered ${answer.status}, not 200: ${answer.bytes.toString().slice(0, 300)}`);
    if (step.givesToken) token = JSON.parse(answer.bytes.toString()).Token;
    answers.push(answer);
  }
  return answers;
}

// ---------------------------------------------------------------- load

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function cannonRequests(steps) {
  return steps.map((step) => ({
    method: "POST",
    path: step.path,
    headers: { "content-type": "application/json", ...step.headers },
    body: step.body,
    ...(step.givesToken
      ? {
          onResponse: (status, body, context) => {
            if (status === 200) context.token = JSON.parse(body).Token;
          },
        }
      : {}),
    ...(step.takesToken
      ? {
          setupRequest: (request, context) => ({ ...request, headers: { ...request.headers, "flinks-auth-key": context.token ?? "none" } }),
        }
      : {}),
  }));
}

/** Warm-up, then one measured run of `steps` against `target`. */
async function measure(target, steps) {
  await runOnce(target.base, steps);
  const options = { url: target.base, requests: cannonRequests(steps), connections: CONNECTIONS, pipelining: 1 };
  const warm = await cannon({ ...options, duration: WARMUP_SECONDS });
  const cpuBefore = cpuSeconds(target.child.pid);
  const machineBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await cannon({ ...options, duration: SECONDS });
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const own = process.cpuUsage(ownBefore);
  const machineAfter = machineBusySeconds();
  const cpuAfter = cpuSeconds(target.child.pid);
  const serverCpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  const otherLoad =
    machineBefore === null || serverCpu === null
      ? null
      : Math.max(0, machineAfter - machineBefore - serverCpu - (own.user + own.system) / 1e6) / (elapsedSeconds * cpus().length);
  const codes = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith("2"))
    .map(([code, { count }]) => `${code}×${count}`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    warmupBad: warm.non2xx + warm.errors,
    otherCodes: codes.join(" "),
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total - result.non2xx),
    cpuUsPerRequest: serverCpu === null ? null : (serverCpu * 1e6) / Math.max(1, result.requests.total),
    otherLoad,
  };
}

/**
 * Load in slices until the server stops getting faster (a slice at most STEADY_GAIN above the
 * best before it), bounded by WARMUP_MAX_SECONDS; returns each slice's req/s.
 */
async function warmUntilSteady(target, steps) {
  const slices = [];
  const options = { url: target.base, requests: cannonRequests(steps), connections: CONNECTIONS, duration: WARMUP_SLICE_SECONDS };
  while ((slices.length + 1) * WARMUP_SLICE_SECONDS <= Math.max(WARMUP_MAX_SECONDS, WARMUP_SLICE_SECONDS)) {
    const { requests } = await cannon(options);
    const best = Math.max(0, ...slices);
    slices.push(requests.average);
    if (slices.length > 1 && requests.average <= best * (1 + STEADY_GAIN)) break;
  }
  return slices;
}

/** Starts the stubs for `captures`, warms each server up, then ROUNDS rounds over every server in a rotating order. */
async function runScenario(key, scenario, bankgate, steps, captures) {
  const targets = [];
  const skipped = [];
  for (const kind of SERVERS.filter((s) => s !== "bankgate")) {
    const why = missingReason(kind);
    if (why) {
      skipped.push(`${kind}: ${why}`);
      continue;
    }
    try {
      const stub = await startStub(kind, captures, makeTempDir(`bankgate-bench-${kind}-`));
      await runOnce(stub.base, steps);
      targets.push(stub);
    } catch (error) {
      skipped.push(`${kind}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  }
  targets.push({ kind: "bankgate", child: bankgate.child, base: bankgate.base });
  try {
    const warmUps = {};
    for (const target of targets) warmUps[target.kind] = await warmUntilSteady(target, steps);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      const results = { loadBefore: loadavg()[0] };
      for (const target of order) results[target.kind] = await measure(target, steps);
      rounds.push(results);
    }
    return { key, scenario, captures, kinds: targets.map((t) => t.kind), rounds, warmUps, skipped };
  } finally {
    for (const target of targets) if (target.kind !== "bankgate") await stopChild(target.child);
  }
}

// ---------------------------------------------------------------- cold start

/** Cold starts of each of `mains`, alternated, COLD_RUNS of each. */
async function coldStarts(mains) {
  const times = new Map(mains.map((main) => [main, []]));
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const main of mains) {
      const dataDir = join(makeTempDir("bankgate-bench-cold-"), "data"); // does not exist yet: truly empty
      // The defaults of a fresh clone: no keys configured, so the first start generates them.
      const started = await startBankgate(dataDir, {}, { main });
      times.get(main).push(started.startupMs);
      await stopChild(started.child);
    }
  }
  return mains.map((main) => {
    const each = times.get(main);
    const sorted = [...each].sort((a, b) => a - b);
    return { main, times: each, median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
  });
}

// ---------------------------------------------------------------- output

const fmt = (n, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pct = (n) => (n === null || n === undefined ? "n/a" : `${fmt(n * 100)}%`);

function printScenario({ scenario, captures, kinds, rounds, warmUps, skipped }) {
  const sizes = captures.map((c) => `${fmt(c.bytes.length)} B`).join(" + ");
  const lines = [
    "",
    `== ${scenario.title}`,
    `   answer ${sizes}, ${captures[0].contentType}; ${CONNECTIONS} connections, ${rounds.length} round(s) of ${SECONDS} s after ${WARMUP_SECONDS} s warm-up (each server first warmed in ${WARMUP_SLICE_SECONDS} s slices until steady)`,
    `   ${"".padEnd(9)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"non-2xx".padStart(8)} ${"errors".padStart(7)} ${"B/resp".padStart(8)} ${"CPU µs/req".padStart(11)} ${"other load".padStart(10)}   (median of rounds; other load and req/s: each round)`,
  ];
  for (const kind of kinds) {
    const runs = rounds.map((r) => r[kind]);
    const m = (field) => median(runs.map((r) => r[field]));
    const cpu = runs.every((r) => r.cpuUsPerRequest !== null) ? fmt(m("cpuUsPerRequest")) : "n/a";
    const bad = runs.reduce((sum, r) => sum + r.non2xx, 0);
    const errors = runs.reduce((sum, r) => sum + r.errors, 0);
    const codes = runs
      .map((r) => r.otherCodes)
      .filter(Boolean)
      .join(" ");
    const warm = runs.reduce((sum, r) => sum + r.warmupBad, 0);
    lines.push(
      `   ${kind.padEnd(9)} ${fmt(m("rps")).padStart(8)} ${fmt(m("p50")).padStart(7)} ${fmt(m("p99")).padStart(7)} ${fmt(bad).padStart(8)} ${fmt(errors).padStart(7)} ${fmt(m("bytesPerResponse")).padStart(8)} ${cpu.padStart(11)} ${runs
        .map((r) => pct(r.otherLoad))
        .join(" ")
        .padStart(10)}${runs.length > 1 ? `  req/s by round ${runs.map((r) => fmt(r.rps)).join(", ")}` : ""}${codes ? `  (${codes})` : ""}${
        warm ? `  (warm-up non-2xx/errors: ${warm})` : ""
      }`,
    );
  }
  for (const kind of kinds.filter((k) => k !== "bankgate")) {
    const ratios = rounds.map((r) => r.bankgate.rps / r[kind].rps);
    const cpuRatios = rounds.map((r) =>
      r.bankgate.cpuUsPerRequest && r[kind].cpuUsPerRequest ? r[kind].cpuUsPerRequest / r.bankgate.cpuUsPerRequest : null,
    );
    const cpuText = cpuRatios.every((c) => c !== null) ? `; by server CPU per request ${fmt(median(cpuRatios), 2)}×` : "";
    lines.push(
      `   bankgate / ${kind.padEnd(8)} ${fmt(median(ratios), 2)}× by req/s (rounds: ${ratios.map((r) => fmt(r, 2)).join(", ")})${cpuText}`,
    );
  }
  for (const kind of kinds) lines.push(`   warm-up ${kind.padEnd(9)} req/s by slice ${warmUps[kind].map((rps) => fmt(rps)).join(" → ")}`);
  lines.push(`   1-min load average before each round: ${rounds.map((r) => fmt(r.loadBefore, 2)).join(", ")}`);
  for (const reason of skipped) lines.push(`   skipped ${reason}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

// ---------------------------------------------------------------- main

async function main() {
  if (!existsSync(BANKGATE_MAIN)) throw new Error(`${BANKGATE_MAIN} not found: run \`npm run build\` first`);
  process.stdout.write(
    "columns: req/s = autocannon mean; p50/p99 = latency (1 ms resolution); non-2xx and errors (incl. timeouts) must be 0;\n" +
      "         B/resp = bytes per 2xx answer incl. headers; CPU µs/req = the server process's CPU per request;\n" +
      "         other load = CPU used by neither the measured server nor the load generator, share of all cores (noise)\n",
  );
  process.stdout.write(
    `bankgate bench — ${BANKGATE_MAIN}, node ${process.version}, ${cpus().length} CPUs, ${new Date().toISOString()}, ` +
      `servers ${SERVERS.join(", ")}, bankgate with ${WORKERS} worker process(es)\n`,
  );

  const loadScenarios = ALL_SCENARIOS.filter((key) => key !== "cold" && SCENARIOS.has(key));
  let failed = false;
  if (loadScenarios.length > 0) {
    const bankgate = await startBankgate(
      makeTempDir("bankgate-bench-data-"),
      {
        ...BENCH_CUSTOMER_ENV,
        LOG_LEVEL: "warn",
        BANKGATE_WORKERS: String(WORKERS),
        ...EXTRA_ENV,
      },
      { nodeArgs: NODE_ARGS, main: BANKGATE_MAIN },
    );
    try {
      const loginId = await setUpCard(bankgate.base);
      const requestIdFor = async () =>
        jsonOf(
          await post(`${bankgate.base}${PREFIX}/Authorize`, { "x-api-key": API_KEY }, { LoginId: loginId, MostRecentCached: true }),
          "cached Authorize",
        ).RequestId;
      const all = scenarioSteps(loginId, requestIdFor);
      for (const key of loadScenarios) {
        const scenario = all[key];
        const steps = typeof scenario.steps === "function" ? await scenario.steps() : scenario.steps;
        const answers = await runOnce(bankgate.base, steps);
        const captures = steps.map((step, i) => ({ path: step.path, bytes: answers[i].bytes, contentType: answers[i].contentType }));
        const result = await runScenario(key, scenario, bankgate, steps, captures);
        printScenario(result);
        if (result.rounds.some((round) => result.kinds.some((kind) => round[kind].non2xx + round[kind].errors > 0))) failed = true;
      }
    } finally {
      await stopChild(bankgate.child);
    }
  }

  if (SCENARIOS.has("cold")) {
    // `npm start` runs the bundle; the unbundled tsc output is measured beside it when no BENCH_MAIN is given.
    const mains = process.env.BENCH_MAIN ? [BANKGATE_MAIN] : [BUNDLE, MAIN].filter((main) => existsSync(main));
    const machineBefore = machineBusySeconds();
    const startedAt = performance.now();
    const cold = await coldStarts(mains);
    const busyShare =
      machineBefore === null ? null : (machineBusySeconds() - machineBefore) / (((performance.now() - startedAt) / 1000) * cpus().length);
    process.stdout.write(`\n== cold start: spawn \`node <main>\` on an empty data dir → first 200 on GET /health (alternated)\n`);
    for (const { main, times, median: med, min, max } of cold) {
      process.stdout.write(
        `   ${main.replace(`${ROOT}/`, "").padEnd(20)} median ${fmt(med)} ms over ${times.length} runs (min ${fmt(min)}, max ${fmt(max)}; each: ${times.map((t) => fmt(t)).join(", ")} ms)\n`,
      );
    }
    process.stdout.write(`   machine busy during the cold starts (all processes, share of all cores): ${pct(busyShare)}\n`);
  }
  if (failed) {
    process.stdout.write("\nWARNING: non-2xx answers or socket errors above\n");
    process.exitCode = 1;
  }
}

main()
  .catch((error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAllChildren();
    removeTempDirs();
  });
