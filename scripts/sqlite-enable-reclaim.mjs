// Converts an SQLite file created before bankgate set `auto_vacuum = INCREMENTAL` so that the
// retention purge can hand deleted pages back to the file system (docs/decisions.md,
// "Retention"). Run it with the server STOPPED: VACUUM rewrites the whole file (it needs about
// as much free disk as the file's size, and takes roughly a second per 100 MB).
//
//   node scripts/sqlite-enable-reclaim.mjs [data dir, default $BANKGATE_DATA_DIR or ./data]
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";

const dataDir = process.argv[2] ?? process.env.BANKGATE_DATA_DIR ?? "./data";
const file = join(dataDir, "bankgate.sqlite");
if (!existsSync(file)) {
  process.stderr.write(`no bankgate.sqlite in ${dataDir}\n`);
  process.exit(1);
}
const mib = () => (statSync(file).size / 1024 / 1024).toFixed(1);
// A running server holds the write lock now and then: wait for it briefly, then give up.
const db = new Database(file, { timeout: 2_000 });
try {
  if (db.pragma("auto_vacuum", { simple: true }) === 2) {
    process.stdout.write(`${file} already hands free pages back (auto_vacuum = INCREMENTAL)\n`);
    process.exit(0);
  }
  const before = mib();
  const started = performance.now();
  db.pragma("auto_vacuum = INCREMENTAL");
  db.exec("VACUUM");
  db.pragma("wal_checkpoint(TRUNCATE)");
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${file}: auto_vacuum = INCREMENTAL; VACUUM took ${seconds} s; ${before} MiB → ${mib()} MiB\n`);
} finally {
  db.close();
}
