// How long one retention write holds the store (docs/performance.md, "Retention"): the purge's
// deletes and vacuum steps timed one by one on an SQLite file with nothing else running, so the
// time measured is the statement itself (on a busy server, how long it holds the write lock).
//
//   npm run build && node bench/retention-batches.js
//
// Environment (all optional):
//   BATCH_ROWS     comma-separated batch sizes to compare (default "50,200,1000"; snapshots take a twentieth)
//   RECLAIM_PAGES  comma-separated vacuum step sizes to compare (default "64,256,1024")
//   BATCH_SCALE    rows of each kind to purge, in thousands (default 20)
//
// Per batch size it fills a fresh file with expired sessions (~600 B each), expired tokens,
// finished jobs and superseded ~70 KB snapshots (one card each; BATCH_SCALE/20 thousand of
// them), runs the purge once and prints the longest write of each kind, and how long the
// whole purge took. Bounded: fixed amounts, one purge per configuration; temp dirs removed.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../dist/config/config.js";
import { RetentionPurge } from "../dist/jobs/retention-purge.js";
import { ManualClock } from "../dist/lib/clock.js";
import { newRandomId } from "../dist/lib/ids.js";
import { openDatabase } from "../dist/storage/open-database.js";
import { KyselyStorage } from "../dist/storage/storage.js";
import { positiveNumber } from "./harness.js";

const SCALE = positiveNumber("BATCH_SCALE", 20) * 1000;
const BATCH_ROWS = (process.env.BATCH_ROWS || "50,200,1000").split(",").map(Number);
const RECLAIM_PAGES = (process.env.RECLAIM_PAGES || "64,256,1024").split(",").map(Number);
const NOW = new Date("2026-06-01T12:00:00.000Z");
const LONG_AGO = NOW.getTime() - 30 * 86_400_000;

async function filledStore() {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-batches-"));
  const { db } = await openDatabase({ databaseUrl: null, dataDir });
  const storage = new KyselyStorage(db);
  const customer = newRandomId();
  const chunk = async (table, rows) => {
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto(table)
        .values(rows.slice(i, i + 200))
        .execute();
  };
  const sessions = Array.from({ length: SCALE }, () => ({
    request_id: newRandomId(),
    customer_id: customer,
    login_id: newRandomId(),
    institution: "FlinksCapital",
    mode: "cached",
    state: "authorized",
    language: "en",
    save: 0,
    tag: null,
    challenges: null,
    connector_state_enc: null,
    credentials_enc: null,
    attempts_left: 3,
    error_code: null,
    snapshot_id: newRandomId(),
    authorize_token_hash: "a".repeat(64),
    version: 1,
    lease_until: null,
    lease_holder: null,
    created_at: LONG_AGO,
    last_activity_at: LONG_AGO,
    expires_at: LONG_AGO + 480_000,
    absolute_expires_at: LONG_AGO + 1_800_000,
    schedule_refresh: 0,
  }));
  await chunk("sessions", sessions);
  await chunk(
    "authorize_tokens",
    Array.from({ length: SCALE }, () => ({
      token_hash: newRandomId() + newRandomId(),
      customer_id: customer,
      expires_at: LONG_AGO,
      request_id: newRandomId(),
    })),
  );
  await chunk(
    "jobs",
    Array.from({ length: SCALE }, () => ({
      id: newRandomId(),
      kind: "aggregate",
      payload_enc: "",
      singleton_key: null,
      state: "done",
      attempts: 1,
      max_attempts: 5,
      run_at: LONG_AGO,
      locked_until: null,
      locked_by: null,
      last_error: null,
      created_at: LONG_AGO,
      updated_at: LONG_AGO,
    })),
  );
  // Superseded snapshots: each card has an old one and a current one.
  const payload = JSON.stringify({ filler: "x".repeat(70_000) });
  for (let card = 0; card < SCALE / 20; card++) {
    const loginId = newRandomId();
    const [old, current] = [newRandomId(), newRandomId()];
    await chunk("snapshots", [
      { id: old, login_id: loginId, created_at: LONG_AGO, payload },
      { id: current, login_id: loginId, created_at: LONG_AGO + 1000, payload },
    ]);
    await db
      .insertInto("logins")
      .values({
        id: loginId,
        customer_id: customer,
        lookup_hash: newRandomId() + newRandomId(),
        institution: "FlinksCapital",
        language: "en",
        username_enc: "sealed",
        credentials_enc: null,
        login_type: "Personal",
        is_scheduled_refresh: 0,
        last_refresh_at: null,
        last_refresh_error: null,
        snapshot_id: current,
        created_at: LONG_AGO,
        live_request_id: null,
        refresh_state: null,
        refresh_attempted_at: null,
        nightly_night: null,
        mfa_answers_enc: null,
        selected_account_ids: null,
      })
      .execute();
  }
  return { storage, dataDir, file: join(dataDir, "bankgate.sqlite") };
}

const size = (file) => {
  const bytes = (path) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return ((bytes(file) + bytes(`${file}-wal`)) / 1024 / 1024).toFixed(1);
};

const settings = (batchRows) => ({
  ...loadConfig({}).retention,
  batchRows,
  sessionsSeconds: 3600,
  tokensSeconds: 3600,
  jobsSeconds: 3600,
  snapshotsSeconds: 3600,
});

console.log(`retention writes on SQLite: ${SCALE} expired sessions, tokens and finished jobs, ${SCALE / 20} superseded 70 KB snapshots`);
console.log("  batch  vacuum | p50 / max ms per write: sessions, tokens, jobs, snapshots, vacuum step | purge s | MiB before → after");
for (const [batchRows, reclaimPages] of [
  ...BATCH_ROWS.map((rows) => [rows, 256]),
  ...RECLAIM_PAGES.filter((pages) => pages !== 256).map((pages) => [200, pages]),
]) {
  const { storage, dataDir, file } = await filledStore();
  const before = size(file);
  const writes = {};
  const purge = new RetentionPurge({
    storage,
    clock: new ManualClock(NOW),
    settings: settings(batchRows),
    maxBatchesPerKind: 100_000,
    reclaimPagesPerStep: reclaimPages,
    onWrite: (kind, ms) => {
      writes[kind] = [...(writes[kind] ?? []), ms];
    },
  });
  const started = performance.now();
  const report = await purge.run();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  void report;
  const stat = (kind) => {
    const sorted = [...(writes[kind] ?? [0])].sort((a, b) => a - b);
    return `${sorted[Math.floor(sorted.length / 2)].toFixed(1)} / ${sorted[sorted.length - 1].toFixed(1)}`;
  };
  const kinds = ["sessions", "tokens", "jobs", "snapshots", "reclaim"].map(stat).join(", ");
  console.log(`  ${String(batchRows).padStart(5)} ${String(reclaimPages).padStart(7)} | ${kinds} | ${seconds} | ${before} → ${size(file)}`);
  await storage.close();
  rmSync(dataDir, { recursive: true, force: true });
}
