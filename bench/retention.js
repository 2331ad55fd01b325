// The retention run (docs/performance.md, "Retention"): does the SQLite file stop growing once
// the retention window has passed?
//
//   npm run build && node bench/retention.js
//
// Environment (all optional):
//   RETENTION_CALLS    HTTP calls in all (default 20000)
//   RETENTION_WORKERS  concurrent clients, each with a card of its own (default 16)
//   RETENTION_RATE     calls per second at most (default 150: the run lasts minutes, well past the windows)
//   RETENTION_MODES    "on,off" (default): one run with short retention windows, one with a year
//
// What it does, per mode: starts the compiled server (`node dist/main.js`, embedded SQLite in a
// temporary data dir, fixed keys) with short session and token lifetimes (idle 10 s, cap 30 s,
// tokens 10 s), at most RETENTION_RATE calls a second, and, with retention on, 10 s windows and a purge every 5 s (off: one-year
// windows, so nothing is due). Each worker connects its card (Greatday+r<N>) and then loops:
// GenerateAuthorizeToken → cached /Authorize → /GetAccountsDetail (3 calls, a session and a
// token each), and every 25th time a live refresh of the card (4 calls, a new ~70 KB snapshot
// that supersedes the last). Every 2 s it samples the size of bankgate.sqlite and its WAL.
// It prints the sizes over the run, the latency percentiles, and what the purges reported
// (rows deleted, pages handed back, the longest single write). Bounded: stops at RETENTION_CALLS;
// every request times out after 30 s; the server is killed and the data dir removed at the end.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BENCH_CUSTOMER, BENCH_CUSTOMER_ENV, killAllNow, positiveNumber, startBankgate, stopChild } from "./harness.js";
import { jsonClient, percentile } from "./json-client.js";

const CALLS = positiveNumber("RETENTION_CALLS", 20_000);
const WORKERS = positiveNumber("RETENTION_WORKERS", 16);
const RATE = positiveNumber("RETENTION_RATE", 150);
const MODES = (process.env.RETENTION_MODES || "on,off").split(",").map((mode) => mode.trim());
const REFRESH_EVERY = 25;
const SAMPLE_MS = 2_000;
const REQUEST_TIMEOUT_MS = 30_000;

const { customerId: CUSTOMER_ID, secretKey: SECRET_KEY, apiKey: API_KEY } = BENCH_CUSTOMER;
const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};
const base = `/v3/${CUSTOMER_ID}/BankingServices`;

const LIFETIMES = {
  BANKGATE_SESSION_IDLE_TTL_SECONDS: "10",
  BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS: "30",
  BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS: "10",
};
const YEAR = String(365 * 86_400);
const WINDOWS = {
  on: {
    BANKGATE_RETENTION_INTERVAL_SECONDS: "5",
    BANKGATE_RETENTION_SESSIONS_SECONDS: "10",
    BANKGATE_RETENTION_TOKENS_SECONDS: "10",
    BANKGATE_RETENTION_JOBS_SECONDS: "10",
    BANKGATE_RETENTION_SNAPSHOTS_SECONDS: "10",
    BANKGATE_RETENTION_CARD_VAULT_SECONDS: "30",
  },
  off: {
    BANKGATE_RETENTION_INTERVAL_SECONDS: "5",
    BANKGATE_RETENTION_SESSIONS_SECONDS: YEAR,
    BANKGATE_RETENTION_TOKENS_SECONDS: YEAR,
    BANKGATE_RETENTION_JOBS_SECONDS: YEAR,
    BANKGATE_RETENTION_SNAPSHOTS_SECONDS: YEAR,
    BANKGATE_RETENTION_CARD_VAULT_SECONDS: YEAR,
  },
};

