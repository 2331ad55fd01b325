// Where a live MFA answer step's server time goes, piece by piece (issue goal: the answer step's
// server-added p95 ≤ 2 ms; bench/mfa-step.js measures the whole step from outside).
//
//   npm run build:server && node bench/mfa-step-pieces.js
//
// In process, one request at a time, through Fastify's inject on the compiled app (dist/, real
// stores, real clock, the FlinksCapital sandbox bank): token, live /Authorize (203), answer (200).
// The job runner is not started; each flow's aggregation runs after the flow, outside the
// measurement, so the figures are the answer step's own. The service methods it crosses are
// wrapped with a timer (wall time from call to settled promise, nested pieces included in their
// callers), and their time per answer is printed, median and p95 over MFA_FLOWS (300) flows after
// MFA_WARMUP (30). MFA_STORE: sqlite (default) or postgres (DATABASE_URL, or a throwaway server).
// CPU time per answer (process.cpuUsage) is printed too: steadier than wall time on a shared machine.
// MFA_PROFILE (a directory): writes answer.cpuprofile there, a CPU profile (20 µs samples) that keeps
// only the samples taken while a measured answer was in flight — the answer's own work, without the
// flows' other steps and aggregations. Open it in Chrome's DevTools or any .cpuprofile reader.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildApp } from "../dist/app.js";
import { loadConfig } from "../dist/config/config.js";
import { CallerAuth } from "../dist/customers/caller-auth.js";
import { createDeps } from "../dist/deps.js";
import { CardSecrets } from "../dist/logins/card-secrets.js";
import { StoredMfaAnswers } from "../dist/logins/stored-mfa-answers.js";
import { AttemptLimiter } from "../dist/security/attempt-limiter.js";
import { AuthorizeService } from "../dist/sessions/authorize-service.js";
import { StepRunner } from "../dist/sessions/step-runner.js";
import { KyselySessionStore } from "../dist/storage/session-store.js";
import { KyselyStorage } from "../dist/storage/storage.js";
import { Vault } from "../dist/vault/vault.js";
import { ephemeralPostgres, freshDatabase } from "./bench-postgres.js";
import { BENCH_CUSTOMER, BENCH_CUSTOMER_ENV, positiveNumber } from "./harness.js";
import { percentile } from "./json-client.js";

const FLOWS = positiveNumber("MFA_FLOWS", 300);
const WARMUP = positiveNumber("MFA_WARMUP", 30);
const STORE = process.env.MFA_STORE || "sqlite";
const PROFILE_DIR = process.env.MFA_PROFILE || null;
const BASE = `/v3/${BENCH_CUSTOMER.customerId}/BankingServices`;
const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};

/** piece → ms spent in it during the current answer request; null outside one. */
let current = null;

function timePieces(label, prototype, names) {
  for (const name of names) {
    const original = prototype[name];
    if (typeof original !== "function") continue;
    prototype[name] = function (...args) {
      if (!current) return original.apply(this, args);
      const started = performance.now();
      const bucket = current;
      const add = () => {
        bucket[`${label}.${name}`] = (bucket[`${label}.${name}`] ?? 0) + performance.now() - started;
      };
      const result = original.apply(this, args);
      if (result && typeof result.then === "function") return result.finally(add);
      add();
      return result;
    };
  }
}

