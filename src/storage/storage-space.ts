import { type Kysely, sql } from "kysely";
import { isSqlite } from "./dialect.js";
import type { Database } from "./schema.js";

/**
 * Disk space after deletes (docs/decisions.md, "Retention"). SQLite keeps deleted rows' pages
 * as free pages inside its file (reused by later writes, so the file stops growing) and, with
 * `auto_vacuum = INCREMENTAL` (set when bankgate creates the file), can hand them back to the
 * file system a batch at a time. PostgreSQL's autovacuum makes the space reusable by itself;
 * giving it back to the file system needs VACUUM FULL, which locks the table: not done online.
 */
export interface StorageSpace {
  /** Whether this store can give free space back online (SQLite created with incremental auto-vacuum). */
  canReclaim(): Promise<boolean>;
  /** Free pages held inside the store's file (SQLite), null where it cannot tell (PostgreSQL). */
  freePages(): Promise<number | null>;
  /** Hands up to `maxPages` free pages back to the file system (one short write); returns how many went. */
  reclaim(maxPages: number): Promise<number>;
  /**
   * SQLite in WAL mode shortens its file only when a checkpoint copies the vacuum's pages in:
   * a passive one (it never waits for readers nor blocks writers) after the reclaim steps.
   */
  checkpoint(): Promise<void>;
}

const INCREMENTAL = 2;

/** StorageSpace over Kysely: pragmas on SQLite, nothing to do on PostgreSQL. */
export class KyselyStorageSpace implements StorageSpace {
  readonly #sqlite: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.#sqlite = isSqlite(db);
  }

  async canReclaim(): Promise<boolean> {
    return this.#sqlite && (await this.#pragma("auto_vacuum")) === INCREMENTAL;
  }

  async freePages(): Promise<number | null> {
    return this.#sqlite ? this.#pragma("freelist_count") : null;
  }

  async reclaim(maxPages: number): Promise<number> {
    if (!(await this.canReclaim())) return 0;
    const before = await this.#pragma("freelist_count");
    const pages = Math.max(1, Math.floor(maxPages));
    await sql`${sql.raw(`PRAGMA incremental_vacuum(${pages})`)}`.execute(this.db);
    return before - (await this.#pragma("freelist_count"));
  }

  async checkpoint(): Promise<void> {
    if (this.#sqlite) await sql`${sql.raw("PRAGMA wal_checkpoint(PASSIVE)")}`.execute(this.db);
  }

  async #pragma(name: "auto_vacuum" | "freelist_count"): Promise<number> {
    const { rows } = await sql<Record<string, number>>`${sql.raw(`PRAGMA ${name}`)}`.execute(this.db);
    return Number(rows[0]?.[name] ?? 0);
  }
}
