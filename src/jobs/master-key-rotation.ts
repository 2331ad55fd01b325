import type { Storage } from "../storage/storage.js";
import type { Vault } from "../vault/vault.js";
import { SEALED_VALUE_AADS } from "./sealed-columns.js";

type SealedColumn = keyof typeof SEALED_VALUE_AADS;

export interface RotationReport {
  /** The key every value should be wrapped by now: the first of BANKGATE_MASTER_KEYS. */
  activeKeyId: string;
  /** Values moved to the active key by this run, per column. */
  rewrapped: Partial<Record<SealedColumn, number>>;
  /** Values this run could not move (an unknown key id, a value not bound to its row), per column. */
  failed: Partial<Record<SealedColumn, number>>;
  /** Values still wrapped by another key after the run: 0 means the old keys can go. */
  remaining: number;
}

export interface MasterKeyRotationDeps {
  storage: Storage;
  vault: Vault;
  /** Values read per page (each is then replaced on its own, by compare-and-swap). */
  pageSize?: number;
  /** Told after each page: the column and the values this run has moved in it so far (`bankgate master-key rotate`). */
  onProgress?: (column: SealedColumn, rewrapped: number) => void;
}

/** Passes over the store per run: a value rewritten meanwhile by a process still on the old key is caught by the next. */
const PASSES = 3;
const MAX_PAGES_PER_COLUMN = 1_000_000;

/**
 * Master-key rotation (quality bar S3; docs/decisions.md, "Master-key rotation"): moves every
 * stored secret to the vault's active key while the server serves. Online — each value is
 * re-wrapped (its data key only, Vault.rewrap) and replaced by compare-and-swap on the old
 * ciphertext, so readers see the old or the new value and both open with the keys they hold;
 * resumable — the progress is the data (a run lists only values still under another key);
 * idempotent — a value already under the active key is never touched.
 */
export class MasterKeyRotation {
  constructor(private readonly deps: MasterKeyRotationDeps) {}

  async run(): Promise<RotationReport> {
    const report: RotationReport = { activeKeyId: this.deps.vault.activeKeyId, rewrapped: {}, failed: {}, remaining: 0 };
    for (let pass = 0; pass < PASSES; pass++) {
      let moved = 0;
      for (const column of Object.keys(SEALED_VALUE_AADS) as SealedColumn[]) moved += await this.#rewrapColumn(column, report);
      report.remaining = await this.remaining();
      if (report.remaining === 0 || moved === 0) break;
    }
    return report;
  }

  /** Values not yet wrapped by the active key, in every column. */
  async remaining(): Promise<number> {
    let total = 0;
    for (const column of Object.keys(SEALED_VALUE_AADS) as SealedColumn[]) {
      total += await this.deps.storage.sealedValues.countNotWrappedBy(column, this.deps.vault.activeKeyId);
    }
    return total;
  }

  async #rewrapColumn(column: SealedColumn, report: RotationReport): Promise<number> {
    const { storage, vault } = this.deps;
    const aadOf = SEALED_VALUE_AADS[column];
    let moved = 0;
    let afterKey = "";
    for (let page = 0; page < MAX_PAGES_PER_COLUMN; page++) {
      const values = await storage.sealedValues.listNotWrappedBy(column, vault.activeKeyId, afterKey, this.deps.pageSize ?? 200);
      if (values.length === 0) break;
      for (const { key, ciphertext } of values) {
        const aad = aadOf(key);
        if (aad === null) continue;
        let next: string;
        try {
          next = vault.rewrap(ciphertext, aad);
        } catch {
          // Counted, never logged with the value: an unknown key id or a value moved from another row.
          report.failed[column] = (report.failed[column] ?? 0) + 1;
          continue;
        }
        // Lost when the row changed meanwhile: its new value was written by a serving process.
        if (await storage.sealedValues.replace(column, key, ciphertext, next)) {
          moved++;
          report.rewrapped[column] = (report.rewrapped[column] ?? 0) + 1;
        }
      }
      afterKey = values[values.length - 1]?.key ?? afterKey;
      this.deps.onProgress?.(column, report.rewrapped[column] ?? 0);
      // Requests get the event loop (and SQLite's write lock) between pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return moved;
  }
}
