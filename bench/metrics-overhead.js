// What the metrics hooks cost on the hot path: cached /Authorize against two compiled servers
// started side by side, one with BANKGATE_METRICS=on (the default) and one with it off, measured
// alternately in the same run (off, on, off, on, …) so machine noise falls on both.
//
//   npm run build:server && node bench/metrics-overhead.js
//
// Environment (all optional): BENCH_SECONDS (default 5), BENCH_WARMUP_SECONDS (default 1),
// BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (off/on pairs, default 2).
// docs/performance.md holds the latest figure.
import { existsSync } from "node:fs";
import autocannon from "autocannon";
import {
  BENCH_CUSTOMER,
  BENCH_CUSTOMER_ENV,
  benchTempDir,
  cpuSeconds,
  MAIN,
  positiveNumber,
  startBankgate,
  stopAllChildren,
} from "./harness.js";

const SECONDS = positiveNumber("BENCH_SECONDS", 5);
const WARMUP_SECONDS = positiveNumber("BENCH_WARMUP_SECONDS", 1);
const CONNECTIONS = positiveNumber("BENCH_CONNECTIONS", 50);
const ROUNDS = positiveNumber("BENCH_ROUNDS", 2);

const { customerId: CUSTOMER_ID, secretKey: SECRET_KEY, apiKey: API_KEY } = BENCH_CUSTOMER;
const API = `/v3/${CUSTOMER_ID}/BankingServices`;

async function postJson(base, path, headers, body) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

/** A server with one saved card (live Authorize of the no-MFA sandbox user); resolves with it and the LoginId. */
async function serverWithCard(metrics) {
  const dataDir = benchTempDir("bankgate-bench-metrics-");
  const server = await startBankgate(dataDir, {
    ...BENCH_CUSTOMER_ENV,
    BANKGATE_METRICS: metrics,
    LOG_LEVEL: "warn",
  });
  const { Token } = await postJson(server.base, `${API}/GenerateAuthorizeToken`, { "flinks-auth-key": SECRET_KEY });
  const login = { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false, Save: true };
  const live = await postJson(server.base, `${API}/Authorize`, { "flinks-auth-key": Token }, login);
  return { ...server, loginId: live.Login.Id };
}

function cannon(options) {
  return new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
}

async function measure(server) {
  const options = {
    url: `${server.base}${API}/Authorize`,
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ LoginId: server.loginId, MostRecentCached: true }),
    connections: CONNECTIONS,
  };
  await cannon({ ...options, duration: WARMUP_SECONDS });
  const cpuBefore = cpuSeconds(server.child.pid);
  const result = await cannon({ ...options, duration: SECONDS });
  const cpu = cpuSeconds(server.child.pid);
  if (result.non2xx + result.errors > 0) throw new Error(`non-2xx ${result.non2xx}, errors ${result.errors}`);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    cpuUs: cpu === null || cpuBefore === null ? null : ((cpu - cpuBefore) * 1e6) / result.requests.total,
  };
}

async function main() {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} not found: run \`npm run build:server\` first`);
  const servers = { off: await serverWithCard("off"), on: await serverWithCard("on") };
  const runs = { off: [], on: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of ["off", "on"]) runs[which].push(await measure(servers[which]));
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = Object.fromEntries(
    Object.entries(runs).map(([which, results]) => [
      which,
      { rps: median(results.map((r) => r.rps)), p99: median(results.map((r) => r.p99)), cpuUs: median(results.map((r) => r.cpuUs ?? 0)) },
    ]),
  );
  process.stdout.write(
    `cached /Authorize, node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} round(s), medians\n` +
      `  metrics off: ${summary.off.rps.toFixed(0)} req/s, p99 ${summary.off.p99} ms, ${summary.off.cpuUs.toFixed(0)} µs CPU/req\n` +
      `  metrics on:  ${summary.on.rps.toFixed(0)} req/s, p99 ${summary.on.p99} ms, ${summary.on.cpuUs.toFixed(0)} µs CPU/req\n` +
      `  on/off: ${((summary.on.rps / summary.off.rps) * 100).toFixed(1)}% of req/s, ` +
      `${((summary.on.cpuUs / summary.off.cpuUs - 1) * 100).toFixed(1)}% more CPU per request\n` +
      `  rounds (off → on req/s): ${runs.off.map((r, i) => `${r.rps.toFixed(0)} → ${runs.on[i].rps.toFixed(0)}`).join("; ")}\n`,
  );
}

main()
  .catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAllChildren());
