import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the worker copies the log's committed pages into the database file. */
const INTERVAL_MS = 100;

/**
 * The worker starts this long after the store opens: a thread's start-up during the server's
 * own added ~15 ms to its cold start (docs/performance.md), and the safety net below covers
 * the first second.
 */
const START_DELAY_MS = 1_000;

/**
 * While the worker runs, the server's connection checkpoints by itself only past this many
 * log pages (20 MB in a file this program created, 40 in an older one of 4 KB pages): a
 * safety net should the worker fall behind. Before the worker starts and after it stops,
 * SQLite's own default holds (1,000).
 */
const SERVER_AUTOCHECKPOINT_PAGES = 10_000;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

/** How long stop() waits for the worker's connection to close; a worker that never answers is left behind. */
const STOP_WAIT_MS = 2_000;

/** The worker's connection, as a shared cell says: 0 not opened yet, then open, then closed (or never opened). */
const OPEN = 1;
const CLOSED = 2;

export interface WalCheckpointer {
  /** Returns once the worker's connection is closed, so the server's connection closes last. */
  stop(): void;
}

/**
 * The worker thread's program (CommonJS, run with `eval`: the bundle needs no file of its
 * own). Its own connection to the file runs PASSIVE checkpoints, which never wait for or
 * block the server's readers and writers (no busy timeout: a checkpoint that meets another
 * process's is tried again at the next tick). The log starts over when the server begins a
 * write with nothing left to copy; under writes that never pause, at the server's own
 * checkpoint past SERVER_AUTOCHECKPOINT_PAGES, which then finds the pages copied already.
 * The shared cell says where its connection is, for the server's stop to wait on.
 */
const PROGRAM = `
const { parentPort, workerData } = require("node:worker_threads");
const state = new Int32Array(workerData.state);
const closed = () => {
  Atomics.store(state, 0, ${CLOSED});
  Atomics.notify(state, 0);
};
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { timeout: 0, fileMustExist: true });
  db.pragma("synchronous = NORMAL");
  Atomics.store(state, 0, ${OPEN});
} catch {
  closed();
  throw new Error("the checkpoint worker could not open the store");
}
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Another process's checkpoint or a lock: the next tick tries again.
  }
}, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  closed();
  parentPort.close();
});
`;

/**
 * Copies SQLite's write-ahead log into the database file on a worker thread, every
 * INTERVAL_MS (docs/decisions.md, "Storage and jobs"). Left to the server's connection, the
 * checkpoint ran inside a COMMIT every 1,000 log pages, on the event loop: every request in
 * flight waited for it (a nightly run's COMMIT p99 18 ms against a median of 0.17 ms).
 *
 * The server's connection must close last: the last connection to close checkpoints the log
 * and deletes it and its `-shm` file, and a worker closing after the server did that behind
 * the closed store's back (a reader of the data directory met files vanishing; a store
 * reopened at once could meet the old connection). So stop() blocks until the worker says its
 * connection is closed — a millisecond or two: it is idle between ticks, and a PASSIVE
 * checkpoint never waits.
 */
export function startWalCheckpointer(server: ServerConnection, file: string): WalCheckpointer {
  let worker: Worker | null = null;
  const state = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const checkpointsOwnLog = (pages: number) => {
    try {
      if (server.open) server.pragma(`wal_autocheckpoint = ${pages}`);
    } catch {
      // Run from the worker's events: a setting that fails keeps the threshold it had, never ends the server.
    }
  };
  const start = setTimeout(() => {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    worker = new Worker(PROGRAM, { eval: true, workerData: { file, driver, intervalMs: INTERVAL_MS, state: state.buffer } });
    // Never what keeps the process alive.
    worker.unref();
    worker.once("online", () => checkpointsOwnLog(SERVER_AUTOCHECKPOINT_PAGES));
    // A worker that fails or ends hands the checkpoints back to the server's connection.
    worker.once("exit", () => checkpointsOwnLog(SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES));
    worker.on("error", () => {});
  }, START_DELAY_MS);
  start.unref();
  return {
    stop: () => {
      clearTimeout(start);
      if (!worker) return;
      worker.postMessage("stop");
      const deadline = performance.now() + STOP_WAIT_MS;
      for (let seen = Atomics.load(state, 0); seen !== CLOSED; seen = Atomics.load(state, 0)) {
        const left = deadline - performance.now();
        if (left <= 0) return;
        Atomics.wait(state, 0, seen, left);
      }
    },
  };
}

/** What the checkpointer needs of the server's better-sqlite3 connection. */
interface ServerConnection {
  readonly open: boolean;
  pragma(source: string): unknown;
}
