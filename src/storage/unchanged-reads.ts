import type { Kysely } from "kysely";
import { LruCache } from "../lib/lru-cache.js";
import type { Database } from "./schema.js";
import { type ChangeStamp, changeStampOf, sameStamp } from "./sqlite-change-stamp.js";

/**
 * One read's results by key, each answered again only while the store has not changed since
 * it was read (SqliteChangeStamp): exactly what the read would return, never an older state,
 * also after a write by another process. Any write anywhere in the store makes every entry
 * stale, so it pays off when reads repeat between writes (a client reading its data calls
 * again and again) and costs a stamp (~2 µs) a read otherwise. On PostgreSQL, inside a
 * transaction and while SQLite's connection is busy every read runs.
 * Callers treat the values as read-only: later callers get the same objects.
 */
export class UnchangedReads<V> {
  readonly #entries: LruCache<string, { stamp: ChangeStamp; value: V }>;

  constructor(capacity: number) {
    this.#entries = new LruCache(capacity);
  }

  async read(db: Kysely<Database>, key: string, load: () => Promise<V>): Promise<V> {
    const stamp = changeStampOf(db);
    if (!stamp) return load();
    const entry = this.#entries.get(key);
    if (entry && sameStamp(entry.stamp, stamp)) return entry.value;
    // Stamped before the read: a change meanwhile moves the next stamp, and the entry is read again.
    const value = await load();
    this.#entries.set(key, { stamp, value });
    return value;
  }
}
