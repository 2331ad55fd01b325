// Nightly refresh bench, against the nightly-refresh performance goal of docs/quality-bars.md
// (logins/s on SQLite and on PostgreSQL; 10,000 cards take ≤ 11× the time of 1,000; a second run
// of the same night writes nothing).
//
// In-process, on the compiled code (npm run build first): for each store and card count it
// opens a fresh store, connects N sandbox cards through the real live flow
// (`greatday_nomfa+i`, no MFA, Save + ScheduleRefresh) and their aggregation, then measures in
// the same run:
//   1. baseline: the raw job queue — N no-op jobs enqueued and run by the same runner settings;
//   2. the nightly run — enqueueNight + every nightly-refresh job (a live login with stored
//      credentials, then the aggregation job: ~25–28 statements per login) until idle;
//   3. the same night again — must enqueue and refresh nothing, and write nothing: the store's
//      commits are counted around it (SQLite: PRAGMA data_version seen from a second connection,
//      which moves on every commit of another connection; PostgreSQL: the next transaction id,
//      which moves whenever a transaction writes, even a no-op UPDATE), and every table's row
//      count compared.
// Besides the time, load-independent counts of the nightly phase per login: the statements the
// server ran (better-sqlite3's and pg's statement calls, counted by wrapping them in this
// process), its commits (COMMIT statements; SQLite's autocommit statements commit on their own and
// are counted apart as writes outside a transaction), and the bytes this process wrote (/proc/self/io:
// the WAL on SQLite; near zero on PostgreSQL, whose server writes). The CPU time per login is this
// process's and the whole machine's (/proc/stat: PostgreSQL's server included, on the same cores);
// the share of the night the event loop was busy says whether one thread bounds the night.
// Settings: BENCH_REFRESH_CARDS (default 1000,10000), BENCH_REFRESH_STORES (sqlite,postgres),
// BENCH_REFRESH_WARMUP (cards of a first, unreported night per store, default 300; 0 for none),
// BENCH_REFRESH_CONCURRENCY (jobs at once, default the product's BANKGATE_JOB_CONCURRENCY), BENCH_REFRESH_PROCESSES (processes running
// the nightly jobs, default 1: more are started as children, bench/refresh-helper.js, sharing the store
// as BANKGATE_WORKERS' workers do; the statement and byte counts are this process's only), BENCH_REFRESH_PROFILE (a directory: a CPU
// profile of each nightly run is written there, the nightly phase only), BENCH_REFRESH_TRACE (a number N: the N
// statements of the nightly phase that took the most time, summed per SQL text — better-sqlite3's time in the call,
// pg's from the call to its answer — printed per login; timing every call slows the run). PostgreSQL: DATABASE_URL, else a
// throwaway server like the tests' (test/helpers/ephemeral-postgres.ts, transpiled on the fly;
// it runs with fsync off, as the tests do). Bounded: each phase has a deadline
// (BENCH_REFRESH_MAX_SECONDS, default 600) after which the bench stops with what it measured.
// BENCH_REFRESH_PROBE_MS (off by default): during the night, a read of a card through the store every
// that many ms, as an API request's first read, and its latency printed: on PostgreSQL it waits for one of
// the pool's connections behind the jobs' statements. Its reads are left out of the statement counts.
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { loadConfig } from "../dist/config/config.js";
import { createDeps } from "../dist/deps.js";
import { ManualClock } from "../dist/lib/clock.js";
import { newRandomId } from "../dist/lib/ids.js";
import { ephemeralPostgres, freshDatabase } from "./bench-postgres.js";
import { positiveNumber } from "./harness.js";
import { percentile } from "./json-client.js";

