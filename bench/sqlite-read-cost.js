// What one read of a card costs on SQLite, as the cached /Authorize runs it (the card row and
// whether a job holds it) and in two cheaper shapes: `node bench/sqlite-read-cost.js` (after
// `npm run build`). A store migrated by this build (its schema and pragmas) gets 1,000 cards
// and two finished jobs each; then SQLITE_READ_ROUNDS (3) rounds of 100,000 reads per shape,
// µs per read and the ratio to the first shape (the baseline, as the server runs it):
//   - as served:           `SELECT *` with the job check, outside a transaction (SQLite opens
//                          and closes a read transaction, and its file locks, around it);
//   - inside a transaction: the same statements, 100,000 of them in one read transaction;
//   - without the sealed columns: the columns a cached answer uses, outside a transaction;
//   - as served, caches cold:  each read timed alone after 32 MB of other memory is touched,
//                          as a server's other work does between two reads (2,000 reads).
// docs/performance.md ("Left to do") reads these figures. Asserts nothing.
import { join } from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../dist/storage/open-database.js";
import { benchTempDir, positiveNumber } from "./harness.js";

const ROUNDS = positiveNumber("SQLITE_READ_ROUNDS", 3);
const READS = 100_000;
const CARDS = 1000;

const dataDir = benchTempDir("bankgate-read-cost-");
const { db } = await openDatabase({ databaseUrl: null, dataDir });
await db.destroy();
const sqlite = new Database(join(dataDir, "bankgate.sqlite"));
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = NORMAL");

const customerId = crypto.randomUUID();
const sealed = (n) => `v1.key.${"s".repeat(n)}`;
const insertCard = sqlite.prepare(
  `insert into logins (id, customer_id, lookup_hash, institution, language, username_enc, credentials_enc, login_type,
     is_scheduled_refresh, created_at, mfa_answers_enc, snapshot_id) values (?, ?, ?, 'FlinksCapital', 'en', ?, ?, 'Personal', 0, ?, ?, ?)`,
);
const insertJob = sqlite.prepare(
  `insert into jobs (id, kind, payload_enc, singleton_key, state, attempts, max_attempts, run_at, created_at, updated_at)
     values (?, 'aggregate', ?, ?, 'done', 1, 5, 0, 0, 0)`,
);
const cards = Array.from({ length: CARDS }, () => crypto.randomUUID());
sqlite.transaction(() => {
  for (const id of cards) {
    insertCard.run(id, customerId, crypto.randomUUID(), sealed(100), sealed(260), Date.now(), sealed(390), crypto.randomUUID());
    for (let j = 0; j < 2; j++) insertJob.run(crypto.randomUUID(), sealed(300), `aggregation:${id}`);
  }
})();

const jobCheck = `exists (select "jobs"."id" from "jobs" where "jobs"."singleton_key" = ? and "jobs"."state" in ('queued', 'running')) as "job_active"`;
const asServed = sqlite.prepare(`select *, ${jobCheck} from "logins" where "id" = ? and "customer_id" = ?`);
const unsealed = sqlite.prepare(
  `select "id", "customer_id", "lookup_hash", "institution", "language", "username_enc", "login_type", "is_scheduled_refresh",
     "last_refresh_at", "last_refresh_error", "snapshot_id", "created_at", "live_request_id", "selected_account_ids",
     "refresh_state", "refresh_attempted_at", "nightly_night", ${jobCheck} from "logins" where "id" = ? and "customer_id" = ?`,
);
const read = (statement, i) => {
  const id = cards[i % CARDS];
  statement.get(`aggregation:${id}`, id, customerId);
};
/** µs a read of READS reads back to back. */
const backToBack = (statement) => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < READS; i++) read(statement, i);
  return Number(process.hrtime.bigint() - started) / 1000 / READS;
};
const COLD_READS = 2000;
/** Far more than a core's own caches hold (on the reference machine 48 KB L1 data, 1 MB L2). */
const otherWork = new Uint8Array(32 * 1024 * 1024);
/** µs a read, each read timed alone after a walk over otherWork has evicted the CPU's caches. */
const coldCaches = (statement) => {
  let ns = 0n;
  for (let i = 0; i < COLD_READS; i++) {
    for (let byte = 0; byte < otherWork.length; byte += 64) otherWork[byte]++;
    const started = process.hrtime.bigint();
    read(statement, i);
    ns += process.hrtime.bigint() - started;
  }
  return Number(ns) / 1000 / COLD_READS;
};
const shapes = [
  ["as served (outside a transaction)", () => backToBack(asServed)],
  ["inside one read transaction", () => sqlite.transaction(() => backToBack(asServed))()],
  ["without the sealed columns", () => backToBack(unsealed)],
  ["as served, caches cold", () => coldCaches(asServed)],
];

process.stdout.write(`SQLite card read, ${CARDS} cards, ${READS} reads a shape and round (${COLD_READS} cold), ${ROUNDS} rounds\n`);
for (let round = 1; round <= ROUNDS; round++) {
  let baseline = 0;
  for (const [label, microsecondsARead] of shapes) {
    const us = microsecondsARead();
    baseline ||= us;
    process.stdout.write(`round ${round}  ${label.padEnd(36)} ${us.toFixed(2).padStart(6)} µs  ${(us / baseline).toFixed(2)}×\n`);
  }
}
sqlite.close();
