import { type Kysely, type RawBuilder, type Selectable, sql } from "kysely";
import { GroupedWriter } from "./grouped-writer.js";
import { everyColumnBut, PrecompiledPerCount, PrecompiledQuery, slotList, slottedRow } from "./precompiled-query.js";
import type { Database, JobRow } from "./schema.js";

/**
 * The states of a job that holds its singleton key, as literals rather than parameters: SQLite
 * reads the partial unique index on the key (whose condition this is) only when it can see
 * that the query implies that condition; with parameters it scans every queued job instead.
 */
const ACTIVE_JOB_STATES = [sql.lit("queued"), sql.lit("running")];

/** The queued or running job holding `singletonKey`: an EXISTS beside another table's columns in one read. */
export function activeJobHolding(db: Kysely<Database>, singletonKey: string | RawBuilder<string>) {
  return db
    .selectFrom("jobs")
    .select("jobs.id")
    .where("jobs.singleton_key", "=", singletonKey)
    .where("jobs.state", "in", ACTIVE_JOB_STATES);
}

/** A job findClaimable found: enough to claim it and to keep candidates in run_at order. */
export type ClaimCandidate = Pick<JobRow, "id" | "run_at">;

/**
 * The job table. One implementation for both stores: a job is enqueued in the same
 * transaction as the state change that needs it, so a crash can never leave one without
 * the other (docs/decisions.md, "Jobs").
 */
export interface JobStore {
  /** Inserts the job; returns false (and inserts nothing) when its singleton key is taken. */
  insert(row: JobRow): Promise<boolean>;
  /** insert of many jobs in one statement: the ids of those inserted (a taken singleton key inserts nothing). */
  insertMany(rows: readonly JobRow[]): Promise<Set<string>>;
  /**
   * Jobs that may be claimed now: queued and due, or running with a lapsed claim (a dead
   * worker's), by run_at. Their ids only: claimMany reads the rows it wins.
   */
  findClaimable(nowMs: number, kinds: readonly string[], limit: number): Promise<ClaimCandidate[]>;
  /**
   * Compare-and-swap claim: succeeds only if nobody claimed the job since it was read
   * (`attempts` is bumped by every claim). Of two workers racing for a job, one wins.
   */
  claim(id: string, observedAttempts: number, lockedUntilMs: number, nowMs: number, lockedBy?: string | null): Promise<boolean>;
  /**
   * Claims these jobs in one write, each only if it is still claimable (queued and due, or
   * running with a lapsed claim) as the write runs: of two workers racing for a job, one gets
   * it. Returns the rows claimed (running, attempts bumped), by run_at.
   */
  claimMany(ids: readonly string[], nowMs: number, lockedUntilMs: number, lockedBy?: string | null): Promise<Selectable<JobRow>[]>;
  /** Settles a claimed job; false when the claim was lost meanwhile (the job ran too long). */
  settle(
    id: string,
    claimAttempts: number,
    next: { state: "done" | "failed" | "queued"; runAtMs?: number; lastError?: string | null; nowMs: number },
  ): Promise<boolean>;
  find(id: string): Promise<Selectable<JobRow> | undefined>;
  /** The queued or running job holding a singleton key, if any. */
  findActive(singletonKey: string): Promise<Selectable<JobRow> | undefined>;
  /** The newest job with this singleton key, whatever its state. */
  findLatest(singletonKey: string): Promise<Selectable<JobRow> | undefined>;
  deleteBySingletonKey(singletonKey: string): Promise<void>;
  /** Makes the running jobs these (dead) processes claimed claimable at once; returns how many. */
  releaseClaimsOf(holderIds: readonly string[]): Promise<number>;
  /** Retention: deletes up to `limit` done or failed jobs last updated before `finishedBefore`; returns how many. */
  deleteFinished(finishedBefore: Date, limit: number): Promise<number>;
  /**
   * Cancels jobs, whatever their state: those holding one of these keys, or a key that starts
   * with one of the prefixes. A running job loses its row; its worker's settle then changes nothing.
   */
  deleteBySingletonKeys(keys: readonly string[], prefixes?: readonly string[]): Promise<void>;
  /**
   * The newest jobs (by last update), whatever their state, holding one of these keys or a key
   * that starts with one of the prefixes; at most `limit` (the dashboard's Jobs screen).
   */
  listBySingletonKeys(keys: readonly string[], prefixes: readonly string[], limit: number): Promise<Selectable<JobRow>[]>;
}

