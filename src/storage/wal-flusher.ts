import { open } from "node:fs/promises";

/** How often the log's written pages are sent to the disk. */
const INTERVAL_MS = 50;

export interface WalFlusher {
  stop(): void;
}

/**
 * Sends SQLite's write-ahead log to the disk every INTERVAL_MS, on libuv's thread pool
 * (docs/decisions.md, "Storage and jobs"). The server's connection runs SQLite's automatic
 * checkpoint inside a commit every 1,000 log pages, and that checkpoint first fsyncs the log:
 * with a second of commits in the OS cache that took 5–6 ms, on the event loop, holding every
 * request in flight (strace of the server under the cached /Authorize bench: fsync of the log
 * 5.2–6.5 ms, of the database 1.6–2.1 ms, once a second). Flushed as it grows, the log has
 * only the last few milliseconds of pages left to sync when the checkpoint comes. An extra
 * fsync only makes committed data durable sooner; SQLite's own syncs and locks are untouched.
 */
export function startWalFlusher(walFile: string): WalFlusher {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void flush(walFile).finally(() => {
      running = false;
    });
  }, INTERVAL_MS);
  // Never what keeps the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function flush(walFile: string): Promise<void> {
  try {
    const handle = await open(walFile, "r");
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch {
    // No log yet (nothing written since the store opened) or the store closing: nothing to flush.
  }
}
