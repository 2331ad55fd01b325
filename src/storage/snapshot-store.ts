import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { PreviousFetch } from "../connectors/types.js";
import type { Snapshot } from "../records/snapshot.js";
import { PrecompiledInsert, PrecompiledQuery } from "./precompiled-query.js";
import type { Database, SnapshotRow } from "./schema.js";
import {
  decodeSnapshotDelta,
  encodeSnapshotDelta,
  extendSnapshotDelta,
  outlineOf,
  type SnapshotDelta,
  type SnapshotIncrement,
  type SnapshotOutline,
} from "./snapshot-delta.js";

/**
 * A delta is stored when it is at most this share of its base's size; a larger one stores the
 * snapshot whole, and that becomes the base of the next ones (a card's deltas grow by about a
 * day of transactions each night, so about every few weeks).
 */
const MAX_DELTA_SHARE_OF_BASE = 1 / 4;

function isSmallDelta(delta: string, baseBytes: number): boolean {
  return delta.length <= baseBytes * MAX_DELTA_SHARE_OF_BASE;
}

/** A full snapshot a later one of the same card may be stored against, with its stored size. */
export interface SnapshotBase {
  id: string;
  snapshot: Snapshot;
  bytes: number;
}

/**
 * What the next refresh of a card needs of its current snapshot, read without its base's
 * payload: what it was fetched from, the full snapshot it is stored against (itself when stored
 * whole) with that one's outline, and the snapshot as a delta of it.
 */
export interface RefreshBasis {
  /** What the connector said its data came from; null when it gave no basis. */
  fetch: PreviousFetch | null;
  base: { id: string; outline: SnapshotOutline };
  /** Null when the snapshot is the base itself. */
  delta: SnapshotDelta | null;
}

/** How a new snapshot may be stored: its fetch basis, and a base it may be stored as a delta of. */
export interface SnapshotWriteOptions {
  fetch?: PreviousFetch | null;
  /** A full snapshot of the same card (StoredSnapshot.base of its current one). */
  base?: SnapshotBase;
}

/**
 * A card's immutable data snapshots: each stored whole or as a delta of an earlier whole one of
 * the same card (snapshot-delta.ts); the card row points at its current one (LoginStore.recordRefresh).
 */
export interface SnapshotStore {
  /**
   * Stores the snapshot: whole, or, given a `base`, as its delta against that base when the
   * delta is small (find gives back exactly `snapshot` either way).
   */
  insert(snapshotId: string, loginId: string, createdAt: Date, snapshot: Snapshot, options?: SnapshotWriteOptions): Promise<void>;
  /**
   * Stores the snapshot an increment stands for over the card's current one (`basis`, its
   * RefreshBasis): as a delta of the same base, built without reading the base, while that
   * delta is small; else decoded and whole (find gives back the same snapshot either way).
   */
  insertIncrement(
    snapshotId: string,
    loginId: string,
    createdAt: Date,
    increment: SnapshotIncrement,
    options: { basis: RefreshBasis; fetch: PreviousFetch | null },
  ): Promise<void>;
  find(snapshotId: string): Promise<Snapshot | undefined>;
  /** What the card's next refresh needs of this snapshot (its base is not read). */
  findRefreshBasis(snapshotId: string): Promise<RefreshBasis | undefined>;
  /**
   * Retention: deletes up to `limit` snapshots superseded before `supersededBefore` — a newer
   * snapshot of the same card was created by then — that are not their card's current one,
   * that no session unexpired at `now` points at and that no other snapshot is stored as a delta
   * of. Returns how many.
   */
  deleteSuperseded(supersededBefore: Date, now: Date, limit: number): Promise<number>;
}

const insertSnapshotRow = new PrecompiledInsert<SnapshotRow>("snapshots");
/** A snapshot, with its base's payload when it is a delta. Argument: snapshot. */
const snapshotWithBase = new PrecompiledQuery((db, slot) =>
  db
    .selectFrom("snapshots as s")
    .leftJoin("snapshots as b", "b.id", "s.base_id")
    .select(["s.payload", "s.base_id", "b.payload as base_payload"])
    .where("s.id", "=", slot(0)),
);
// A whole snapshot's payload is not read (the CASE never reaches it): its outline serves.
/** Argument: snapshot. */
const refreshBasis = new PrecompiledQuery((db, slot) =>
  db
    .selectFrom("snapshots as s")
    .leftJoin("snapshots as b", "b.id", "s.base_id")
    .select((eb) => [
      "s.base_id",
      "s.fetch_basis",
      "s.fetch_day",
      eb.case().when("s.base_id", "is", null).then(sql<string | null>`null`).else(eb.ref("s.payload")).end().as("delta"),
      eb.fn.coalesce("b.outline", "s.outline").as("outline"),
    ])
    .where("s.id", "=", slot(0)),
);

/** SnapshotStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselySnapshotStore implements SnapshotStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(
    snapshotId: string,
    loginId: string,
    createdAt: Date,
    snapshot: Snapshot,
    options: SnapshotWriteOptions = {},
  ): Promise<void> {
    const { base, fetch = null } = options;
    const delta = base && JSON.stringify(encodeSnapshotDelta(base.snapshot, snapshot));
    if (base && delta && isSmallDelta(delta, base.bytes)) return this.#insertRow(snapshotId, loginId, createdAt, delta, base.id, fetch);
    await this.#insertWhole(snapshotId, loginId, createdAt, snapshot, fetch);
  }

  async insertIncrement(
    snapshotId: string,
    loginId: string,
    createdAt: Date,
    increment: SnapshotIncrement,
    options: { basis: RefreshBasis; fetch: PreviousFetch | null },
  ): Promise<void> {
    const { basis, fetch } = options;
    const { base } = basis;
    const delta = extendSnapshotDelta({ delta: basis.delta, outline: base.outline }, increment);
    const payload = JSON.stringify(delta);
    if (isSmallDelta(payload, base.outline.bytes)) return this.#insertRow(snapshotId, loginId, createdAt, payload, base.id, fetch);
    // Outgrown its base (every few weeks of nights): stored whole, the next nights' base.
    const baseSnapshot = await this.find(base.id);
    if (!baseSnapshot) throw new Error(`snapshot base ${base.id} is gone`);
    await this.#insertWhole(snapshotId, loginId, createdAt, decodeSnapshotDelta(baseSnapshot, delta), fetch);
  }

  async #insertWhole(snapshotId: string, loginId: string, createdAt: Date, snapshot: Snapshot, fetch: PreviousFetch | null) {
    const payload = JSON.stringify(snapshot);
    await this.#insertRow(snapshotId, loginId, createdAt, payload, null, fetch, JSON.stringify(outlineOf(snapshot, payload.length)));
  }

  async #insertRow(
    snapshotId: string,
    loginId: string,
    createdAt: Date,
    payload: string,
    baseId: string | null,
    fetch: PreviousFetch | null,
    outline: string | null = null,
  ): Promise<void> {
    const row: SnapshotRow = {
      id: snapshotId,
      login_id: loginId,
      created_at: createdAt.getTime(),
      payload,
      base_id: baseId,
      fetch_basis: fetch?.basis ?? null,
      fetch_day: fetch?.day ?? null,
      outline,
    };
    await insertSnapshotRow.run(this.db, [row]);
  }

  async find(snapshotId: string): Promise<Snapshot | undefined> {
    const row = await snapshotWithBase.first(this.db, [snapshotId]);
    if (!row) return undefined;
    if (row.base_id === null) return JSON.parse(row.payload) as Snapshot;
    // Retention keeps a base while a delta of it exists: a missing one is a damaged store.
    if (row.base_payload === null) throw new Error(`snapshot ${snapshotId} has lost its base`);
    return decodeSnapshotDelta(JSON.parse(row.base_payload) as Snapshot, JSON.parse(row.payload) as SnapshotDelta);
  }

  async findRefreshBasis(snapshotId: string): Promise<RefreshBasis | undefined> {
    const row = await refreshBasis.first(this.db, [snapshotId]);
    if (!row) return undefined;
    // Every whole snapshot has its outline (migration 015 wrote the older ones'); a delta's is its base's.
    if (row.outline === null) throw new Error(`snapshot ${snapshotId} has lost its base`);
    return {
      fetch: row.fetch_basis !== null && row.fetch_day !== null ? { basis: row.fetch_basis, day: row.fetch_day } : null,
      base: { id: row.base_id ?? snapshotId, outline: JSON.parse(row.outline) as SnapshotOutline },
      delta: row.delta === null ? null : (JSON.parse(row.delta) as SnapshotDelta),
    };
  }

  async deleteSuperseded(supersededBefore: Date, now: Date, limit: number): Promise<number> {
    const cutoff = supersededBefore.getTime();
    const nowMs = now.getTime();
    const rows = await this.db
      .selectFrom("snapshots")
      .select("snapshots.id")
      .where((eb) =>
        eb.and([
          eb.exists(
            eb
              .selectFrom("snapshots as n")
              .select("n.id")
              .whereRef("n.login_id", "=", "snapshots.login_id")
              .whereRef("n.created_at", ">", "snapshots.created_at")
              .where("n.created_at", "<", cutoff),
          ),
          unreferenced(eb, nowMs),
        ]),
      )
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    // Checked again in the delete: a card pointed back at it, or a session opened on it, keeps it.
    const result = await this.db
      .deleteFrom("snapshots")
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .where((eb) => unreferenced(eb, nowMs))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/**
 * Nothing keeps the snapshot: it is not its card's current one, no snapshot is stored as a
 * delta of it, and no session unexpired at `nowMs` reads it.
 */
function unreferenced({ and, not, exists, selectFrom }: ExpressionBuilder<Database, "snapshots">, nowMs: number) {
  return and([
    not(
      exists(
        selectFrom("logins as l").select("l.id").whereRef("l.id", "=", "snapshots.login_id").whereRef("l.snapshot_id", "=", "snapshots.id"),
      ),
    ),
    not(exists(selectFrom("snapshots as d").select("d.id").whereRef("d.base_id", "=", "snapshots.id"))),
    // Through the card's sessions (indexed by login_id): sessions have no snapshot index.
    not(
      exists(
        selectFrom("sessions as x")
          .select("x.request_id")
          .whereRef("x.login_id", "=", "snapshots.login_id")
          .whereRef("x.snapshot_id", "=", "snapshots.id")
          .where("x.expires_at", ">", nowMs),
      ),
    ),
  ]);
}
