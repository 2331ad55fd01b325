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
//      credentials, then the aggregation job: ~300 transactions per login) until idle;
//   3. the same night again — must enqueue and refresh nothing.
// Settings: BENCH_REFRESH_CARDS (default 1000,10000), BENCH_REFRESH_STORES (sqlite,postgres),
// BENCH_REFRESH_CONCURRENCY (jobs at once, default 8). PostgreSQL: DATABASE_URL, else a
// throwaway server like the tests' (test/helpers/ephemeral-postgres.ts, transpiled on the fly;
// it runs with fsync off, as the tests do). Bounded: each phase has a deadline
// (BENCH_REFRESH_MAX_SECONDS, default 600) after which the bench stops with what it measured.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pg from "pg";
import ts from "typescript";
import { loadConfig } from "../dist/config/config.js";
import { createDeps } from "../dist/deps.js";
import { JobRunner } from "../dist/jobs/job-runner.js";
import { ManualClock } from "../dist/lib/clock.js";
import { newRandomId } from "../dist/lib/ids.js";
import { positiveNumber, ROOT } from "./harness.js";

const SIZES = (process.env.BENCH_REFRESH_CARDS || "1000,10000").split(",").map(Number);
const STORES = (process.env.BENCH_REFRESH_STORES || "sqlite,postgres").split(",");
const CONCURRENCY = positiveNumber("BENCH_REFRESH_CONCURRENCY", 8);
const MAX_SECONDS = positiveNumber("BENCH_REFRESH_MAX_SECONDS", 600);
const MASTER_KEYS = `bench:${Buffer.alloc(32, 3).toString("base64")}`;
const START = new Date("2026-01-15T15:00:00.000Z");
const NIGHT_RUN = new Date("2026-01-16T05:00:00.000Z");
const NIGHT = "2026-01-16";
const silent = { warn: () => {}, error: () => {} };

/** Fails the phase once it runs past MAX_SECONDS: the bench never hangs. */
async function bounded(label, work) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} took more than ${MAX_SECONDS} s`)), MAX_SECONDS * 1000);
  });
  const started = performance.now();
  try {
    const result = await Promise.race([work(), deadline]);
    return { result, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearTimeout(timer);
  }
}

async function ephemeralPostgres() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const out = join(ROOT, "node_modules", ".cache", "bankgate-bench");
  mkdirSync(out, { recursive: true });
  for (const name of ["ephemeral-postgres", "free-port"]) {
    const source = readFileSync(join(ROOT, "test", "helpers", `${name}.ts`), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(out, `${name}.js`), outputText);
  }
  const { startEphemeralPostgres } = await import(pathToFileURL(join(out, "ephemeral-postgres.js")).href);
  return startEphemeralPostgres();
}

/** A fresh database on the server for each measurement, dropped afterwards. */
async function freshDatabase(serverUrl) {
  const name = `bench_${newRandomId().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

async function measure(store, cards, serverUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-bench-refresh-"));
  const database = store === "postgres" ? await freshDatabase(serverUrl) : null;
  const customerId = newRandomId();
  const config = loadConfig({
    BANKGATE_DATA_DIR: dataDir,
    BANKGATE_MASTER_KEYS: MASTER_KEYS,
    BANKGATE_CUSTOMER_ID: customerId,
    BANKGATE_SECRET_KEY: `secret-${customerId}`,
    BANKGATE_API_KEY: `key-${customerId}`,
    BANKGATE_JOB_CONCURRENCY: String(CONCURRENCY),
    BANKGATE_SANDBOX_CONTROL: "off",
    LOG_LEVEL: "silent",
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
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

    const noop = new JobRunner(deps.jobs, { "bench-noop": async () => {} }, { concurrency: CONCURRENCY, pollIntervalMs: 20 }, silent);
    const baseline = await bounded("job-queue baseline", async () => {
      for (let i = 0; i < cards; i += 500) {
        await deps.storage.transaction(async (tx) => {
          for (let j = i; j < Math.min(cards, i + 500); j++) await deps.jobs.enqueue("bench-noop", { j }, {}, tx);
        });
      }
      await noop.runUntilIdle();
    });

    clock.set(NIGHT_RUN);
    const nightly = await bounded("nightly run", async () => {
      const enqueued = await deps.nightly.enqueueNight(NIGHT);
      await deps.runner.runUntilIdle();
      return enqueued;
    });
    const refreshed = (await deps.storage.logins.findScheduled(customerId)).filter(
      (card) => card.refreshState === "Completed" && card.lastRefreshAt?.getTime() === NIGHT_RUN.getTime(),
    ).length;

    const again = await bounded("second run", async () => {
      const enqueued = await deps.nightly.enqueueNight(NIGHT);
      await deps.runner.runUntilIdle();
      return enqueued;
    });

    return {
      store,
      cards,
      seedSeconds: seeded.seconds,
      baselineJobsPerSecond: cards / baseline.seconds,
      enqueued: nightly.result,
      refreshed,
      nightlySeconds: nightly.seconds,
      loginsPerSecond: refreshed / nightly.seconds,
      secondRunEnqueued: again.result,
      secondRunSeconds: again.seconds,
    };
  } finally {
    await deps.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const postgres = STORES.includes("postgres") ? await ephemeralPostgres() : null;
  const results = [];
  try {
    for (const store of STORES) {
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
  console.log("\nstore     cards  queue jobs/s  nightly logins/s  % of queue  nightly s  2nd run enqueued");
  for (const r of results) {
    const share = ((100 * r.loginsPerSecond) / r.baselineJobsPerSecond).toFixed(1);
    console.log(
      `${r.store.padEnd(8)} ${String(r.cards).padStart(6)}  ${r.baselineJobsPerSecond.toFixed(0).padStart(12)}  ${r.loginsPerSecond.toFixed(0).padStart(16)}  ${share.padStart(9)}%  ${r.nightlySeconds.toFixed(1).padStart(9)}  ${String(r.secondRunEnqueued).padStart(16)}`,
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
