import { type Kysely, type Selectable, sql } from "kysely";
import type { PreviousFetch } from "../connectors/types.js";
import type { ErrorCode } from "../errors/catalog.js";
import type { Login, RefreshState } from "../records/login.js";
import type { Snapshot } from "../records/snapshot.js";
import { isSqlite } from "./dialect.js";
import { activeJobHolding } from "./job-store.js";
import { everyColumnBut, PrecompiledQuery, slottedRow } from "./precompiled-query.js";
import type { Database, LoginRow, SnapshotRow } from "./schema.js";
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

/** What a new card is created with; the rest of its row starts empty. */
export type NewLogin = Pick<
  Login,
  "id" | "customerId" | "lookupHash" | "institution" | "language" | "usernameEnc" | "loginType" | "createdAt"
>;

/** Saved cards and their immutable data snapshots. */
export interface LoginStore {
  /**
   * The card with this identity hash, created from `candidate` if it does not exist yet.
   * Two concurrent first connections of one card end with one row (the unique hash decides).
   */
  findOrCreate(candidate: NewLogin): Promise<Login>;
  findByLookupHash(lookupHash: string): Promise<Login | undefined>;
  /** The customer's card, or undefined for unknown, deleted and other customers' ids alike. */
  find(customerId: string, loginId: string): Promise<Login | undefined>;
  /** `find`, and whether a job holding `singletonKey` is queued or running, in one read (cached /Authorize). */
  findWithActiveJob(customerId: string, loginId: string, singletonKey: string): Promise<{ login: Login; jobActive: boolean } | undefined>;
  /**
   * Compare-and-swap of the card's live session: succeeds only if the holder is still the
   * one the caller saw (null, or a session the caller found no longer live).
   */
  claimLive(loginId: string, requestId: string, observedHolder: string | null): Promise<boolean>;
  saveCredentials(loginId: string, credentialsEnc: string): Promise<void>;
  /** Points the card at a fresh snapshot: the switch is one row update, so readers see old or new, never half. */
  recordRefresh(loginId: string, refresh: { snapshotId: string; at: Date; loginType: Login["loginType"] }): Promise<void>;
  /** The end user's account selection (Connect widget), or null for all accounts. */
  saveSelectedAccounts(loginId: string, accountIds: string[] | null): Promise<void>;
  recordRefreshError(loginId: string, code: ErrorCode): Promise<void>;
  /** Where a refresh ended (GetNightlyRefreshStatus); a null code clears the card's error. */
  recordRefreshState(loginId: string, state: { at: Date; state: RefreshState; errorCode: ErrorCode | null }): Promise<void>;
  setScheduledRefresh(customerId: string, loginId: string, activated: boolean): Promise<boolean>;
  /**
   * Takes the card for `night` by compare-and-swap: true once per card and night, whichever
   * process or job asks first (a second run of the same night refreshes nothing: quality bar R6,
   * docs/quality-bars.md).
   */
  claimNight(loginId: string, night: string): Promise<boolean>;
  /** Scheduled cards with saved credentials not yet taken on `night`, by id after `afterId` (keyset pages). */
  findNightlyCandidates(night: string, afterId: string, limit: number): Promise<Login[]>;
  /** The customer's cards with nightly refresh on (GetNightlyRefreshStatus filters them). */
  findScheduled(customerId: string): Promise<Login[]>;
  /** The customer's cards, newest first, at most `limit` (the dashboard's list). */
  listByCustomer(customerId: string, limit: number): Promise<Login[]>;
  saveMfaAnswers(loginId: string, answersEnc: string): Promise<void>;
  /**
   * Stores the snapshot: whole, or, given a `base`, as its delta against that base when the
   * delta is small (findSnapshot gives back exactly `snapshot` either way).
   */
  insertSnapshot(snapshotId: string, loginId: string, createdAt: Date, snapshot: Snapshot, options?: SnapshotWriteOptions): Promise<void>;
  /**
   * Stores the snapshot an increment stands for over the card's current one (`basis`, its
   * RefreshBasis): as a delta of the same base, built without reading the base, while that
   * delta is small; else decoded and whole (findSnapshot gives back the same snapshot either way).
   */
  insertSnapshotIncrement(
    snapshotId: string,
    loginId: string,
    createdAt: Date,
    increment: SnapshotIncrement,
    options: { basis: RefreshBasis; fetch: PreviousFetch | null },
  ): Promise<void>;
  findSnapshot(snapshotId: string): Promise<Snapshot | undefined>;
  /** What the card's next refresh needs of this snapshot (its base is not read). */
  findRefreshBasis(snapshotId: string): Promise<RefreshBasis | undefined>;
  /**
   * Retention: deletes up to `limit` snapshots superseded before `supersededBefore` — a newer
   * snapshot of the same card was created by then — that are not their card's current one,
   * that no session unexpired at `now` points at and that no other snapshot is stored as a delta
   * of. Returns how many.
   */
  deleteSupersededSnapshots(supersededBefore: Date, now: Date, limit: number): Promise<number>;
  /**
   * Inside a transaction: takes the card's row for the rest of it and returns the card, or
   * undefined once it is deleted. Every transaction that writes about a card calls it first, so
   * a concurrent delete either waits for that transaction and then removes what it wrote, or has
   * already removed the card and the transaction writes nothing (docs/decisions.md#cards-and-loginids).
   */
  holdForWrite(customerId: string, loginId: string): Promise<Login | undefined>;
  /**
   * Removes the card and every row that refers to it (its vault, sessions and the tokens bound
   * to them, snapshots, webhook events and their attempts); null if it was not the customer's.
   * The card row goes first, so writers holding it (holdForWrite) are waited for and their
   * rows removed too. Returns the ids of the deleted webhook events (their delivery jobs go next).
   */
  delete(customerId: string, loginId: string): Promise<{ eventIds: string[] } | null>;
  /**
   * Removes the rows that still name a deleted card: run again after the delete commits, for a
   * writer that inserts without holding the card row (a cached session) and committed meanwhile.
   */
  purgeReferences(loginId: string): Promise<string[]>;
}

