import { writeSync } from "node:fs";

/** What the stream could not write since the process started (GET /health reports it). */
export interface DroppedLogs {
  lines: number;
  bytes: number;
  /** The last write error's code (ENOSPC, EIO, EPIPE…), null while nothing was dropped. */
  lastErrorCode: string | null;
}

/** Lines kept while a non-blocking pipe is full (EAGAIN), before the oldest are dropped. */
const MAX_QUEUED_BYTES = 1024 * 1024;
const EAGAIN_RETRY_MS = 10;
/** Partial writes of one line before giving up on it (each round writes at least one byte). */
const MAX_WRITE_ROUNDS = 1_000;

/**
 * The log destination: writes each line to a file descriptor (stdout) and never fails.
 *
 * pino's default destination emits 'error' when a write fails, and nothing handles it: with
 * stdout redirected to a file on a full disk, ENOSPC ended the whole server. Here a line that
 * cannot be written (no space, I/O error, closed pipe) is dropped and counted — the server
 * keeps answering, GET /health shows the count — and the next line is tried again, so
 * logging resumes by itself once space returns. A line cut short by the full disk is ended
 * with a newline before the next one, so the file stays one JSON object per line.
 *
 * A full non-blocking pipe (EAGAIN: the reader is slow) is not a failure: lines wait in a
 * bounded queue and are written on a timer; only past MAX_QUEUED_BYTES are they dropped.
 * Writes are synchronous (a few µs to the page cache or a pipe) so lines stay in order and
 * none is lost in a buffer when the process is killed.
 */
export class DroppingLogStream {
  readonly #dropped: DroppedLogs = { lines: 0, bytes: 0, lastErrorCode: null };
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  /** The previous line was cut short: the next write starts on a new line. */
  #cutShort = false;

  constructor(private readonly fd: number) {}

  /** pino's destination contract: one serialized line (with its newline) per call. */
  write(line: string): boolean {
    const bytes = Buffer.from(line, "utf8");
    if (this.#queue.length > 0) this.#enqueue(bytes);
    else this.#writeNow(bytes);
    return true;
  }

  dropped(): DroppedLogs {
    return { ...this.#dropped };
  }

  /** Writes `bytes` whole, or queues the rest on EAGAIN, or drops the rest on any other error. */
  #writeNow(bytes: Buffer): void {
    let data = this.#cutShort ? Buffer.concat([NEWLINE, bytes]) : bytes;
    for (let round = 0; round < MAX_WRITE_ROUNDS && data.length > 0; round++) {
      try {
        const written = writeSync(this.fd, data);
        if (written > 0) this.#cutShort = written < data.length;
        data = data.subarray(written);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "UNKNOWN";
        if (code === "EAGAIN") {
          // The rest continues the same line once the pipe drains: it goes first in the queue.
          this.#cutShort = false;
          this.#enqueue(data);
        } else {
          this.#drop(data.length, code);
        }
        return;
      }
    }
    if (data.length > 0) this.#drop(data.length, "SHORT_WRITE");
  }

  /** Keeps `bytes` for the next try; past the bound, drops them (never the queue's head, which may continue a line). */
  #enqueue(bytes: Buffer): void {
    if (this.#queue.length > 0 && this.#queuedBytes + bytes.length > MAX_QUEUED_BYTES) {
      this.#drop(bytes.length, "EAGAIN");
      return;
    }
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    this.#retryTimer ??= setTimeout(() => this.#drain(), EAGAIN_RETRY_MS).unref();
  }

  #drain(): void {
    this.#retryTimer = null;
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const [index, bytes] of queue.entries()) {
      this.#writeNow(bytes);
      if (this.#queue.length > 0) {
        // Still full: the rest waits, in order, behind what was just queued again.
        for (const rest of queue.slice(index + 1)) this.#enqueue(rest);
        return;
      }
    }
  }

  #drop(bytes: number, code: string): void {
    this.#dropped.lines++;
    this.#dropped.bytes += bytes;
    this.#dropped.lastErrorCode = code;
  }
}

const NEWLINE = Buffer.from("\n");
