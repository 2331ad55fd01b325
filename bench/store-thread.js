// What moving the SQLite store to a worker thread would cost (docs/performance.md, "Store
// faults"): one row read in the calling thread versus the same read sent to a worker thread
// and its row posted back, for a small row and a 50 KB row (a snapshot), one request at a time
// and 50 in flight. Prints µs per read; asserts nothing.
//
//   node bench/store-thread.js            (BENCH_READS, default 20000)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import SqliteDatabase from "better-sqlite3";
import { positiveNumber } from "./harness.js";

const READS = positiveNumber("BENCH_READS", 20_000);
const ROWS = { small: "s".repeat(500), snapshot: "x".repeat(50_000) };

const dir = mkdtempSync(join(tmpdir(), "bankgate-store-thread-"));
const file = join(dir, "bench.sqlite");
const db = new SqliteDatabase(file);
db.pragma("journal_mode = WAL");
db.exec("create table rows (id text primary key, body text)");
for (const [id, body] of Object.entries(ROWS)) db.prepare("insert into rows values (?, ?)").run(id, body);
const read = db.prepare("select body from rows where id = ?");

const worker = new Worker(
  `const { parentPort, workerData } = require("node:worker_threads");
   const Database = require(workerData.driver);
   const db = new Database(workerData.file, { readonly: true });
   const read = db.prepare("select body from rows where id = ?");
   parentPort.on("message", (id) => parentPort.postMessage(read.get(id)));`,
  { eval: true, workerData: { file, driver: fileURLToPath(import.meta.resolve("better-sqlite3")) } },
);

/** µs per read through the worker with `inFlight` reads outstanding at any time. */
function viaWorker(id, inFlight) {
  return new Promise((resolve) => {
    let sent = 0;
    let received = 0;
    const started = performance.now();
    const onMessage = () => {
      received++;
      if (sent < READS) {
        sent++;
        worker.postMessage(id);
      } else if (received === READS) {
        worker.off("message", onMessage);
        resolve(((performance.now() - started) * 1000) / READS);
      }
    };
    worker.on("message", onMessage);
    for (; sent < inFlight; sent++) worker.postMessage(id);
  });
}

function inThread(id) {
  const started = performance.now();
  for (let i = 0; i < READS; i++) read.get(id);
  return ((performance.now() - started) * 1000) / READS;
}

try {
  for (const id of Object.keys(ROWS)) inThread(id); // warm-up
  console.log(`row        in thread µs   worker µs (1 in flight)   worker µs (50 in flight)   (${READS} reads each)`);
  for (const id of Object.keys(ROWS)) {
    const here = inThread(id);
    const one = await viaWorker(id, 1);
    const fifty = await viaWorker(id, 50);
    console.log(`${id.padEnd(10)} ${here.toFixed(1).padStart(12)} ${one.toFixed(1).padStart(27)} ${fifty.toFixed(1).padStart(26)}`);
  }
} finally {
  await worker.terminate();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