/** Asked by every cached /Authorize (is the card being aggregated?). */
const activeBySingletonKey = new PrecompiledQuery<Selectable<JobRow>>((db, slot) =>
  db.selectFrom("jobs").selectAll().where("singleton_key", "=", slot(0)).where("state", "in", ACTIVE_JOB_STATES),
);

const JOB_COLUMNS = everyColumnBut<JobRow>()([
  "id",
  "kind",
  "payload_enc",
  "singleton_key",
  "state",
  "attempts",
  "max_attempts",
  "run_at",
  "locked_until",
  "locked_by",
  "last_error",
  "created_at",
  "updated_at",
]);
// The partial unique index decides, atomically; DO NOTHING keeps a PostgreSQL transaction
// usable when it says no.
/** Arguments: JOB_COLUMNS. */
const insertRow = new PrecompiledQuery((db, slot) =>
  db
    .insertInto("jobs")
    .values(slottedRow(JOB_COLUMNS, slot) as never)
    .onConflict((oc) => oc.doNothing()),
);

/** Jobs of the runner's kinds in one state, due by `dueColumn`, by run_at. Arguments: now, limit, the kinds. */
function claimableIn(state: "queued" | "running", dueColumn: "run_at" | "locked_until") {
  return new PrecompiledPerCount<ClaimCandidate>((db, slot, kinds) =>
    db
      .selectFrom("jobs")
      .select(["id", "run_at"])
      .where("state", "=", state)
      .where(dueColumn, "<=", slot(0) as never)
      .where("kind", "in", slotList(slot, 2, kinds))
      .orderBy("run_at")
      .limit(slot(1) as never),
  );
}
const dueQueued = claimableIn("queued", "run_at");
/** A dead worker's claims, lapsed. */
const lapsedRunning = claimableIn("running", "locked_until");

/** claimMany's write. Arguments: now, the claim's end, its holder, the ids. */
const claimIds = new PrecompiledPerCount<Selectable<JobRow>>((db, slot, ids) =>
  db
    .updateTable("jobs")
    .set((eb) => ({
      state: "running",
      attempts: eb("attempts", "+", 1),
      locked_until: slot(1) as never,
      locked_by: slot(2),
      updated_at: slot(0) as never,
    }))
    .where("id", "in", slotList(slot, 3, ids))
    // Still claimable as the write runs: a job another worker claimed meanwhile is not.
    // A CASE, not an OR of (state, time) pairs: given the OR, SQLite walks the claimable
    // index over every due job instead of looking up these ids (MULTI-INDEX OR), so a claim
    // cost O(queued jobs) and a night of N refreshes O(N²).
    .where((eb) =>
      eb
        .case()
        .when("state", "=", "queued")
        .then(eb("run_at", "<=", slot(0) as never))
        .when("state", "=", "running")
        .then(eb("locked_until", "<=", slot(0) as never))
        .else(eb.lit(false))
        .end(),
    )
    .returningAll(),
);

/** #completeMany's write, for one settle time and claim. Arguments: now, the claim's attempts, the ids. */
const completeIds = new PrecompiledPerCount<{ id: string }>((db, slot, ids) =>
  db
    .updateTable("jobs")
    .set({ state: "done", locked_until: null, updated_at: slot(0) as never, last_error: null, payload_enc: "" })
    .where("id", "in", slotList(slot, 2, ids))
    .where("attempts", "=", slot(1) as never)
    // The state as an expression, which no index holds: given `state = ?`, SQLite walks every
    // running job's entry of jobs_claimable instead of looking up the ids; an OR of
    // (id, attempts, state) triples instead cost it 3× this statement (docs/performance.md).
    .where((eb) => eb.fn.coalesce("state", eb.val("")), "=", "running")
    .returning("id"),
);

/** JobStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyJobStore implements JobStore {
  /**
   * Outside a transaction, the jobs completed in one event-loop turn are settled by one
   * statement (group commit, as session inserts are): a job run finished with a commit of
   * its own, the nightly run's jobs ~2 per card. Each caller hears back only after the
   * commit, with its own compare-and-swap result.
   */
  readonly #completes: GroupedWriter<Completion, boolean> | null;

  constructor(
    private readonly db: Kysely<Database>,
    options: { groupCompletes: boolean } = { groupCompletes: false },
  ) {
    this.#completes = options.groupCompletes ? new GroupedWriter((rows) => this.#completeMany(rows)) : null;
  }

  async insert(row: JobRow): Promise<boolean> {
    const changed = await insertRow.changes(
      this.db,
      JOB_COLUMNS.map((column) => row[column]),
    );
    return changed === 1;
  }

  async insertMany(rows: readonly JobRow[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
      const chunk = rows.slice(at, at + ROWS_PER_INSERT);
      for (const row of await this.db
        .insertInto("jobs")
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .returning("id")
        .execute()) {
        inserted.add(row.id);
      }
    }
    return inserted;
  }

  async findClaimable(nowMs: number, kinds: readonly string[], limit: number): Promise<ClaimCandidate[]> {
    if (kinds.length === 0) return [];
    // Two reads, each walking the (state, run_at) index in order and stopping at `limit`: one
    // read with OR had the store gather every due job and sort them, per claim — a night of
    // N queued refreshes then cost O(N) per claim and O(N²) in all.
    const due = (query: PrecompiledPerCount<ClaimCandidate>) => query.of(kinds.length).rows(this.db, [nowMs, limit, ...kinds]);
    const [queued, lapsed] = [await due(dueQueued), await due(lapsedRunning)];
    if (lapsed.length === 0) return queued;
    return [...queued, ...lapsed].sort((a, b) => a.run_at - b.run_at).slice(0, limit);
  }

  async claimMany(
    ids: readonly string[],
    nowMs: number,
    lockedUntilMs: number,
    lockedBy: string | null = null,
  ): Promise<Selectable<JobRow>[]> {
    if (ids.length === 0) return [];
    const claimed = await claimIds.of(ids.length).rows(this.db, [nowMs, lockedUntilMs, lockedBy, ...ids]);
    return claimed.sort((a, b) => a.run_at - b.run_at);
  }

  async claim(
    id: string,
    observedAttempts: number,
    lockedUntilMs: number,
    nowMs: number,
    lockedBy: string | null = null,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("jobs")
      .set({ state: "running", attempts: observedAttempts + 1, locked_until: lockedUntilMs, locked_by: lockedBy, updated_at: nowMs })
      .where("id", "=", id)
      .where("attempts", "=", observedAttempts)
      .where("state", "in", ["queued", "running"])
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async settle(
    id: string,
    claimAttempts: number,
    next: { state: "done" | "failed" | "queued"; runAtMs?: number; lastError?: string | null; nowMs: number },
  ): Promise<boolean> {
    if (this.#completes && next.state === "done" && !next.lastError && next.runAtMs === undefined) {
      return this.#completes.write({ id, claimAttempts, nowMs: next.nowMs });
    }
    const result = await this.db
      .updateTable("jobs")
      .set({
        state: next.state,
        locked_until: null,
        updated_at: next.nowMs,
        last_error: next.lastError ?? null,
        ...(next.runAtMs !== undefined ? { run_at: next.runAtMs } : {}),
        // A finished job keeps no payload: it may have carried MFA answers.
        ...(next.state === "queued" ? {} : { payload_enc: "" }),
      })
      .where("id", "=", id)
      .where("attempts", "=", claimAttempts)
      .where("state", "=", "running")
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * settle(…, { state: "done" }) of several jobs, one statement per settle time and claim's
   * attempt count (usually one for all): which were still this claim's.
   */
  async #completeMany(rows: Completion[]): Promise<boolean[]> {
    const settled = new Set<string>();
    const groups = new Map<string, Completion[]>();
    for (const row of rows) {
      const key = `${row.nowMs}:${row.claimAttempts}`;
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    for (const group of groups.values()) {
      const { nowMs, claimAttempts } = group[0] as Completion;
      const changed = await completeIds.of(group.length).rows(this.db, [nowMs, claimAttempts, ...group.map((row) => row.id)]);
      for (const row of changed) settled.add(`${row.id}:${claimAttempts}`);
    }
    return rows.map((row) => settled.has(`${row.id}:${row.claimAttempts}`));
  }

  async find(id: string): Promise<Selectable<JobRow> | undefined> {
    return this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async findActive(singletonKey: string): Promise<Selectable<JobRow> | undefined> {
    return activeBySingletonKey.first(this.db, [singletonKey]);
  }

  async findLatest(singletonKey: string): Promise<Selectable<JobRow> | undefined> {
    return this.db
      .selectFrom("jobs")
      .selectAll()
      .where("singleton_key", "=", singletonKey)
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  async deleteBySingletonKey(singletonKey: string): Promise<void> {
    await this.db.deleteFrom("jobs").where("singleton_key", "=", singletonKey).execute();
  }

  async releaseClaimsOf(holderIds: readonly string[]): Promise<number> {
    if (holderIds.length === 0) return 0;
    // A lapsed claim is what findClaimable already takes: 0 is lapsed on every clock.
    const result = await this.db
      .updateTable("jobs")
      .set({ locked_until: 0 })
      .where("locked_by", "in", holderIds)
      .where("state", "=", "running")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async deleteFinished(finishedBefore: Date, limit: number): Promise<number> {
    const cutoff = finishedBefore.getTime();
    // A job finishes after its run_at: the (state, run_at) index narrows the scan.
    const rows = await this.db
      .selectFrom("jobs")
      .select("id")
      .where("state", "in", ["done", "failed"])
      .where("run_at", "<", cutoff)
      .where("updated_at", "<", cutoff)
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    const result = await this.db
      .deleteFrom("jobs")
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .where("state", "in", ["done", "failed"])
      .where("updated_at", "<", cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteBySingletonKeys(keys: readonly string[], prefixes: readonly string[] = []): Promise<void> {
    if (keys.length > 0) await this.db.deleteFrom("jobs").where("singleton_key", "in", keys).execute();
    for (const prefix of prefixes) {
      // Keys are built from GUIDs and fixed words: no LIKE wildcard to escape, checked here all the same.
      if (/[%_\\]/.test(prefix)) throw new Error(`unsafe singleton key prefix ${prefix}`);
      await this.db.deleteFrom("jobs").where("singleton_key", "like", `${prefix}%`).execute();
    }
  }

  async listBySingletonKeys(keys: readonly string[], prefixes: readonly string[], limit: number): Promise<Selectable<JobRow>[]> {
    for (const prefix of prefixes) if (/[%_\\]/.test(prefix)) throw new Error(`unsafe singleton key prefix ${prefix}`);
    const found: Selectable<JobRow>[] = [];
    const newest = this.db.selectFrom("jobs").selectAll().orderBy("updated_at", "desc").orderBy("id").limit(limit);
    // Chunks keep each statement's parameters and OR chain well inside both databases' limits.
    for (let at = 0; at < keys.length; at += KEY_CHUNK) {
      found.push(...(await newest.where("singleton_key", "in", keys.slice(at, at + KEY_CHUNK)).execute()));
    }
    for (let at = 0; at < prefixes.length; at += PREFIX_CHUNK) {
      const chunk = prefixes.slice(at, at + PREFIX_CHUNK);
      found.push(...(await newest.where((eb) => eb.or(chunk.map((prefix) => eb("singleton_key", "like", `${prefix}%`)))).execute()));
    }
    return found.sort((a, b) => b.updated_at - a.updated_at || a.id.localeCompare(b.id)).slice(0, limit);
  }
}

interface Completion {
  id: string;
  claimAttempts: number;
  nowMs: number;
}

const KEY_CHUNK = 500;
/** 13 parameters a row: 6,500 a statement, well inside SQLite's 32,766 and PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 500;
const PREFIX_CHUNK = 100;
