// A live MFA step's server-added time (issue goal: p95 ≤ 2 ms, the connector's own time excluded).
//
//   npm run build && node bench/mfa-step.js
//
// Starts the bundled server (`dist/bundle/main.js`, embedded SQLite, fixed keys, LOG_LEVEL=warn)
// and runs MFA_FLOWS live logins of the FlinksCapital sandbox bank, MFA_CONCURRENCY at once, each
// its own user ("Greatday+m<i>"): GenerateAuthorizeToken, /Authorize with credentials (203, the
// bank's question), /Authorize with the answer (200). Every /Authorize answer carries
// `Server-Timing: institution;dur=…, bankgate;dur=…` (docs/observability.md): the time the
// connector's calls took for the request, and the rest of the request's time in the server.
// The figure is `bankgate` of the answer step (and of the first step), whose p95 the goal bounds.
// Beside it, each step's round trip as the client saw it: it also counts the time a request
// waited to be read while the server's event loop was busy (a previous flow's aggregation).
//
// Baseline, in the same run and the same way: the `bankgate` time of a cached /Authorize of the
// flow's new card right after it (a store read, a durable session write, no bank), so the ratio
// says how much heavier an MFA step is than bankgate's lightest durable answer.
// Settings: MFA_FLOWS (400), MFA_WARMUP (40 flows, not counted), MFA_CONCURRENCY (4; a list such
// as "1,4" measures each), MFA_STORES ("sqlite"; "sqlite,postgres" measures both: PostgreSQL is
// DATABASE_URL or a throwaway server, bench/bench-postgres.js), MFA_MAINS (builds to compare,
// comma-separated paths to their main.js, default this one's dist/bundle/main.js; e.g. an old
// commit's worktree), MFA_ROUNDS (1; each round runs every build, store and concurrency, the
// builds alternating), MFA_NODE_ARGS (node flags for the server, e.g. "--cpu-prof
// --cpu-prof-dir=/tmp/prof" or "--import ./bench/statement-trace.js").
// Every request sends `x-bench-step` (token, live, answer, cached) for bench/statement-trace.js.
// Bounded: every request times out after 30 s; the flow count is fixed.
import { loadavg } from "node:os";
import { join } from "node:path";
import { ephemeralPostgres, freshDatabase } from "./bench-postgres.js";
import { BENCH_CUSTOMER, BENCH_CUSTOMER_ENV, benchTempDir, positiveNumber, ROOT, startBankgate, stopChild } from "./harness.js";
import { jsonClient, percentile } from "./json-client.js";

const FLOWS = positiveNumber("MFA_FLOWS", 400);
const WARMUP = positiveNumber("MFA_WARMUP", 40);
const CONCURRENCIES = listOf("MFA_CONCURRENCY", "4").map(Number);
const STORES = listOf("MFA_STORES", "sqlite");
const MAINS = listOf("MFA_MAINS", join(ROOT, "dist", "bundle", "main.js"));
const ROUNDS = positiveNumber("MFA_ROUNDS", 1);
const NODE_ARGS = (process.env.MFA_NODE_ARGS ?? "").split(" ").filter(Boolean);
const GOAL_P95_MS = 2;
const BASE = `/v3/${BENCH_CUSTOMER.customerId}/BankingServices`;
const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};

process.once("SIGINT", () => process.exit(130));

const { call, close } = jsonClient({ maxSockets: Math.max(...CONCURRENCIES) + 4, timeoutMs: 30_000 });

