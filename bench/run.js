// bankgate benchmarks, each against a baseline measured in the same run (the performance
// goals of docs/quality-bars.md).
//
//   npm run build && node bench/run.js
//
// Environment (all optional):
//   BENCH_SECONDS          measured duration of each run, seconds (default 10)
//   BENCH_WARMUP_SECONDS   warm-up before each measured run, seconds (default 2)
//   BENCH_CONNECTIONS      concurrent connections (default 50)
//   BENCH_COLD_RUNS        cold starts to take the median of (default 5)
//   BENCH_ROUNDS           baseline/bankgate pairs per scenario, alternated; the median
//                          round (by ratio) is reported (default 1)
//   BENCH_SCENARIOS        comma-separated list of: authorize, accounts, cold (the default),
//                          and accounts365 (the same read with DaysOfTransactions=Days365:
//                          ~90 KB instead of ~23 KB; not in the default set)
//   BENCH_NODE_ARGS        extra node flags for the measured bankgate, e.g. "--cpu-prof
//                          --cpu-prof-dir=/tmp/prof" to see where its time goes
//
// What it does:
//   1. starts the compiled server (`node dist/main.js`) as a child process on 127.0.0.1,
//      with a temporary data dir, fixed customer keys, a fixed master key and LOG_LEVEL=warn;
//   2. sets up one card: GenerateAuthorizeToken → live Authorize (greatday_nomfa, no MFA);
//   3. for each scenario captures one real bankgate response, starts bench/bare-server.js
//      (bare node:http, another child process) serving exactly those bytes with the same
//      Content-Type, checks that both answer the benchmark request with a 200, then runs
//      autocannon against the baseline and against bankgate (warm-up, then measured run);
//   4. measures cold start: spawn `node dist/main.js` on an empty data dir → first 200 on
//      GET /health, median of BENCH_COLD_RUNS;
//   5. kills every child it started and removes its temporary directories (also on error
//      and on Ctrl-C).
//
// Besides req/s and latency it prints the server's own CPU time per request (from /proc,
// so less sensitive to a busy machine than req/s) and the share of CPU used by other work
// during each run: a figure taken with "other load" well above 0% is noise.
// docs/performance.md holds the goals and the latest results.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import {
  cpuSeconds,
  HOST,
  MAIN,
  machineBusySeconds,
  positiveNumber,
  ROOT,
  STARTUP_TIMEOUT_MS,
  spawnNode,
  startBankgate,
  stopAllChildren,
  stopChild,
} from "./harness.js";

const BARE = join(ROOT, "bench", "bare-server.js");

const SECONDS = positiveNumber("BENCH_SECONDS", 10);
const WARMUP_SECONDS = positiveNumber("BENCH_WARMUP_SECONDS", 2);
const CONNECTIONS = positiveNumber("BENCH_CONNECTIONS", 50);
const COLD_RUNS = positiveNumber("BENCH_COLD_RUNS", 5);
const ROUNDS = positiveNumber("BENCH_ROUNDS", 1);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS || "").split(" ").filter(Boolean);
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS || "authorize,accounts,cold").split(",").map((s) => s.trim()));
for (const name of SCENARIOS) {
  if (!["authorize", "accounts", "accounts365", "cold"].includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}"`);
}

const CUSTOMER_ID = "0b5e7c1a-6d2f-4c8e-9a3b-1f2e3d4c5b6a";
const SECRET_KEY = "bench-secret-key-0123456789";
const API_KEY = "bench-api-key-0123456789";
const MASTER_KEYS = `bench:${Buffer.alloc(32, 7).toString("base64")}`;

/** Every temporary directory this run created, to clean up at the end (harness.js kills the children). */
const tempDirs = new Set();

function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// ---------------------------------------------------------------- child processes