const SIZES = (process.env.BENCH_REFRESH_CARDS || "1000,10000").split(",").map(Number);
const STORES = (process.env.BENCH_REFRESH_STORES || "sqlite,postgres").split(",");
/** Jobs at once: the product's default (BANKGATE_JOB_CONCURRENCY) unless set, so the bench measures what ships. */
const CONCURRENCY = process.env.BENCH_REFRESH_CONCURRENCY ? positiveNumber("BENCH_REFRESH_CONCURRENCY", 1) : null;
const PROCESSES = positiveNumber("BENCH_REFRESH_PROCESSES", 1);
/**
 * Cards of a night run first on a throwaway store, per store kind, and left out of the tables:
 * a server runs nights in a process that has run them before, while the first night of a fresh
 * process pays for V8's warm-up (measured: ~12% more CPU a login on the first of two
 * 1,000-card nights in one process, docs/performance.md). 0 measures the cold night.
 */
const WARMUP = process.env.BENCH_REFRESH_WARMUP === "0" ? 0 : positiveNumber("BENCH_REFRESH_WARMUP", 300);
const MAX_SECONDS = positiveNumber("BENCH_REFRESH_MAX_SECONDS", 600);
const PROFILE_DIR = process.env.BENCH_REFRESH_PROFILE || null;
const TRACE_TOP = Number(process.env.BENCH_REFRESH_TRACE || 0);
const PROBE_MS = process.env.BENCH_REFRESH_PROBE_MS ? positiveNumber("BENCH_REFRESH_PROBE_MS", 1) : null;
const MASTER_KEYS = `bench:${Buffer.alloc(32, 3).toString("base64")}`;
const START = new Date("2026-01-15T15:00:00.000Z");
const NIGHT_RUN = new Date("2026-01-16T05:00:00.000Z");
const NIGHT = "2026-01-16";
const statements = countStatements();
const TABLES = ["logins", "snapshots", "sessions", "jobs", "webhook_events", "institution_memory", "card_vault", "authorize_tokens"];

/**
 * Counts the statements this process sends, by kind: every SQLite statement call and every pg
 * query. Kysely runs BEGIN and COMMIT as statements too. Outside an explicit transaction a
 * SQLite write commits on its own: counted as `autocommitWrites`.
 */
function countStatements() {
  const counts = { statements: 0, commits: 0, autocommitWrites: 0 };
  /** SQL text → { calls, ms } while a trace runs (BENCH_REFRESH_TRACE), else null. */
  let trace = null;
  const traced = (text, started) => {
    const entry = trace?.get(text) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += performance.now() - started;
    trace?.set(text, entry);
  };
  const probe = new Sqlite(":memory:");
  const statementPrototype = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  // Each statement's kind is worked out once: a regex per call was ~4% of a nightly login's CPU.
  const kinds = new WeakMap();
  const kindOf = (statement) => {
    let kind = kinds.get(statement);
    if (kind === undefined) {
      kind = /^\s*commit/i.test(statement.source) ? "commit" : /^\s*(insert|update|delete)/i.test(statement.source) ? "write" : "read";
      kinds.set(statement, kind);
    }
    return kind;
  };
  for (const method of ["run", "all", "get", "iterate"]) {
    const original = statementPrototype[method];
    statementPrototype[method] = function counted(...args) {
      counts.statements++;
      const kind = kindOf(this);
      if (kind === "commit") counts.commits++;
      else if (kind === "write" && !this.database.inTransaction) counts.autocommitWrites++;
      if (!trace) return original.apply(this, args);
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        traced(this.source, started);
      }
    };
  }
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function counted(config, ...args) {
    counts.statements++;
    const text = typeof config === "string" ? config : config?.text;
    if (typeof text === "string" && /^\s*commit/i.test(text)) counts.commits++;
    const answer = query.call(this, config, ...args);
    if (trace && typeof answer?.then === "function") {
      const started = performance.now();
      const done = () => traced(text, started);
      answer.then(done, done);
    }
    return answer;
  };
  return {
    read: () => ({ ...counts }),
    startTrace() {
      trace = new Map();
    },
    /** The traced statements, most time first: { sql, calls, ms }. */
    stopTrace() {
      const rows = [...(trace ?? new Map())].map(([sql, entry]) => ({ sql, ...entry })).sort((a, b) => b.ms - a.ms);
      trace = null;
      return rows;
    },
  };
}