/** The hot read of every cached /Authorize and data call. Arguments: card, customer. */
const byId = new PrecompiledQuery<Selectable<LoginRow>>((db, slot) =>
  db.selectFrom("logins").selectAll().where("id", "=", slot(0)).where("customer_id", "=", slot(1)),
);
/** Arguments: card, customer, the job's singleton key. */
const withActiveJob = new PrecompiledQuery<Selectable<LoginRow> & { job_active: number | boolean }>((db, slot) =>
  db
    .selectFrom("logins")
    .selectAll()
    .select((eb) => eb.exists(activeJobHolding(db, slot(2))).as("job_active"))
    .where("id", "=", slot(0))
    .where("customer_id", "=", slot(1)),
);
/**
 * The card's row, read under the lock a write of it would take. SQLite: a plain read, the
 * transaction's BEGIN IMMEDIATE already holds the only write lock. PostgreSQL: the lock a
 * non-key update takes, without writing a new row version (a DeleteCard's delete waits for
 * it, a session insert's key-share read does not). Arguments: card, customer.
 */
const holdRow = new PrecompiledQuery<Selectable<LoginRow>>((db, slot) => {
  const read = db.selectFrom("logins").selectAll().where("id", "=", slot(0)).where("customer_id", "=", slot(1));
  return isSqlite(db) ? read : read.forNoKeyUpdate();
});
/** Arguments: RequestId, card. */
const claimFree = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("logins")
    .set({ live_request_id: slot(0) })
    .where("id", "=", slot(1))
    .where("live_request_id", "is", null),
);
/** Arguments: RequestId, card, the holder seen. */
const claimFrom = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("logins")
    .set({ live_request_id: slot(0) })
    .where("id", "=", slot(1))
    .where("live_request_id", "=", slot(2)),
);
/** Arguments: night, card. */
const claimNightRow = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("logins")
    .set({ nightly_night: slot(0) })
    .where("id", "=", slot(1))
    .where((eb) => eb.or([eb("nightly_night", "is", null), eb("nightly_night", "<>", slot(0))])),
);
/** Arguments: snapshot, refreshed at (ms), login type, card. */
const recordRefreshRow = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("logins")
    .set({
      snapshot_id: slot(0),
      last_refresh_at: slot(1) as unknown as number,
      last_refresh_error: null,
      login_type: slot(2),
      refresh_state: "Completed",
      refresh_attempted_at: slot(1) as unknown as number,
    })
    .where("id", "=", slot(3)),
);
/** Arguments: state, attempted at (ms), error code, card. */
const recordRefreshStateRow = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("logins")
    .set({ refresh_state: slot(0), refresh_attempted_at: slot(1) as unknown as number, last_refresh_error: slot(2) })
    .where("id", "=", slot(3)),
);
const SNAPSHOT_COLUMNS = everyColumnBut<SnapshotRow>()([
  "id",
  "login_id",
  "created_at",
  "payload",
  "base_id",
  "fetch_basis",
  "fetch_day",
  "outline",
]);
/** Arguments: SNAPSHOT_COLUMNS. */
const insertSnapshotRow = new PrecompiledQuery((db, slot) =>
  db.insertInto("snapshots").values(slottedRow(SNAPSHOT_COLUMNS, slot) as never),
);
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

/** LoginStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyLoginStore implements LoginStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findOrCreate(candidate: NewLogin): Promise<Login> {
    const inserted = await this.db
      .insertInto("logins")
      .values({
        id: candidate.id,
        customer_id: candidate.customerId,
        lookup_hash: candidate.lookupHash,
        institution: candidate.institution,
        language: candidate.language,
        username_enc: candidate.usernameEnc,
        credentials_enc: null,
        login_type: candidate.loginType,
        is_scheduled_refresh: 0,
        last_refresh_at: null,
        last_refresh_error: null,
        snapshot_id: null,
        created_at: candidate.createdAt.getTime(),
        live_request_id: null,
        refresh_state: null,
        refresh_attempted_at: null,
        nightly_night: null,
        mfa_answers_enc: null,
        selected_account_ids: null,
      })
      .onConflict((oc) => oc.column("lookup_hash").doNothing())
      .returningAll()
      .executeTakeFirst();
    // Another login of the same identity created the card first: that card it is.
    const row =
      inserted ??
      (await this.db.selectFrom("logins").selectAll().where("lookup_hash", "=", candidate.lookupHash).executeTakeFirstOrThrow());
    return loginFromRow(row);
  }

  async findByLookupHash(lookupHash: string): Promise<Login | undefined> {
    const row = await this.db.selectFrom("logins").selectAll().where("lookup_hash", "=", lookupHash).executeTakeFirst();
    return row && loginFromRow(row);
  }

  async find(customerId: string, loginId: string): Promise<Login | undefined> {
    const row = await byId.first(this.db, [loginId, customerId]);
    return row && loginFromRow(row);
  }

  async findWithActiveJob(
    customerId: string,
    loginId: string,
    singletonKey: string,
  ): Promise<{ login: Login; jobActive: boolean } | undefined> {
    const row = await withActiveJob.first(this.db, [loginId, customerId, singletonKey]);
    // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
    return row && { login: loginFromRow(row), jobActive: Boolean(row.job_active) };
  }

  async claimLive(loginId: string, requestId: string, observedHolder: string | null): Promise<boolean> {
    const changed =
      observedHolder === null
        ? await claimFree.changes(this.db, [requestId, loginId])
        : await claimFrom.changes(this.db, [requestId, loginId, observedHolder]);
    return changed === 1;
  }

  async saveCredentials(loginId: string, credentialsEnc: string): Promise<void> {
    await this.db.updateTable("logins").set({ credentials_enc: credentialsEnc }).where("id", "=", loginId).execute();
  }

  async recordRefresh(loginId: string, refresh: { snapshotId: string; at: Date; loginType: Login["loginType"] }): Promise<void> {
    await recordRefreshRow.changes(this.db, [refresh.snapshotId, refresh.at.getTime(), refresh.loginType, loginId]);
  }

  async saveSelectedAccounts(loginId: string, accountIds: string[] | null): Promise<void> {
    await this.db
      .updateTable("logins")
      .set({ selected_account_ids: accountIds === null ? null : JSON.stringify(accountIds) })
      .where("id", "=", loginId)
      .execute();
  }

  async recordRefreshError(loginId: string, code: ErrorCode): Promise<void> {
    await this.db.updateTable("logins").set({ last_refresh_error: code }).where("id", "=", loginId).execute();
  }

  async recordRefreshState(loginId: string, state: { at: Date; state: RefreshState; errorCode: ErrorCode | null }): Promise<void> {
    await recordRefreshStateRow.changes(this.db, [state.state, state.at.getTime(), state.errorCode, loginId]);
  }

  async setScheduledRefresh(customerId: string, loginId: string, activated: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable("logins")
      .set({ is_scheduled_refresh: activated ? 1 : 0 })
      .where("id", "=", loginId)
      .where("customer_id", "=", customerId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async claimNight(loginId: string, night: string): Promise<boolean> {
    return (await claimNightRow.changes(this.db, [night, loginId])) === 1;
  }

  async findNightlyCandidates(night: string, afterId: string, limit: number): Promise<Login[]> {
    const rows = await this.db
      .selectFrom("logins")
      .selectAll()
      .where("is_scheduled_refresh", "=", 1)
      .where("credentials_enc", "is not", null)
      .where((eb) => eb.or([eb("nightly_night", "is", null), eb("nightly_night", "<>", night)]))
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(loginFromRow);
  }

  async listByCustomer(customerId: string, limit: number): Promise<Login[]> {
    const rows = await this.db
      .selectFrom("logins")
      .selectAll()
      .where("customer_id", "=", customerId)
      .orderBy("created_at", "desc")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(loginFromRow);
  }

  async findScheduled(customerId: string): Promise<Login[]> {
    const rows = await this.db
      .selectFrom("logins")
      .selectAll()
      .where("customer_id", "=", customerId)
      .where("is_scheduled_refresh", "=", 1)
      .orderBy("id")
      .execute();
    return rows.map(loginFromRow);
  }

  async saveMfaAnswers(loginId: string, answersEnc: string): Promise<void> {
    await this.db.updateTable("logins").set({ mfa_answers_enc: answersEnc }).where("id", "=", loginId).execute();
  }

  async insertSnapshot(
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

  async insertSnapshotIncrement(
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
    const baseSnapshot = await this.findSnapshot(base.id);
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
    await insertSnapshotRow.changes(
      this.db,
      SNAPSHOT_COLUMNS.map((column) => row[column]),
    );
  }

  async findSnapshot(snapshotId: string): Promise<Snapshot | undefined> {
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

  async deleteSupersededSnapshots(supersededBefore: Date, now: Date, limit: number): Promise<number> {
    const cutoff = supersededBefore.getTime();
    const nowMs = now.getTime();
    const rows = await this.db
      .selectFrom("snapshots as s")
      .select("s.id")
      .where(({ and, not, exists, selectFrom }) =>
        and([
          exists(
            selectFrom("snapshots as n")
              .select("n.id")
              .whereRef("n.login_id", "=", "s.login_id")
              .whereRef("n.created_at", ">", "s.created_at")
              .where("n.created_at", "<", cutoff),
          ),
          not(exists(selectFrom("logins as l").select("l.id").whereRef("l.id", "=", "s.login_id").whereRef("l.snapshot_id", "=", "s.id"))),
          not(exists(selectFrom("snapshots as d").select("d.id").whereRef("d.base_id", "=", "s.id"))),
          // Through the card's sessions (indexed by login_id): sessions have no snapshot index.
          not(
            exists(
              selectFrom("sessions as x")
                .select("x.request_id")
                .whereRef("x.login_id", "=", "s.login_id")
                .whereRef("x.snapshot_id", "=", "s.id")
                .where("x.expires_at", ">", nowMs),
            ),
          ),
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
      .where(({ and, not, exists, selectFrom }) =>
        and([
          not(exists(selectFrom("logins").select("logins.id").whereRef("logins.snapshot_id", "=", "snapshots.id"))),
          not(exists(selectFrom("snapshots as d").select("d.id").whereRef("d.base_id", "=", "snapshots.id"))),
          not(
            exists(
              selectFrom("sessions")
                .select("sessions.request_id")
                .whereRef("sessions.login_id", "=", "snapshots.login_id")
                .whereRef("sessions.snapshot_id", "=", "snapshots.id")
                .where("sessions.expires_at", ">", nowMs),
            ),
          ),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async holdForWrite(customerId: string, loginId: string): Promise<Login | undefined> {
    const held = await holdRow.first(this.db, [loginId, customerId]);
    return held && loginFromRow(held);
  }

  async delete(customerId: string, loginId: string): Promise<{ eventIds: string[] } | null> {
    const card = await this.db
      .deleteFrom("logins")
      .where("id", "=", loginId)
      .where("customer_id", "=", customerId)
      .returning("lookup_hash")
      .executeTakeFirst();
    if (!card) return null;
    await this.db.deleteFrom("card_vault").where("lookup_hash", "=", card.lookup_hash).execute();
    return { eventIds: await this.purgeReferences(loginId) };
  }

  async purgeReferences(loginId: string): Promise<string[]> {
    const sessionIds = this.db.selectFrom("sessions").select("request_id").where("login_id", "=", loginId);
    await this.db.deleteFrom("authorize_tokens").where("request_id", "in", sessionIds).execute();
    await this.db.deleteFrom("sessions").where("login_id", "=", loginId).execute();
    await this.db.deleteFrom("snapshots").where("login_id", "=", loginId).execute();
    // Webhook bodies carry the card's data: they go too, sent or not. Events first (a delivery
    // holding one is waited for), then the attempts of exactly those events.
    const events = await this.db.deleteFrom("webhook_events").where("login_id", "=", loginId).returning("id").execute();
    const eventIds = events.map((event) => event.id);
    if (eventIds.length > 0) await this.db.deleteFrom("webhook_attempts").where("event_id", "in", eventIds).execute();
    return eventIds;
  }
}

/** Every column of a card row: a read that joins the card to another row selects them under a prefix. */
export const LOGIN_COLUMNS = [
  "id",
  "customer_id",
  "lookup_hash",
  "institution",
  "language",
  "username_enc",
  "credentials_enc",
  "login_type",
  "is_scheduled_refresh",
  "last_refresh_at",
  "last_refresh_error",
  "snapshot_id",
  "created_at",
  "live_request_id",
  "selected_account_ids",
  "refresh_state",
  "refresh_attempted_at",
  "nightly_night",
  "mfa_answers_enc",
] as const satisfies readonly (keyof LoginRow)[];

export function loginFromRow(r: Selectable<LoginRow>): Login {
  return {
    id: r.id,
    customerId: r.customer_id,
    lookupHash: r.lookup_hash,
    institution: r.institution,
    language: r.language as Login["language"],
    usernameEnc: r.username_enc,
    credentialsEnc: r.credentials_enc,
    loginType: r.login_type as Login["loginType"],
    isScheduledRefresh: r.is_scheduled_refresh === 1,
    lastRefreshAt: r.last_refresh_at === null ? null : new Date(r.last_refresh_at),
    lastRefreshError: r.last_refresh_error as ErrorCode | null,
    snapshotId: r.snapshot_id,
    liveRequestId: r.live_request_id,
    selectedAccountIds: r.selected_account_ids === null ? null : (JSON.parse(r.selected_account_ids) as string[]),
    createdAt: new Date(r.created_at),
    refreshState: r.refresh_state as RefreshState | null,
    refreshAttemptedAt: r.refresh_attempted_at === null ? null : new Date(r.refresh_attempted_at),
    nightlyNight: r.nightly_night,
    mfaAnswersEnc: r.mfa_answers_enc,
  };
}