function listOf(name, fallback) {
  return (process.env[name] || fallback)
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The two durations of an answer's Server-Timing header and the client's round trip, in ms. */
function serverTiming(response) {
  const match = /institution;dur=([\d.]+), bankgate;dur=([\d.]+)/.exec(response.headers?.["server-timing"] ?? "");
  if (!match) throw new Error(`no Server-Timing header (status ${response.status})`);
  return { institution: Number(match[1]), bankgate: Number(match[2]), client: response.ms };
}

/** One flow; returns the Server-Timing of its live step, its answer and the cached /Authorize after. */
async function flow(port, i) {
  const token = await call(port, "POST", `${BASE}/GenerateAuthorizeToken`, {
    "flinks-auth-key": BENCH_CUSTOMER.secretKey,
    "x-bench-step": "token",
  });
  if (token.status !== 200) throw new Error(`token: ${token.status}`);
  const headers = { "flinks-auth-key": token.body.Token };
  const login = { Institution: "FlinksCapital", Username: `Greatday+m${i}`, Password: "Everyday", MostRecentCached: false, Save: true };
  const asked = await call(port, "POST", `${BASE}/Authorize`, { ...headers, "x-bench-step": "live" }, login);
  if (asked.status !== 203) throw new Error(`live: ${asked.status} ${asked.text.slice(0, 200)}`);
  const prompt = asked.body.SecurityChallenges?.[0]?.Prompt;
  const answer = { RequestId: asked.body.RequestId, SecurityResponses: { [prompt]: [ANSWERS[prompt]] } };
  const answered = await call(port, "POST", `${BASE}/Authorize`, { ...headers, "x-bench-step": "answer" }, answer);
  if (answered.status !== 200) throw new Error(`answer: ${answered.status} ${answered.text.slice(0, 200)}`);
  const cached = await call(
    port,
    "POST",
    `${BASE}/Authorize`,
    { authorization: `Bearer ${BENCH_CUSTOMER.apiKey}`, "x-bench-step": "cached" },
    { LoginId: answered.body.Login.Id, MostRecentCached: true },
  );
  if (cached.status !== 200) throw new Error(`cached: ${cached.status} ${cached.text.slice(0, 200)}`);
  return { live: serverTiming(asked), answer: serverTiming(answered), cached: serverTiming(cached) };
}

async function runFlows(port, from, count, concurrency) {
  const results = [];
  let next = from;
  const worker = async () => {
    while (next < from + count) results.push(await flow(port, next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

const ms = (n) => n.toFixed(2).padStart(7);

/** One server (build × store) measured at one concurrency: the flows' Server-Timing figures. */
async function measure(main, store, concurrency, postgres, serial) {
  const dataDir = benchTempDir("bankgate-mfa-step-");
  const database = store === "postgres" ? await freshDatabase(postgres.url, `bench_mfa_${process.pid}_${serial}`) : null;
  const { child, port } = await startBankgate(
    join(dataDir, "data"),
    { ...BENCH_CUSTOMER_ENV, LOG_LEVEL: "warn", ...(database ? { DATABASE_URL: database.url } : {}) },
    { main, pollMs: 20, nodeArgs: NODE_ARGS },
  );
  try {
    await runFlows(port, 0, WARMUP, concurrency);
    const load = loadavg()[0];
    const results = await runFlows(port, WARMUP, FLOWS, concurrency);
    return { results, load: [load, loadavg()[0]] };
  } finally {
    await stopChild(child);
    await database?.drop();
  }
}

function report({ main, store, concurrency, round, results, load }) {
  const sorted = (step, part) => results.map((r) => r[step][part]).sort((a, b) => a - b);
  const baselineP95 = percentile(sorted("cached", "bankgate"), 95);
  process.stdout.write(
    `\n${new Date().toISOString()}  round ${round}, ${main}, ${store}: ${FLOWS} flows, ${concurrency} at once ` +
      `(after ${WARMUP} warm-up flows), 1-min load average ${load.map((l) => l.toFixed(2)).join(" → ")}\n`,
  );
  process.stdout.write(
    "step (Server-Timing)                    bankgate p50     p95     p99  p95 vs baseline  institution p50  client p50     p95\n",
  );
  for (const [step, label] of [
    ["cached", "cached /Authorize (baseline)"],
    ["live", "live /Authorize → 203 (first step)"],
    ["answer", "MFA answer → 200"],
  ]) {
    const own = sorted(step, "bankgate");
    const p95 = percentile(own, 95);
    const client = sorted(step, "client");
    process.stdout.write(
      `${label.padEnd(38)}  ${ms(percentile(own, 50))} ${ms(p95)} ${ms(percentile(own, 99))}  ${(p95 / baselineP95).toFixed(2).padStart(14)}×  ${ms(percentile(sorted(step, "institution"), 50)).padStart(15)}  ${ms(percentile(client, 50)).padStart(10)} ${ms(percentile(client, 95))}\n`,
    );
  }
  const answerP95 = percentile(sorted("answer", "bankgate"), 95);
  process.stdout.write(
    `goal: the MFA answer's server-added p95 ≤ ${GOAL_P95_MS} ms → ${answerP95 <= GOAL_P95_MS ? "met" : "not met"} (${answerP95.toFixed(2)} ms)\n`,
  );
}

async function main() {
  const postgres = STORES.includes("postgres") ? await ephemeralPostgres() : null;
  let serial = 0;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Builds alternate within a round, in an order that turns from round to round.
      const mains = MAINS.map((_, i) => MAINS[(i + round - 1) % MAINS.length]);
      for (const concurrency of CONCURRENCIES) {
        for (const store of STORES) {
          for (const main of mains) {
            const measured = await measure(main, store, concurrency, postgres, serial++);
            report({ main, store, concurrency, round, ...measured });
          }
        }
      }
    }
  } finally {
    close();
    await postgres?.stop();
  }
}

await main();
