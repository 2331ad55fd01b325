import { performance } from "node:perf_hooks";
import type { Config } from "../config/config.js";
import type { Clock } from "../lib/clock.js";
import type { Storage } from "../storage/storage.js";

/** What the purge deletes, each on its own window (config group "retention"). */
export const PURGED_KINDS = ["sessions", "tokens", "jobs", "snapshots", "webhookLog", "cardVault", "attemptCounters"] as const;
export type PurgedKind = (typeof PURGED_KINDS)[number];

export interface PurgeReport {
  deleted: Record<PurgedKind, number>;
  /** SQLite pages handed back to the file system (0 where the store cannot). */
  reclaimedPages: number;
  /** Write statements run, deletes and vacuum steps alike. */
  batches: number;
  /**
   * The longest write of each kind, in ms from the call to its answer: how long the purge
   * held the store (and, on SQLite, the write lock) at most. On a busy server it also counts
   * the wait for the connection.
   */
  longestWriteMs: Record<PurgedKind | "reclaim", number>;
  /** True when a bound stopped the run before everything due was deleted (the next run goes on). */
  unfinished: boolean;
}

export interface RetentionPurgeDeps {
  storage: Storage;
  clock: Clock;
  settings: Config["retention"];
  /** Batches per kind and run: a backlog is worked off over several runs. */
  maxBatchesPerKind?: number;
  /** Free pages handed back per vacuum step (default 256: 1 MiB at SQLite's 4 KiB pages). */
  reclaimPagesPerStep?: number;
  /** Told the duration of every write (benchmarks, metrics). */
  onWrite?: (kind: PurgedKind | "reclaim", ms: number) => void;
}

/** 4 GiB of free pages per run at the default step; the next run goes on. */
const MAX_RECLAIM_STEPS = 4_096;

/**
 * The retention purge (docs/decisions.md, "Retention"): each kind in batches of
 * `batchRows` rows (one short write each; the next request gets the event loop and the
 * write lock in between), then SQLite's free pages back to the file system, a step at a time.
 * Idempotent: a crashed or repeated run deletes nothing twice and loses nothing a window keeps.
 */
export class RetentionPurge {
  constructor(private readonly deps: RetentionPurgeDeps) {}

  async run(): Promise<PurgeReport> {
    const { storage, settings } = this.deps;
    const now = this.deps.clock.now();
    const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);
    const rows = settings.batchRows;
    // A snapshot (~70 KB) weighs what a hundred sessions do: a twentieth of the rows per batch.
    const snapshotRows = Math.max(1, Math.ceil(rows / 20));
    const deleteBatch: Record<PurgedKind, () => Promise<number>> = {
      sessions: () => storage.sessions.deleteExpired(before(settings.sessionsSeconds), rows),
      tokens: () => storage.authorizeTokens.deleteExpired(before(settings.tokensSeconds), rows),
      jobs: () => storage.jobs.deleteFinished(before(settings.jobsSeconds), rows),
      snapshots: () => storage.snapshots.deleteSuperseded(before(settings.snapshotsSeconds), now, snapshotRows),
      webhookLog: () => storage.transaction((tx) => tx.webhooks.deleteSettledEvents(before(settings.webhookLogSeconds), rows)),
      cardVault: () => storage.cardVault.deleteOrphans(before(settings.cardVaultSeconds), rows),
      attemptCounters: () => storage.attempts.deleteExpired(now, rows),
    };
    const report: PurgeReport = {
      deleted: Object.fromEntries(PURGED_KINDS.map((kind) => [kind, 0])) as Record<PurgedKind, number>,
      reclaimedPages: 0,
      batches: 0,
      longestWriteMs: Object.fromEntries([...PURGED_KINDS, "reclaim"].map((kind) => [kind, 0])) as PurgeReport["longestWriteMs"],
      unfinished: false,
    };
    const maxBatches = this.deps.maxBatchesPerKind ?? 200;
    for (const kind of PURGED_KINDS) {
      for (let batch = 0; ; batch++) {
        if (batch === maxBatches) {
          report.unfinished = true;
          break;
        }
        const deleted = await this.#timed(report, kind, deleteBatch[kind]);
        report.deleted[kind] += deleted;
        if (deleted < (kind === "snapshots" ? snapshotRows : rows)) break;
      }
    }
    await this.#reclaim(report);
    return report;
  }

  async #reclaim(report: PurgeReport): Promise<void> {
    const { space } = this.deps.storage;
    if (!(await space.canReclaim())) return;
    const pages = this.deps.reclaimPagesPerStep ?? 256;
    for (let step = 0; ; step++) {
      if (step === MAX_RECLAIM_STEPS) {
        report.unfinished = true;
        break;
      }
      const freed = await this.#timed(report, "reclaim", () => space.reclaim(pages));
      report.reclaimedPages += freed;
      if (freed < pages) break;
    }
    if (report.reclaimedPages > 0) await space.checkpoint();
  }

  /** One write, measured; then the event loop's turn for whatever waits. */
  async #timed(report: PurgeReport, kind: PurgedKind | "reclaim", write: () => Promise<number>): Promise<number> {
    const started = performance.now();
    const result = await write();
    const ms = performance.now() - started;
    report.batches++;
    report.longestWriteMs[kind] = Math.max(report.longestWriteMs[kind], ms);
    this.deps.onWrite?.(kind, ms);
    await new Promise((resolve) => setImmediate(resolve));
    return result;
  }
}
