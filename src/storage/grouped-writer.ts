import { StoreFaultError } from "../errors/store-fault.js";

interface PendingRow<Row, Result> {
  row: Row;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit: rows queued by concurrent requests in one event-loop turn, or while the
 * writer's previous write is at the store, are written in one transaction (one statement, or
 * one per row), and each caller's promise settles only after that commit, so every answer
 * still follows its own durable write. Measured on cached /Authorize: +75% throughput at 50
 * connections (docs/performance.md). `writeRows` may return one result per row (how many
 * rows an update changed), handed to that row's caller.
 */
export class GroupedWriter<Row, Result = void> {
  #pending: PendingRow<Row, Result>[] = [];
  #flushScheduled = false;
  /** A write is at the store: rows queued meanwhile wait for it and then go together. */
  #flushing = false;

  constructor(
    // biome-ignore lint/suspicious/noConfusingVoidType: a writer without results resolves with nothing
    private readonly writeRows: (rows: Row[]) => Promise<readonly Result[] | undefined | void>,
    private readonly maxRowsPerWrite = 64,
  ) {}

  write(row: Row): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ row, resolve, reject });
      if (!this.#flushScheduled && !this.#flushing) {
        this.#flushScheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /**
   * One write at the store at a time: rows that come while it is there go in the next, at
   * once when it ends. On PostgreSQL a write is a round trip, and rows from many turns of the
   * event loop gather during it (docs/decisions.md, "A grouped write waits for the one before it").
   */
  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) {
        const pending = this.#pending;
        this.#pending = [];
        for (let start = 0; start < pending.length; start += this.maxRowsPerWrite) {
          await this.#writeBatch(pending.slice(start, start + this.maxRowsPerWrite));
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #writeBatch(batch: PendingRow<Row, Result>[]): Promise<void> {
    try {
      const results = await this.writeRows(batch.map((p) => p.row));
      for (const [i, p] of batch.entries()) p.resolve(results?.[i] as Result);
    } catch (error) {
      // A store fault (locked, full, unreachable) fails every row alike: retrying each row
      // alone would only multiply the bounded wait by the batch size.
      if (batch.length === 1 || error instanceof StoreFaultError) {
        for (const p of batch) p.reject(error);
        return;
      }
      // One bad row must not fail its neighbours: retry each on its own.
      for (const p of batch) await this.#writeBatch([p]);
    }
  }
}