function removeTempDirs() {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on("exit", removeTempDirs);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping children\n`);
    process.exit(130);
  });
}

async function startBare(bodyFile, contentType) {
  const child = spawnNode([BARE, bodyFile, contentType], { ...process.env });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare server did not start:\n${child.output}`)), STARTUP_TIMEOUT_MS);
    child.stdout.on("data", () => {
      const match = /listening (\d+)/.exec(child.output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited (${code ?? signal}):\n${child.output}`));
    });
  });
  return { child, port, base: `http://${HOST}:${port}` };
}

// ---------------------------------------------------------------- the Flinks flow

const api = (base) => `${base}/v3/${CUSTOMER_ID}/BankingServices`;

async function post(url, headers, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    bytes,
  };
}

function jsonOf(response, what) {
  if (response.status !== 200) {
    throw new Error(`${what}: expected 200, got ${response.status}: ${response.bytes.toString().slice(0, 500)}`);
  }
  return JSON.parse(response.bytes.toString());
}

/** GenerateAuthorizeToken → live Authorize of the no-MFA sandbox user: one saved card. */
async function setUpCard(base) {
  const tokenResponse = await post(`${api(base)}/GenerateAuthorizeToken`, {
    "flinks-auth-key": SECRET_KEY,
  });
  const { Token } = jsonOf(tokenResponse, "GenerateAuthorizeToken");
  const live = await post(
    `${api(base)}/Authorize`,
    { "flinks-auth-key": Token },
    {
      Institution: "FlinksCapital",
      Username: "greatday_nomfa",
      Password: "Everyday",
      MostRecentCached: false,
      Save: true,
    },
  );
  const loginId = jsonOf(live, "live Authorize").Login?.Id;
  if (typeof loginId !== "string") throw new Error(`live Authorize: no Login.Id in ${live.bytes.toString().slice(0, 500)}`);
  return loginId;
}

// ---------------------------------------------------------------- load

/** One autocannon run; resolves with its raw result. */
function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Checks that `target` answers this exact request with a 200 (so the load below measures
 * the real thing, not an error page), then warms up and measures.
 */
async function measure(label, target, request) {
  const url = `${target.base}${request.path}`;
  const sample = await post(url, request.headers, JSON.parse(request.body));
  if (sample.status !== 200) {
    throw new Error(`${label}: sample request answered ${sample.status}, not 200: ${sample.bytes.toString().slice(0, 500)}`);
  }
  const options = {
    url,
    method: "POST",
    headers: { "content-type": "application/json", ...request.headers },
    body: request.body,
    connections: CONNECTIONS,
    pipelining: 1,
  };
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
  // CPU that neither the server nor the load generator used: other work on a shared machine.
  const foreignCpuShare =
    machineBefore === null || machineAfter === null || serverCpu === null
      ? null
      : Math.max(0, machineAfter - machineBefore - serverCpu - (own.user + own.system) / 1e6) / (elapsedSeconds * cpus().length);
  const codes = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith("2"))
    .map(([code, { count }]) => `${code}×${count}`);
  return {
    label,
    sampleBytes: sample.bytes.length,
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    warmupNon2xx: warm.non2xx + warm.errors,
    otherCodes: codes.join(" "),
    // 2xx bytes per 2xx response, headers included: the two servers must send the same size.
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total - result.non2xx),
    // CPU the server process used per answered request: less sensitive to a busy machine than req/s.
    cpuUsPerRequest: serverCpu === null ? null : (serverCpu * 1e6) / Math.max(1, result.requests.total),
    foreignCpuShare,
  };
}

async function runScenario(name, bankgate, request, capture) {
  const dir = makeTempDir("bankgate-bench-bare-");
  const bodyFile = join(dir, "body");
  writeFileSync(bodyFile, capture.bytes);
  const bare = await startBare(bodyFile, capture.contentType);
  try {
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const loadBefore = loadavg()[0];
      const baseline = await measure(`${name} — baseline`, bare, request);
      const server = await measure(`${name} — bankgate`, bankgate, request);
      rounds.push({
        baseline,
        server,
        ratio: server.rps / baseline.rps,
        loadBefore,
      });
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
    return {
      name,
      bodyBytes: capture.bytes.length,
      contentType: capture.contentType,
      ...median,
      rounds,
    };
  } finally {
    await stopChild(bare.child);
  }
}

// ---------------------------------------------------------------- cold start

