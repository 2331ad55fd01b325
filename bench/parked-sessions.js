// 100,000 parked MFA sessions (issue goal: the server's RSS grows < 150 MB; the store grows
// linearly in the count).
//
//   npm run build && node bench/parked-sessions.js
//
// Starts the bundled server (`dist/bundle/main.js`, embedded SQLite, fixed keys, LOG_LEVEL=warn,
// session lifetimes of a day so nothing expires or is purged during the run), then parks
// sessions: each is a GenerateAuthorizeToken and a live /Authorize of its own sandbox user
// ("Greatday+p<i>", so no card rule ever applies) answered with the bank's MFA question (203) and
// left there. At each checkpoint it reads the server's RSS (/proc/<pid>/status) and the store's
// files (bankgate.sqlite + -wal), and prints growth over the baseline taken after a warm-up.
//
// Baseline, in the same run: the warm server after PARKED_WARMUP sessions (the code paths
// compiled, the caches filled). Figures: RSS growth per checkpoint and against the 150 MB goal,
// store bytes per parked session at each checkpoint and their ratio to the first checkpoint's
// (1.00 = linear). Settings: PARKED_SESSIONS (100000), PARKED_WARMUP (2000), PARKED_WORKERS (32),
// PARKED_MAX_SECONDS (1200: the run stops with what it measured). Bounded: every request times
// out after 30 s and no new session starts after PARKED_MAX_SECONDS.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BENCH_CUSTOMER, BENCH_CUSTOMER_ENV, benchTempDir, positiveNumber, ROOT, startBankgate, stopChild } from "./harness.js";
import { jsonClient } from "./json-client.js";

const TOTAL = positiveNumber("PARKED_SESSIONS", 100_000);
const WARMUP = positiveNumber("PARKED_WARMUP", 2_000);
const WORKERS = positiveNumber("PARKED_WORKERS", 32);
const MAX_SECONDS = positiveNumber("PARKED_MAX_SECONDS", 1_200);
const CHECKPOINTS = [0.1, 0.25, 0.5, 1].map((share) => Math.round(TOTAL * share));
const RSS_GOAL_MB = 150;
const DAY = String(86_400);
const BASE = `/v3/${BENCH_CUSTOMER.customerId}/BankingServices`;

process.once("SIGINT", () => process.exit(130));

const { call, close } = jsonClient({ maxSockets: WORKERS + 4, timeoutMs: 30_000 });
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.match(/(\d+)/)?.[1] ?? Number.NaN) * 1024;
}

function storeBytes(dir) {
  return readdirSync(dir)
    .filter((name) => name.startsWith("bankgate.sqlite"))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** Parks session number `i`: a token, then a live /Authorize that the bank answers with a question. */
async function park(port, i) {
  const token = await call(port, "POST", `${BASE}/GenerateAuthorizeToken`, { "flinks-auth-key": BENCH_CUSTOMER.secretKey });
  if (token.status !== 200) throw new Error(`token: ${token.status} ${token.text.slice(0, 200)}`);
  const live = await call(
    port,
    "POST",
    `${BASE}/Authorize`,
    { "flinks-auth-key": token.body.Token },
    { Institution: "FlinksCapital", Username: `Greatday+p${i}`, Password: "Everyday", MostRecentCached: false, Save: true },
  );
  if (live.status !== 203) throw new Error(`live Authorize: ${live.status} ${live.text.slice(0, 200)}`);
}

/** Parks sessions [from, to) with WORKERS at once; stops starting new ones at `deadline`. */
async function parkRange(port, from, to, deadline) {
  let next = from;
  let failures = 0;
  const worker = async () => {
    while (next < to && performance.now() < deadline) {
      const i = next++;
      try {
        await park(port, i);
      } catch (error) {
        if (failures++ < 5) process.stderr.write(`session ${i}: ${error.message}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { parked: next - from - failures, failures };
}

async function main() {
  const dataDir = benchTempDir("bankgate-parked-");
  const storeDir = join(dataDir, "data");
  const { child, port } = await startBankgate(
    storeDir,
    {
      ...BENCH_CUSTOMER_ENV,
      LOG_LEVEL: "warn",
      BANKGATE_SESSION_IDLE_TTL_SECONDS: DAY,
      BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS: DAY,
      BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS: DAY,
    },
    { main: join(ROOT, "dist", "bundle", "main.js"), pollMs: 20 },
  );
  const deadline = performance.now() + MAX_SECONDS * 1000;
  const warm = await parkRange(port, 0, WARMUP, deadline);
  const baseline = { rss: rssBytes(child.pid), store: storeBytes(storeDir), parked: warm.parked };
  process.stdout.write(
    `${new Date().toISOString()} baseline after ${warm.parked} warm-up sessions: RSS ${mb(baseline.rss)} MB, store ${mb(baseline.store)} MB\n`,
  );
  process.stdout.write("parked     sessions/s  RSS MB  RSS growth MB  of goal  store MB  store growth MB  B/session  vs first\n");
  let parked = 0;
  let failures = warm.failures;
  let firstPerSession = null;
  for (const checkpoint of CHECKPOINTS) {
    const started = performance.now();
    const range = await parkRange(port, WARMUP + parked, WARMUP + checkpoint, deadline);
    parked += range.parked;
    failures += range.failures;
    const rate = range.parked / ((performance.now() - started) / 1000);
    const rss = rssBytes(child.pid);
    const store = storeBytes(storeDir);
    const perSession = (store - baseline.store) / Math.max(1, parked);
    firstPerSession ??= perSession;
    process.stdout.write(
      `${String(parked).padStart(7)}  ${rate.toFixed(0).padStart(10)}  ${mb(rss).padStart(6)}  ${mb(rss - baseline.rss).padStart(13)}  ${((rss - baseline.rss) / (RSS_GOAL_MB * 1024 * 1024)).toFixed(2).padStart(7)}×  ${mb(store).padStart(8)}  ${mb(store - baseline.store).padStart(15)}  ${perSession.toFixed(0).padStart(9)}  ${(perSession / firstPerSession).toFixed(2).padStart(7)}×\n`,
    );
    if (performance.now() >= deadline) {
      process.stdout.write(`stopped at PARKED_MAX_SECONDS (${MAX_SECONDS} s) with ${parked} of ${TOTAL} parked\n`);
      break;
    }
  }
  process.stdout.write(`failures: ${failures}\n`);
  close();
  await stopChild(child);
  if (failures > 0) process.exitCode = 1;
}

await main();