let dataDir = null;
process.on("exit", () => {
  killAllNow();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
process.once("SIGINT", () => process.exit(130));

const { call, close: closeClient } = jsonClient({ maxSockets: WORKERS + 4, timeoutMs: REQUEST_TIMEOUT_MS });

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

function fileSize(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function runMode(mode) {
  dataDir = mkdtempSync(join(tmpdir(), "bankgate-retention-"));
  const dbFile = join(dataDir, "data", "bankgate.sqlite");
  const { child, port } = await startBankgate(
    join(dataDir, "data"),
    {
      ...BENCH_CUSTOMER_ENV,
      // info: the purge logs what it did ("retention purge"); request lines are ignored.
      LOG_LEVEL: "info",
      ...LIFETIMES,
      ...WINDOWS[mode],
    },
    { pollMs: 20, output: { maxOutput: 100_000, trimTo: 50_000 } },
  );
  let stopping = false;
  child.exited.then(({ code, signal }) => {
    if (!stopping) process.stderr.write(`the server exited early (${code ?? signal}):\n${child.output.slice(-2000)}\n`);
  });
  const purges = [];
  let partial = "";
  child.stdout.on("data", (chunk) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.includes('"retention purge"')) continue;
      purges.push(JSON.parse(line).retention);
    }
  });

  const latencies = { token: [], cached: [], detail: [], refresh: [] };
  const failures = new Map();
  let calls = 0;
  const paceFrom = performance.now();
  const timed = async (step, method, path, headers, body, expected) => {
    // A steady rate: call n goes out n/RATE seconds after the start, not earlier.
    const due = paceFrom + (calls / RATE) * 1000;
    calls++;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    const started = performance.now();
    const response = await call(port, method, path, headers, body);
    latencies[step]?.push(performance.now() - started);
    if (!expected.includes(response.status)) {
      const key = `${step} ${response.status} ${response.body?.FlinksCode ?? ""}`;
      failures.set(key, (failures.get(key) ?? 0) + 1);
      throw new Error(key);
    }
    return response;
  };
  const token = async () =>
    (await timed("token", "POST", `${base}/GenerateAuthorizeToken`, { "flinks-auth-key": SECRET_KEY }, undefined, [200])).body.Token;
  const liveLogin = async (body) => {
    const auth = { "flinks-auth-key": await token() };
    const challenge = await timed("refresh", "POST", `${base}/Authorize`, auth, body, [203]);
    const prompt = challenge.body.SecurityChallenges[0].Prompt;
    const answered = await timed(
      "refresh",
      "POST",
      `${base}/Authorize`,
      auth,
      { RequestId: challenge.body.RequestId, SecurityResponses: { [prompt]: [ANSWERS[prompt]] } },
      [200],
    );
    await timed("detail", "POST", `${base}/GetAccountsDetail`, { "x-api-key": API_KEY }, { RequestId: answered.body.RequestId }, [200]);
    return answered.body.Login.Id;
  };

  const samples = [];
  const started = performance.now();
  const sample = () =>
    samples.push({
      seconds: (performance.now() - started) / 1000,
      calls,
      db: fileSize(dbFile),
      wal: fileSize(`${dbFile}-wal`),
    });
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);

  const worker = async (index) => {
    const loginId = await liveLogin({
      Institution: "FlinksCapital",
      Username: `Greatday+r${index}`,
      Password: "Everyday",
      MostRecentCached: false,
      Save: true,
    });
    for (let round = 1; calls < CALLS; round++) {
      try {
        if (round % REFRESH_EVERY === 0) {
          await liveLogin({ LoginId: loginId, MostRecentCached: false });
          continue;
        }
        const cached = await timed(
          "cached",
          "POST",
          `${base}/Authorize`,
          { "flinks-auth-key": await token() },
          { LoginId: loginId, MostRecentCached: true },
          [200],
        );
        await timed("detail", "POST", `${base}/GetAccountsDetail`, { "x-api-key": API_KEY }, { RequestId: cached.body.RequestId }, [200]);
      } catch {
        // counted in `failures`; go on with the next round
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)));
  // One more purge interval and a bit, so the last window's deletions show in the file.
  const settleUntil = performance.now() + 12_000;
  while (performance.now() < settleUntil) await new Promise((resolve) => setTimeout(resolve, 500));
  clearInterval(sampler);
  sample();
  stopping = true;
  await stopChild(child, 5_000);
  sample();
  rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
  return { mode, samples, latencies, failures, purges, seconds: (performance.now() - started) / 1000 };
}

function report(run) {
  const lines = [""];
  lines.push(
    `retention ${run.mode}: ${CALLS} calls by ${WORKERS} workers at ≤ ${RATE}/s in ${run.seconds.toFixed(0)} s, Node ${process.version}, ${cpus().length} cores`,
  );
  lines.push("  seconds   calls   db MiB  wal MiB  total MiB");
  const every = Math.max(1, Math.floor(run.samples.length / 24));
  run.samples.forEach((s, i) => {
    if (i % every !== 0 && i !== run.samples.length - 1) return;
    lines.push(
      `  ${s.seconds.toFixed(0).padStart(7)} ${String(s.calls).padStart(7)} ${mib(s.db).padStart(8)} ${mib(s.wal).padStart(8)} ${mib(s.db + s.wal).padStart(10)}`,
    );
  });
  const at = (fraction) => run.samples.find((s) => s.calls >= CALLS * fraction) ?? run.samples[run.samples.length - 1];
  lines.push(
    `  total at 25/50/75/100% of the calls: ${[0.25, 0.5, 0.75, 1].map((f) => `${mib(at(f).db + at(f).wal)}`).join(" / ")} MiB; after the stop ${mib(run.samples[run.samples.length - 1].db)} MiB`,
  );
  lines.push("  step       count   p50 ms   p99 ms   max ms");
  for (const [step, values] of Object.entries(run.latencies)) {
    const sorted = [...values].sort((a, b) => a - b);
    const f = (p) => percentile(sorted, p).toFixed(1).padStart(8);
    lines.push(`  ${step.padEnd(9)} ${String(sorted.length).padStart(6)} ${f(50)} ${f(99)} ${f(100)}`);
  }
  for (const [key, count] of run.failures) lines.push(`  failed: ${key} ×${count}`);
  const deleted = {};
  for (const purge of run.purges) for (const [kind, n] of Object.entries(purge.deleted)) deleted[kind] = (deleted[kind] ?? 0) + n;
  const longestByKind = {};
  for (const purge of run.purges) {
    for (const [kind, ms] of Object.entries(purge.longestWriteMs)) longestByKind[kind] = Math.max(longestByKind[kind] ?? 0, ms);
  }
  const longest = Object.entries(longestByKind)
    .filter(([, ms]) => ms > 0)
    .map(([kind, ms]) => `${kind} ${ms.toFixed(1)}`)
    .join(", ");
  const pages = run.purges.reduce((sum, p) => sum + p.reclaimedPages, 0);
  const batches = run.purges.reduce((sum, p) => sum + p.batches, 0);
  lines.push(
    `  purges that deleted something: ${run.purges.length}; rows ${JSON.stringify(deleted)}; pages handed back ${pages}; writes ${batches}; the longest of each kind (ms, call to answer, on the busy server): ${longest}`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

for (const mode of MODES) {
  if (!WINDOWS[mode]) throw new Error(`RETENTION_MODES: unknown mode "${mode}" (on, off)`);
  report(await runMode(mode));
}
closeClient();