async function coldStarts() {
  const times = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const dataDir = join(makeTempDir("bankgate-bench-cold-"), "data"); // does not exist yet: truly empty
    // The defaults of a fresh clone: no keys configured, so the first start generates them.
    const started = await startBankgate(dataDir, {});
    times.push(started.startupMs);
    await stopChild(started.child);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    times,
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

// ---------------------------------------------------------------- output

const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

function printScenario({ name, bodyBytes, contentType, baseline, server, ratio, loadBefore, rounds }) {
  const lines = [
    "",
    `== ${name}  (response ${fmt(bodyBytes)} bytes, ${contentType}; ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up)`,
    `   ${"".padEnd(10)} ${"req/s".padStart(9)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"non-2xx".padStart(8)} ${"errors".padStart(7)} ${"B/resp".padStart(8)} ${"CPU µs/req".padStart(11)} ${"other load".padStart(10)}`,
  ];
  for (const [who, r] of [
    ["baseline", baseline],
    ["bankgate", server],
  ]) {
    lines.push(
      `   ${who.padEnd(10)} ${fmt(r.rps).padStart(9)} ${fmt(r.p50).padStart(7)} ${fmt(r.p99).padStart(7)} ${fmt(r.non2xx).padStart(8)} ${fmt(r.errors + r.timeouts).padStart(7)} ${fmt(r.bytesPerResponse).padStart(8)} ${(r.cpuUsPerRequest === null ? "n/a" : fmt(r.cpuUsPerRequest)).padStart(11)} ${(r.foreignCpuShare === null ? "n/a" : `${fmt(r.foreignCpuShare * 100)}%`).padStart(10)}${r.otherCodes ? `  (${r.otherCodes})` : ""}${r.warmupNon2xx ? `  (warm-up non-2xx/errors: ${r.warmupNon2xx})` : ""}`,
    );
  }
  const cpuRatio = baseline.cpuUsPerRequest && server.cpuUsPerRequest ? baseline.cpuUsPerRequest / server.cpuUsPerRequest : null;
  lines.push(
    `   ratio bankgate/baseline: ${fmt(ratio * 100, 1)}% of req/s` +
      (cpuRatio === null ? "" : `; ${fmt(cpuRatio * 100, 1)}% by server CPU per request (baseline µs / bankgate µs)`) +
      `   (1-min load average before the pair: ${fmt(loadBefore, 2)})`,
  );
  if (rounds.length > 1) {
    lines.push(
      `   rounds (baseline → bankgate req/s): ${rounds.map((r) => `${fmt(r.baseline.rps)} → ${fmt(r.server.rps)} (${fmt(r.ratio * 100, 1)}%)`).join("; ")}; median round shown`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

// ---------------------------------------------------------------- main

async function main() {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} not found: run \`npm run build\` first`);
  process.stdout.write(
    "columns: req/s = autocannon mean; p50/p99 = latency of 2xx answers (1 ms resolution); non-2xx and errors (incl. timeouts)\n" +
      "         must be 0; B/resp = bytes per 2xx answer incl. headers (same payload check); CPU µs/req = server process CPU\n" +
      "         per request; other load = CPU used by neither server nor load generator, as a share of all cores (noise)\n",
  );
  process.stdout.write(
    `bankgate bench — node ${process.version}, ${cpus().length} CPUs, ${new Date().toISOString()}, ` +
      `${SECONDS} s runs, ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections, ${ROUNDS} round(s)\n`,
  );

  const results = [];
  if (["authorize", "accounts", "accounts365"].some((key) => SCENARIOS.has(key))) {
    const dataDir = makeTempDir("bankgate-bench-data-");
    const bankgate = await startBankgate(
      dataDir,
      {
        BANKGATE_CUSTOMER_ID: CUSTOMER_ID,
        BANKGATE_SECRET_KEY: SECRET_KEY,
        BANKGATE_API_KEY: API_KEY,
        BANKGATE_MASTER_KEYS: MASTER_KEYS,
        LOG_LEVEL: "warn",
      },
      { nodeArgs: NODE_ARGS },
    );
    try {
      const loginId = await setUpCard(bankgate.base);
      const prefix = `/v3/${CUSTOMER_ID}/BankingServices`;

      if (SCENARIOS.has("authorize")) {
        // Cached /Authorize: every call opens (and durably stores) a new session.
        const request = {
          path: `${prefix}/Authorize`,
          headers: { authorization: `Bearer ${API_KEY}` },
          body: JSON.stringify({ LoginId: loginId, MostRecentCached: true }),
        };
        const capture = await post(`${bankgate.base}${request.path}`, request.headers, JSON.parse(request.body));
        jsonOf(capture, "cached Authorize");
        const result = await runScenario("cached /Authorize", bankgate, request, capture);
        printScenario(result);
        results.push(result);
      }

      const accountsScenarios = [
        ["accounts", "/GetAccountsDetail on a ready snapshot", {}],
        ["accounts365", "/GetAccountsDetail on a ready snapshot, DaysOfTransactions=Days365", { DaysOfTransactions: "Days365" }],
      ];
      for (const [key, name, extraBody] of accountsScenarios) {
        if (!SCENARIOS.has(key)) continue;
        // One RequestId from a cached Authorize, read over and over.
        const opened = await post(
          `${api(bankgate.base)}/Authorize`,
          { "x-api-key": API_KEY },
          { LoginId: loginId, MostRecentCached: true },
        );
        const requestId = jsonOf(opened, "cached Authorize").RequestId;
        const request = {
          path: `${prefix}/GetAccountsDetail`,
          headers: { "x-api-key": API_KEY },
          body: JSON.stringify({ RequestId: requestId, ...extraBody }),
        };
        const capture = await post(`${bankgate.base}${request.path}`, request.headers, JSON.parse(request.body));
        jsonOf(capture, "GetAccountsDetail");
        const result = await runScenario(name, bankgate, request, capture);
        printScenario(result);
        results.push(result);
      }
    } finally {
      await stopChild(bankgate.child);
    }
  }

  if (SCENARIOS.has("cold")) {
    const cold = await coldStarts();
    process.stdout.write(
      `\n== cold start: spawn \`node dist/main.js\` on an empty data dir → first 200 on GET /health\n` +
        `   median ${fmt(cold.median)} ms over ${cold.times.length} runs (min ${fmt(cold.min)}, max ${fmt(cold.max)}; ` +
        `each: ${cold.times.map((t) => fmt(t)).join(", ")} ms)\n`,
    );
  }

  const failures = results.filter((r) => r.baseline.non2xx + r.server.non2xx + r.baseline.errors + r.server.errors > 0);
  if (failures.length > 0) {
    process.stdout.write(`\nWARNING: non-2xx responses or errors in: ${failures.map((r) => r.name).join(", ")}\n`);
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
