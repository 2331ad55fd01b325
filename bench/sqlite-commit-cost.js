// What one SQLite commit costs on this machine, with bankgate's pragmas (WAL, secure_delete) and
// both synchronous settings: `node bench/sqlite-commit-cost.js`. Two small updates as two
// autocommits, the same two in one transaction, and one autocommit, SQLITE_COMMIT_ROUNDS (3)
// rounds of 5,000 each; prints wall and CPU µs per iteration. bankgate runs synchronous=NORMAL
// (src/storage/open-database.ts): in WAL mode a commit then writes the log without an fsync
// (only checkpoints sync), which is why an MFA step's commits cost tens of µs, not an fsync each.
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { benchTempDir, positiveNumber } from "./harness.js";

const ROUNDS = positiveNumber("SQLITE_COMMIT_ROUNDS", 3);
const N = 5000;

function measure(synchronous) {
  const dir = mkdtempSync(join(benchTempDir("bankgate-commit-cost-"), "db-"));
  const db = new Database(join(dir, "x.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("secure_delete = ON");
  db.exec("create table a (k text primary key, v text, n integer); create table b (k text primary key, v text, n integer)");
  const insertA = db.prepare("insert into a values (?, ?, 0)");
  const insertB = db.prepare("insert into b values (?, ?, 0)");
  for (let i = 0; i < 2000; i++) {
    insertA.run(`k${i}`, "x".repeat(300));
    insertB.run(`k${i}`, "y".repeat(300));
  }
  const updateA = db.prepare("update a set n = n + 1, v = ? where k = ?");
  const updateB = db.prepare("update b set n = n + 1, v = ? where k = ?");
  const begin = db.prepare("begin immediate");
  const commit = db.prepare("commit");
  const time = (label, work) => {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) work(i);
    const wallUs = Number(process.hrtime.bigint() - started) / 1000 / N;
    const used = process.cpuUsage(cpu);
    const cpuUs = (used.user + used.system) / N;
    process.stdout.write(
      `${synchronous.padEnd(7)} ${label.padEnd(34)} ${wallUs.toFixed(1).padStart(8)} µs wall ${cpuUs.toFixed(1).padStart(7)} µs CPU\n`,
    );
  };
  for (let round = 0; round < ROUNDS; round++) {
    time("two updates, two autocommits", (i) => {
      updateA.run(`z${i}`, `k${i % 2000}`);
      updateB.run(`z${i}`, `k${i % 2000}`);
    });
    time("two updates, one transaction", (i) => {
      begin.run();
      updateA.run(`z${i}`, `k${i % 2000}`);
      updateB.run(`z${i}`, `k${i % 2000}`);
      commit.run();
    });
    time("one update, autocommit", (i) => updateA.run(`z${i}`, `k${i % 2000}`));
  }
  db.close();
}

measure("NORMAL");
measure("FULL");
