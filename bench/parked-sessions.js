// Many sessions parked at an MFA question (issue 13, item 5: 100,000 of them, server RSS growth
// < 150 MB, store size linear in the count).
//
//   npm run build && node bench/parked-sessions.js
//
// Starts the compiled server (`node dist/main.js`, embedded SQLite in a temporary data dir) and
// parks BENCH_PARKED (default 100,000) sessions: for each, GenerateAuthorizeToken then a live
// /Authorize of a new sandbox card "Greatday+p<N>", which answers 203 with a question and waits
// there. BENCH_PARKED_CONCURRENCY (32) requests run at once. At every fifth of the count it
// prints the sessions parked so far, the server's resident memory (VmRSS from /proc) and its
// growth since the start, and the store's size on disk (database and write-ahead log) per
// session. Sessions live for the run: idle TTL and absolute cap are set to a day so none expires
// and no purge runs meanwhile. Bounded: every request times out after 30 s, and the run stops
// after BENCH_PARKED_MAX_SECONDS (1800). The server is killed at the end, also on an error.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { killAllNow, positiveNumber, startBankgate, stopChild } from "./harness.js";
import { jsonClient } from "./json-client.js";

const COUNT = positiveNumber("BENCH_PARKED", 100_000);
const CONCURRENCY = positiveNumber("BENCH_PARKED_CONCURRENCY", 32);
const MAX_SECONDS = positiveNumber("BENCH_PARKED_MAX_SECONDS", 1800);
const CUSTOMER_ID = "5d1c7b2e-9a4f-4e3b-8c6d-2f0a1b3c4d5e";
const SECRET_KEY = "parked-secret-key-0123456789";
const MASTER_KEYS = `bench:${Buffer.alloc(32, 6).toString("base64")}`;
const DAY = String(86_400);

function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

function storeBytes(dataDir) {
  let total = 0;
  for (const name of ["bankgate.sqlite", "bankgate.sqlite-wal"]) {
    try {
      total += statSync(join(dataDir, name)).size;
    } catch {
      // no write-ahead log (yet)
    }
  }
  return total;
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), "bankgate-parked-"));
  const dataDir = join(root, "data");
  const client = jsonClient({ maxSockets: CONCURRENCY });
  const { child, port } = await startBankgate(dataDir, {
    BANKGATE_MASTER_KEYS: MASTER_KEYS,
    BANKGATE_CUSTOMER_ID: CUSTOMER_ID,
    BANKGATE_SECRET_KEY: SECRET_KEY,
    BANKGATE_API_KEY: "parked-api-key-0123456789",
    BANKGATE_SESSION_IDLE_TTL_SECONDS: DAY,
    BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS: DAY,
    LOG_LEVEL: "warn",
  });
  const base = `/v3/${CUSTOMER_ID}/BankingServices`;
  const started = performance.now();
  const rssAtStart = rssBytes(child.pid);
  const storeAtStart = storeBytes(dataDir);
  console.log(`server RSS at start ${(rssAtStart / 1e6).toFixed(1)} MB, store ${(storeAtStart / 1e6).toFixed(2)} MB`);
  console.log("parked    seconds  RSS MB  RSS growth MB  store MB  store bytes/session");
  let next = 0;
  let parked = 0;
  const checkpoints = [1, 2, 3, 4, 5].map((fifth) => Math.round((COUNT * fifth) / 5));
  const report = () => {
    const rss = rssBytes(child.pid);
    const store = storeBytes(dataDir);
    console.log(
      `${String(parked).padStart(7)}  ${((performance.now() - started) / 1000).toFixed(0).padStart(7)}  ${(rss / 1e6).toFixed(1).padStart(6)}  ${((rss - rssAtStart) / 1e6).toFixed(1).padStart(13)}  ${(store / 1e6).toFixed(1).padStart(8)}  ${((store - storeAtStart) / parked).toFixed(0).padStart(19)}`,
    );
  };
  const worker = async () => {
    while (next < COUNT) {
      if ((performance.now() - started) / 1000 > MAX_SECONDS) throw new Error(`stopped after ${MAX_SECONDS} s with ${parked} parked`);
      const n = next++;
      const token = await client.call(port, "POST", `${base}/GenerateAuthorizeToken`, { "flinks-auth-key": SECRET_KEY });
      if (token.status !== 200) throw new Error(`token answered ${token.status}: ${token.text}`);
      const login = { Institution: "FlinksCapital", Username: `Greatday+p${n}`, Password: "Everyday", MostRecentCached: false };
      const answer = await client.call(port, "POST", `${base}/Authorize`, { "flinks-auth-key": token.body.Token }, login);
      if (answer.status !== 203) throw new Error(`login answered ${answer.status}: ${answer.text}`);
      parked++;
      if (checkpoints.includes(parked)) report();
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    client.close();
    await stopChild(child, 5000);
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  killAllNow();
  process.exit(1);
});