/** The BENCH_REFRESH_TRACE statements that took the most time in the nightly phase, per login. */
function printTrace(store, cards, rows) {
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  console.log(`\nstatement time of the nightly phase, ${store}, ${cards} cards: ${((1000 * total) / cards).toFixed(0)} µs a login in all`);
  console.log("µs/login  calls/login  µs/call  SQL");
  for (const row of rows.slice(0, TRACE_TOP)) {
    console.log(
      `${((1000 * row.ms) / cards).toFixed(1).padStart(8)}  ${(row.calls / cards).toFixed(2).padStart(11)}  ${((1000 * row.ms) / row.calls).toFixed(1).padStart(7)}  ${row.sql.replace(/\s+/g, " ").slice(0, 160)}`,
    );
  }
}

/** Bytes this process has written (to files and sockets), from /proc; 0 where there is no /proc. */
function bytesWritten() {
  try {
    return Number(/^wchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * CPU time the whole machine has spent busy, in seconds, from /proc/stat (null where there is
 * none): with PostgreSQL its server's work counts too, on the same cores as bankgate.
 */
function machineBusySeconds() {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + softirq) / 100; // USER_HZ
  } catch {
    return null;
  }
}

/** Reads the card every PROBE_MS until stopped; stop() gives each read's latency in ms, sorted. */
function startReadProbe(storage, customerId, loginId) {
  const latencies = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      await storage.logins.find(customerId, loginId);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return latencies.sort((a, b) => a - b);
    },
  };
}

