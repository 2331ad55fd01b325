import type { Kysely, Selectable } from "kysely";
import { everyColumnBut, PrecompiledQuery, PrecompiledSwap, slottedRow } from "./precompiled-query.js";
import type { AttemptCounterRow, Database } from "./schema.js";

/**
 * One brute-force subject's counter (a card, or institution + username). The rules that
 * change it live in `security/attempt-limiter.ts`; this store only loads and swaps it.
 */
export interface AttemptCounter {
  /** Chosen by the caller: "card:<LoginId>" or "credentials:<keyed hash>", never a username in clear. */
  subjectKey: string;
  /** Confirmed failures still inside the sliding window, oldest first (at most the limit). */
  failuresAt: Date[];
  /**
   * Attempts reserved and not settled yet: they may be reaching the institution right now.
   * Each has its own id (so a double or late settle is recognised) and expiry (after which
   * it is presumed dead and counted as a failure). At most the limit, like failures.
   */
  pending: PendingAttempt[];
  lockedUntil: Date | null;
  /** Locks so far; the next lock lasts base × factor^lockCount. */
  lockCount: number;
  version: number;
  /** Before this, the row still matters; after it, deleting it changes nothing (see deleteExpired). */
  retainUntil: Date;
}

export interface PendingAttempt {
  id: string;
  expiresAt: Date;
}

/** Brute-force counters (quality bar S1, docs/quality-bars.md). Every change is a compare-and-swap on `version`. */
export interface AttemptStore {
  find(subjectKey: string): Promise<AttemptCounter | undefined>;
  /**
   * Creates the counter unless one exists: of two processes creating it at once, the first
   * wins and the other is a no-op. Returns whether this call created it.
   */
  insertIfAbsent(counter: AttemptCounter): Promise<boolean>;
  /**
   * Compare-and-swap: writes `next` (with version expectedVersion + 1) only if the stored
   * version is still `expectedVersion`. Returns false when another writer got there first
   * or the row is gone. One conditional UPDATE, so it is atomic on both stores without
   * relying on isolation levels or RETURNING.
   */
  replace(next: AttemptCounter, expectedVersion: number): Promise<boolean>;
  /** Forgets a subject entirely (DeleteCard: nothing that names the card may survive). */
  delete(subjectKey: string): Promise<void>;
  /**
   * Deletes counters that no longer hold anything: no failure inside the window, no pending
   * attempt, no lock nor lock memory. Credentials subjects are keyed by whatever username
   * was tried, so without this the table would grow with every sprayed name.
   */
  deleteExpired(now: Date, limit?: number): Promise<number>;
}

/** Asked before and after every login. Argument: subject. */
const bySubject = new PrecompiledQuery<Selectable<AttemptCounterRow>>((db, slot) =>
  db.selectFrom("attempt_counters").selectAll().where("subject_key", "=", slot(0)),
);
const COUNTER_COLUMNS = everyColumnBut<AttemptCounterRow>()([
  "subject_key",
  "failures_at",
  "pending",
  "locked_until",
  "lock_count",
  "version",
  "retain_until",
]);
const swapCounter = new PrecompiledSwap<AttemptCounterRow>(
  "attempt_counters",
  "subject_key",
  COUNTER_COLUMNS.filter((column) => column !== "subject_key"),
);
/** A new username's first login inserts its counter. Arguments: the row's COUNTER_COLUMNS. */
const insertUnlessPresent = new PrecompiledQuery((db, slot) =>
  db
    .insertInto("attempt_counters")
    .values(slottedRow(COUNTER_COLUMNS, slot) as never)
    .onConflict((oc) => oc.column("subject_key").doNothing()),
);

/** AttemptStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyAttemptStore implements AttemptStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(subjectKey: string): Promise<AttemptCounter | undefined> {
    const row = await bySubject.first(this.db, [subjectKey]);
    return row && fromRow(row);
  }

  async insertIfAbsent(counter: AttemptCounter): Promise<boolean> {
    const row = toRow(counter);
    const values = COUNTER_COLUMNS.map((column) => row[column]);
    return (await insertUnlessPresent.changes(this.db, values)) > 0;
  }

  async replace(next: AttemptCounter, expectedVersion: number): Promise<boolean> {
    return swapCounter.replace(this.db, toRow(next), expectedVersion);
  }

  async delete(subjectKey: string): Promise<void> {
    await this.db.deleteFrom("attempt_counters").where("subject_key", "=", subjectKey).execute();
  }

  async deleteExpired(now: Date, limit?: number): Promise<number> {
    if (limit === undefined) {
      const result = await this.db.deleteFrom("attempt_counters").where("retain_until", "<=", now.getTime()).executeTakeFirst();
      return Number(result.numDeletedRows);
    }
    // In batches (retention): candidates read first, deleted by key with the condition checked again.
    const rows = await this.db
      .selectFrom("attempt_counters")
      .select("subject_key")
      .where("retain_until", "<=", now.getTime())
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    const result = await this.db
      .deleteFrom("attempt_counters")
      .where(
        "subject_key",
        "in",
        rows.map((r) => r.subject_key),
      )
      .where("retain_until", "<=", now.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRow(c: AttemptCounter): AttemptCounterRow {
  return {
    subject_key: c.subjectKey,
    failures_at: c.failuresAt.map((at) => at.getTime()).join(","),
    pending: c.pending.map((p) => `${p.id}@${p.expiresAt.getTime()}`).join(","),
    locked_until: c.lockedUntil?.getTime() ?? null,
    lock_count: c.lockCount,
    version: c.version,
    retain_until: c.retainUntil.getTime(),
  };
}

function fromRow(r: Selectable<AttemptCounterRow>): AttemptCounter {
  return {
    subjectKey: r.subject_key,
    failuresAt: splitList(r.failures_at).map((ms) => new Date(Number(ms))),
    pending: splitList(r.pending).map((entry) => {
      const [id = "", expiresAtMs] = entry.split("@");
      return { id, expiresAt: new Date(Number(expiresAtMs)) };
    }),
    lockedUntil: r.locked_until === null ? null : new Date(r.locked_until),
    lockCount: r.lock_count,
    version: r.version,
    retainUntil: new Date(r.retain_until),
  };
}

function splitList(text: string): string[] {
  return text === "" ? [] : text.split(",");
}