timePieces("CallerAuth", CallerAuth.prototype, ["caller", "adoptTokenFor"]);
timePieces("AuthorizeService", AuthorizeService.prototype, ["continue"]);
timePieces("StepRunner", StepRunner.prototype, ["run"]);
timePieces("AttemptLimiter", AttemptLimiter.prototype, ["reserveWaiting", "reserve", "settle"]);
timePieces("CardSecrets", CardSecrets.prototype, [
  "openSessionCredentials",
  "openConnectorState",
  "sealConnectorState",
  "sealCardCredentials",
  "sealUsername",
  "username",
  "lookupHash",
]);
timePieces("StoredMfaAnswers", StoredMfaAnswers.prototype, ["rememberAccepted"]);
timePieces("SessionStore", KyselySessionStore.prototype, ["find", "replace"]);
timePieces("Storage", KyselyStorage.prototype, ["transaction"]);
timePieces("Vault", Vault.prototype, ["encrypt", "decrypt"]);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-mfa-pieces-"));
  const postgres = STORE === "postgres" ? await ephemeralPostgres() : null;
  const database = postgres ? await freshDatabase(postgres.url, `bench_pieces_${process.pid}`) : null;
  const config = loadConfig({
    ...BENCH_CUSTOMER_ENV,
    BANKGATE_DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  const deps = await createDeps(config, { env: {} });
  const app = await buildApp(deps, { logger: false });
  const post = (operation, body, headers) => app.inject({ method: "POST", url: `${BASE}/${operation}`, payload: body, headers });
  const rows = [];
  const profiler = PROFILE_DIR ? await answerProfiler() : null;
  try {
    for (let i = 0; i < WARMUP + FLOWS; i++) {
      const token = (await post("GenerateAuthorizeToken", undefined, { "flinks-auth-key": BENCH_CUSTOMER.secretKey })).json().Token;
      const headers = { "flinks-auth-key": token };
      const login = { Institution: "FlinksCapital", Username: `Greatday+p${i}`, Password: "Everyday", MostRecentCached: false, Save: true };
      const asked = (await post("Authorize", login, headers)).json();
      const prompt = asked.SecurityChallenges[0].Prompt;
      const pieces = {};
      if (i === WARMUP) await profiler?.start();
      current = pieces;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const answered = await post("Authorize", { RequestId: asked.RequestId, SecurityResponses: { [prompt]: [ANSWERS[prompt]] } }, headers);
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      current = null;
      if (i >= WARMUP) profiler?.answered(started, performance.now());
      if (answered.statusCode !== 200) throw new Error(`answer: ${answered.statusCode} ${answered.body.slice(0, 200)}`);
      const [, institution, bankgate] = /institution;dur=([\d.]+), bankgate;dur=([\d.]+)/
        .exec(answered.headers["server-timing"])
        .map(Number);
      if (i >= WARMUP)
        rows.push({
          ...pieces,
          "inject (whole request)": wall,
          "Server-Timing bankgate": bankgate,
          "Server-Timing institution": institution,
          "CPU µs→ms": (used.user + used.system) / 1000,
        });
      await deps.runner.runUntilIdle();
    }
    if (profiler) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      writeFileSync(join(PROFILE_DIR, "answer.cpuprofile"), JSON.stringify(await profiler.stop()));
    }
  } finally {
    await app.close();
    await deps.close();
    await database?.drop();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  process.stdout.write(
    `${new Date().toISOString()}  ${STORE}, ${FLOWS} answer steps one at a time (after ${WARMUP}), 1-min load average ${loadavg()[0].toFixed(2)}\n`,
  );
  process.stdout.write(`${"piece (ms per answer step)".padEnd(44)}     p50      p95\n`);
  for (const name of names) {
    const values = rows.map((r) => r[name] ?? 0).sort((a, b) => a - b);
    process.stdout.write(
      `${name.padEnd(44)} ${percentile(values, 50).toFixed(3).padStart(7)}  ${percentile(values, 95).toFixed(3).padStart(7)}\n`,
    );
  }
}

/**
 * V8's sampling profiler over the measured answers: each answer's start and end are kept, and at
 * the end only the samples taken inside one of them stay in the profile.
 */
async function answerProfiler() {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 20 });
  // The profile counts µs of the monotonic clock process.hrtime reads; performance.now() counts
  // ms of the same clock from the process's start.
  const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  /** [start, end] of each answer, in the profile's µs. */
  const spans = [];
  return {
    start: () => session.post("Profiler.start"),
    answered(startedMs, endedMs) {
      spans.push([startedMs * 1000 + offsetUs, endedMs * 1000 + offsetUs]);
    },
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      return keepSamplesWithin(profile, spans);
    },
  };
}

/** The profile with only the samples inside `spans` (in order, not overlapping), its time their sum. */
function keepSamplesWithin(profile, spans) {
  const samples = [];
  const timeDeltas = [];
  let at = profile.startTime;
  let span = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    while (span < spans.length && spans[span][1] < at) span++;
    if (span < spans.length && at >= spans[span][0]) {
      samples.push(profile.samples[i]);
      timeDeltas.push(profile.timeDeltas[i]);
    }
  }
  const kept = spans.reduce((sum, [start, end]) => sum + end - start, 0);
  return { ...profile, samples, timeDeltas, endTime: profile.startTime + kept };
}

await main();