/** Fails the phase once it runs past MAX_SECONDS: the bench never hangs. */
async function bounded(label, work) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} took more than ${MAX_SECONDS} s`)), MAX_SECONDS * 1000);
  });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  try {
    const result = await Promise.race([work(), deadline]);
    const cpu = process.cpuUsage(cpuBefore);
    const machineAfter = machineBusySeconds();
    const machineCpuSeconds = machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore;
    return { result, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, machineCpuSeconds };
  } finally {
    clearTimeout(timer);
  }
}

/** A CPU profile of this process from now until stop(path). */
async function startProfile() {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(path) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * Counts what the store commits, seen from outside the server's own connection: `commits` moves
 * on every committed write (SQLite's data_version; PostgreSQL's next transaction id, which a
 * read-only transaction never takes); `rows` per table and the store's size in bytes.
 */
async function writeCounter(store, dataDir, url) {
  if (store === "sqlite") {
    const file = join(dataDir, "bankgate.sqlite");
    const db = new Sqlite(file, { readonly: true });
    return {
      async read() {
        const rows = Object.fromEntries(TABLES.map((t) => [t, db.prepare(`select count(*) as n from ${t}`).get().n]));
        const pages = db.pragma("page_count", { simple: true }) * db.pragma("page_size", { simple: true });
        return { commits: db.pragma("data_version", { simple: true }), rows, bytes: pages };
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async read() {
      const rows = {};
      for (const t of TABLES) rows[t] = Number((await client.query(`select count(*) as n from ${t}`)).rows[0].n);
      const xmax = (await client.query("select pg_snapshot_xmax(pg_current_snapshot())::text as x")).rows[0].x;
      const bytes = (await client.query("select pg_database_size(current_database())::text as b")).rows[0].b;
      return { commits: Number(xmax), rows, bytes: Number(bytes) };
    },
    async close() {
      await client.end();
    },
  };
}

/** Rows added per table between two readings (negative: removed); tables that did not change are left out. */
function rowsAdded(before, after) {
  const changed = {};
  for (const t of TABLES) if (after.rows[t] !== before.rows[t]) changed[t] = after.rows[t] - before.rows[t];
  return changed;
}

async function measure(store, cards, serverUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-bench-refresh-"));
  const database = store === "postgres" ? await freshDatabase(serverUrl, `bench_${newRandomId().replace(/-/g, "").slice(0, 12)}`) : null;
  const customerId = newRandomId();
  const env = {
    BANKGATE_DATA_DIR: dataDir,
    BANKGATE_MASTER_KEYS: MASTER_KEYS,
    BANKGATE_CUSTOMER_ID: customerId,
    BANKGATE_SECRET_KEY: `secret-${customerId}`,
    BANKGATE_API_KEY: `key-${customerId}`,
    ...(CONCURRENCY ? { BANKGATE_JOB_CONCURRENCY: String(CONCURRENCY) } : {}),
    BANKGATE_SANDBOX_CONTROL: "off",
    LOG_LEVEL: "silent",
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const config = loadConfig(env);
  const clock = new ManualClock(START);
  const deps = await createDeps(config, { clock });
  try {
    const seeded = await bounded("seeding", async () => {
      for (let i = 0; i < cards; i += 100) {
        const batch = [];
        for (let j = i; j < Math.min(cards, i + 100); j++) {
          const opening = { customerId, requestId: newRandomId(), authorizeTokenHash: null, tag: null, scheduleRefresh: true };
          const login = { institution: "FlinksCapital", username: `greatday_nomfa+${j}`, password: "Everyday", language: "en", save: true };
          batch.push(deps.api.authorize.startLive(opening, login));
        }
        await Promise.all(batch);
      }
      await deps.runner.runUntilIdle();
    });

    // The runner's own loop (claim up to its concurrency, run, complete) over a kind no handler
    // knows: the queue's cost per job, with nothing done in the job.
    const baseline = await bounded("job-queue baseline", async () => {
      for (let i = 0; i < cards; i += 500) {
        await deps.storage.transaction(async (tx) => {
          for (let j = i; j < Math.min(cards, i + 500); j++) await deps.jobs.enqueue("bench-noop", { j }, {}, tx);
        });
      }
      let ran = 0;
      for (
        let jobs = await deps.jobs.claim(["bench-noop"], config.jobs.concurrency);
        jobs.length > 0;
        jobs = await deps.jobs.claim(["bench-noop"], config.jobs.concurrency)
      ) {
        await Promise.all(jobs.map((job) => deps.jobs.complete(job)));
        ran += jobs.length;
      }
      if (ran !== cards) throw new Error(`baseline ran ${ran} of ${cards} jobs`);
    });

    clock.set(NIGHT_RUN);
    const helpers = await startHelpers(env);
    // Read before the night's counts start: the probe's own reads are the only ones left out of them.
    const probedCard = PROBE_MS ? (await deps.storage.logins.findScheduled(customerId))[0]?.id : null;
    const writes = await writeCounter(store, dataDir, database?.url);
    const beforeNight = await writes.read();
    const profiler = PROFILE_DIR ? await startProfile() : null;
    const countsBefore = statements.read();
    if (TRACE_TOP > 0) statements.startTrace();
    const writtenBefore = bytesWritten();
    // What an API request on this process would wait for while the night's jobs run.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const loopUseBefore = performance.eventLoopUtilization();
    const probe = PROBE_MS ? startReadProbe(deps.storage, customerId, probedCard) : null;
    const nightly = await bounded("nightly run", async () => {
      const enqueued = await deps.nightly.enqueueNight(NIGHT);
      helpers.go();
      await deps.runner.runUntilIdle();
      await helpers.stop();
      await deps.runner.runUntilIdle(); // what a helper's last job enqueued
      return enqueued;
    });
    loopDelay.disable();
    const loopUse = performance.eventLoopUtilization(loopUseBefore);
    const probeMs = await probe?.stop();
    const countsAfter = statements.read();
    countsAfter.statements -= probeMs?.length ?? 0;
    if (TRACE_TOP > 0) printTrace(store, cards, statements.stopTrace());
    const written = bytesWritten() - writtenBefore;
    if (profiler) await profiler.stop(join(PROFILE_DIR, `nightly-${store}-${cards}.cpuprofile`));
    const afterNight = await writes.read();
    const refreshed = (await deps.storage.logins.findScheduled(customerId)).filter(
      (card) => card.refreshState === "Completed" && card.lastRefreshAt?.getTime() === NIGHT_RUN.getTime(),
    ).length;

    const again = await bounded("second run", async () => {
      const enqueued = await deps.nightly.enqueueNight(NIGHT);
      await deps.runner.runUntilIdle();
      return enqueued;
    });
    const afterAgain = await writes.read();
    await writes.close();

    return {
      store,
      cards,
      processes: PROCESSES,
      seedSeconds: seeded.seconds,
      baselineJobsPerSecond: cards / baseline.seconds,
      enqueued: nightly.result,
      refreshed,
      nightlySeconds: nightly.seconds,
      loginsPerSecond: refreshed / nightly.seconds,
      // This process's CPU time (not PostgreSQL's): steadier than wall time on a shared machine.
      baselineCpuMsPerJob: (1000 * baseline.cpuSeconds) / cards,
      nightlyCpuMsPerLogin: (1000 * nightly.cpuSeconds) / Math.max(1, refreshed),
      nightlyMachineCpuMsPerLogin: nightly.machineCpuSeconds === null ? null : (1000 * nightly.machineCpuSeconds) / Math.max(1, refreshed),
      nightlyStatementsPerLogin: (countsAfter.statements - countsBefore.statements) / Math.max(1, refreshed),
      nightlyCommitsPerLogin: (countsAfter.commits - countsBefore.commits) / Math.max(1, refreshed),
      nightlyAutocommitWritesPerLogin: (countsAfter.autocommitWrites - countsBefore.autocommitWrites) / Math.max(1, refreshed),
      nightlyKbWrittenPerLogin: written / 1024 / Math.max(1, refreshed),
      jobConcurrency: config.jobs.concurrency,
      // The share of the night the event loop was busy: below 1, this process waited (locks, timers).
      nightlyLoopBusyShare: loopUse.utilization,
      nightlyLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      nightlyProbeReadMs: probeMs && {
        reads: probeMs.length,
        p50: percentile(probeMs, 50),
        p99: percentile(probeMs, 99),
        max: probeMs.at(-1) ?? 0,
      },
      nightlyRowsAdded: rowsAdded(beforeNight, afterNight),
      storeBytesBefore: beforeNight.bytes,
      storeBytesAfter: afterNight.bytes,
      secondRunEnqueued: again.result,
      secondRunSeconds: again.seconds,
      secondRunCommits: afterAgain.commits - afterNight.commits,
      secondRunRowsAdded: rowsAdded(afterNight, afterAgain),
      secondRunBytesAdded: afterAgain.bytes - afterNight.bytes,
    };
  } finally {
    await deps.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** PROCESSES - 1 helper processes on the same store, each with its runner, waiting for "go". */
async function startHelpers(env) {
  const children = await Promise.all(
    Array.from({ length: PROCESSES - 1 }, () => {
      const child = fork(fileURLToPath(new URL("./refresh-helper.js", import.meta.url)), {
        env: { ...process.env, BENCH_REFRESH_HELPER_ENV: JSON.stringify(env), BENCH_REFRESH_HELPER_NOW: NIGHT_RUN.toISOString() },
      });
      return new Promise((resolve, reject) => {
        child.once("message", () => resolve(child));
        child.once("exit", (code) => reject(new Error(`refresh helper exited (${code}) before it was ready`)));
      });
    }),
  );
  return {
    go: () => {
      for (const child of children) child.send("go");
    },
    stop: () =>
      Promise.all(
        children.map((child) => {
          const exited = new Promise((resolve) => child.once("exit", resolve));
          child.send("stop");
          return exited;
        }),
      ),
  };
}

async function main() {
  const postgres = STORES.includes("postgres") ? await ephemeralPostgres() : null;
  const results = [];
  try {
    for (const store of STORES) {
      if (WARMUP > 0) {
        const warmup = await measure(store, WARMUP, postgres?.url);
        console.log(JSON.stringify({ warmup: true, ...warmup }));
      }
      for (const cards of SIZES) {
        try {
          const result = await measure(store, cards, postgres?.url);
          results.push(result);
          console.log(JSON.stringify(result));
        } catch (error) {
          console.log(JSON.stringify({ store, cards, error: error instanceof Error ? error.message : String(error) }));
        }
      }
    }
  } finally {
    await postgres?.stop();
  }
  console.log("\nper nightly login: statements, commits (COMMIT), SQLite writes outside a transaction, KB this process wrote");
  for (const r of results) {
    console.log(
      `${r.store.padEnd(8)} ${String(r.cards).padStart(6)}  ${r.nightlyStatementsPerLogin.toFixed(1).padStart(6)}  ${r.nightlyCommitsPerLogin.toFixed(2).padStart(6)}  ${r.nightlyAutocommitWritesPerLogin.toFixed(2).padStart(6)}  ${r.nightlyKbWrittenPerLogin.toFixed(1).padStart(7)}`,
    );
  }
  console.log(
    "\nthe event loop's delay during the nightly run (what an API request on the process waits), ms; jobs at once; share of the night the loop was busy",
  );
  for (const r of results) {
    const { p50, p99, max } = r.nightlyLoopDelayMs;
    console.log(
      `${r.store.padEnd(8)} ${String(r.cards).padStart(6)}  p50 ${p50.toFixed(1).padStart(5)}  p99 ${p99.toFixed(1).padStart(5)}  max ${max.toFixed(1).padStart(5)}  ${String(r.jobConcurrency).padStart(3)} at once  busy ${(100 * r.nightlyLoopBusyShare).toFixed(0)}%`,
    );
  }
  if (PROBE_MS) {
    console.log(`\na read of a card through the store every ${PROBE_MS} ms during the nightly run (an API request's first read), ms`);
    for (const r of results) {
      const { reads, p50, p99, max } = r.nightlyProbeReadMs;
      console.log(
        `${r.store.padEnd(8)} ${String(r.cards).padStart(6)}  p50 ${p50.toFixed(2).padStart(6)}  p99 ${p99.toFixed(2).padStart(6)}  max ${max.toFixed(2).padStart(6)}  ${reads} reads`,
      );
    }
  }
  console.log(
    "\nstore     cards  queue jobs/s  nightly logins/s  logins ÷ jobs  nightly s  CPU ms/job  CPU ms/login  machine CPU ms/login  store MB  2nd run: enqueued, commits, rows, bytes",
  );
  for (const r of results) {
    const ratio = (r.loginsPerSecond / r.baselineJobsPerSecond).toFixed(2);
    const rows = Object.values(r.secondRunRowsAdded).reduce((a, b) => a + Math.abs(b), 0);
    const wroteNothing = r.secondRunEnqueued === 0 && r.secondRunCommits === 0 && rows === 0 && r.secondRunBytesAdded === 0;
    console.log(
      `${r.store.padEnd(8)} ${String(r.cards).padStart(6)}  ${r.baselineJobsPerSecond.toFixed(0).padStart(12)}  ${r.loginsPerSecond.toFixed(0).padStart(16)}  ${ratio.padStart(12)}  ${r.nightlySeconds.toFixed(2).padStart(9)}  ${r.baselineCpuMsPerJob.toFixed(3).padStart(10)}  ${r.nightlyCpuMsPerLogin.toFixed(3).padStart(12)}  ${(r.nightlyMachineCpuMsPerLogin?.toFixed(3) ?? "-").padStart(20)}  ${(r.storeBytesAfter / 1e6).toFixed(1).padStart(8)}  ${r.secondRunEnqueued}, ${r.secondRunCommits}, ${rows}, ${r.secondRunBytesAdded}: ${wroteNothing ? "wrote nothing" : "WROTE"}`,
    );
  }
  for (const store of STORES) {
    const [small, large] = SIZES.map((n) => results.find((r) => r.store === store && r.cards === n));
    if (small && large)
      console.log(
        `${store}: ${large.cards} cards took ${(large.nightlySeconds / small.nightlySeconds).toFixed(2)}× the time of ${small.cards}`,
      );
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
