import { type Kysely, type Selectable, sql } from "kysely";
import type { Challenge } from "../connectors/types.js";
import type { ErrorCode } from "../errors/catalog.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import { isSqlite } from "./dialect.js";
import { GroupedWriter } from "./grouped-writer.js";
import { activeJobHolding } from "./job-store.js";
import { LOGIN_COLUMNS, loginFromRow } from "./login-store.js";
import {
  everyColumnBut,
  PrecompiledInsert,
  PrecompiledPerCount,
  PrecompiledQuery,
  PrecompiledSwap,
  slotList,
} from "./precompiled-query.js";
import type { Database, LoginRow, SessionRow } from "./schema.js";
import { UnchangedReads } from "./unchanged-reads.js";

/** Authorize-flow sessions. Every bit of flow state lives here, never in process memory. */
export interface SessionStore {
  /**
   * Inserts a new session and resolves true once it is committed; fails if the RequestId
   * exists. Resolves false, writing nothing, when the session names a card that no longer
   * exists: a DeleteCard committed first (docs/decisions.md#cards-and-loginids).
   */
  insert(session: Session): Promise<boolean>;
  /**
   * Opens a session on the customer's saved card, the card read in the insert's own
   * transaction: outside a transaction, the openings of one event-loop turn share that read
   * as they share the commit, one read of a card per group instead of one per session (a
   * quarter of what a cached /Authorize cost: docs/performance.md). Resolves, once committed,
   * with the session stored and the card it was built from; with undefined, writing nothing,
   * when the customer has no such card. Rejects with what `opening.open` threw, storing
   * nothing for it.
   */
  insertOnCard(opening: CardOpening): Promise<OpenedOnCard | undefined>;
  /** The customer's session, or undefined for unknown ids and other customers' ids alike. */
  find(customerId: string, requestId: string): Promise<Session | undefined>;
  /**
   * `find`, with the customer's card the session names (undefined when it names none, or it is
   * gone) and whether a job keyed `cardJobKeyPrefix` + the card's id is queued or running: one
   * read, so the three agree (a job that ended before it has left its result on the card).
   */
  findWithCard(customerId: string, requestId: string, cardJobKeyPrefix: string): Promise<SessionWithCard | undefined>;
  /** The customer's latest sessions, newest first (the sandbox control plane's list). */
  listRecent(customerId: string, limit: number): Promise<Session[]>;
  /**
   * Compare-and-swap: writes `next` (with version expectedVersion + 1) only if the stored
   * version is still `expectedVersion`. Returns false when another writer got there first.
   */
  replace(next: Session, expectedVersion: number): Promise<boolean>;
  /** The card's authorized live sessions still waiting for their data, oldest first. */
  findAwaitingAggregation(customerId: string, loginId: string): Promise<Session[]>;
  /**
   * Records activity without a version bump: a touch never conflicts with a step, and a step
   * that lands after it writes an expiry at least as late.
   */
  touch(requestId: string, lastActivityAt: Date, expiresAt: Date): Promise<void>;
  /**
   * Ends the leases these (dead) processes hold: `leaseUntil` becomes null, without a version
   * bump, so the next caller recovers each session as from a lapsed lease (an answer back to
   * its challenge, a login to RETRY_LATER). Returns how many sessions were released.
   */
  releaseLeasesOf(holderIds: readonly string[]): Promise<number>;
  /**
   * Retention: deletes up to `limit` sessions that expired before `expiredBefore` (their
   * RequestIds then answer SESSION_NONEXISTENT); returns how many. Candidates are read first
   * and deleted by key with the condition checked again, so the write is short.
   */
  deleteExpired(expiredBefore: Date, limit: number): Promise<number>;
  /** Removes one session (one opened on a card deleted meanwhile must not outlive it). */
  delete(customerId: string, requestId: string): Promise<void>;
}

/** A card as a session opening reads it: with whether a job keyed with the opening's prefix and its id is queued or running. */
export interface CardWithJob {
  login: Login;
  jobActive: boolean;
}

/** A session to open on a saved card (SessionStore.insertOnCard). */
export interface CardOpening {
  customerId: string;
  loginId: string;
  /** The job whose run `jobActive` tells: the key is this prefix and the card's id. */
  cardJobKeyPrefix: string;
  /** The session to store, built from the card as the insert's transaction read it; a throw stores nothing. */
  open(card: CardWithJob): Session;
}

export interface OpenedOnCard {
  session: Session;
  card: CardWithJob;
}

export interface SessionWithCard {
  session: Session;
  card: Login | undefined;
  cardJobActive: boolean;
}

/** The session read of every authorize step. */
const byId = new PrecompiledQuery<Selectable<SessionRow>>((db, slot) =>
  db.selectFrom("sessions").selectAll().where("request_id", "=", slot(0)).where("customer_id", "=", slot(1)),
);
const insertRows = new PrecompiledInsert<SessionRow>("sessions");
/** The read of every data call: the session, its card and whether the card's job runs. */
const withCard = new PrecompiledQuery((db, slot) =>
  db
    .selectFrom("sessions")
    .leftJoin("logins", (join) =>
      join.onRef("logins.id", "=", "sessions.login_id").onRef("logins.customer_id", "=", "sessions.customer_id"),
    )
    .selectAll("sessions")
    .select(LOGIN_COLUMNS.map((column) => sql.ref(`logins.${column}`).as(`card_${column}`)))
    .select((eb) => eb.exists(activeJobHolding(db, sql<string>`cast(${slot(2)} as text) || ${sql.ref("logins.id")}`)).as("card_job_active"))
    .where("sessions.request_id", "=", slot(0))
    .where("sessions.customer_id", "=", slot(1)),
) as PrecompiledQuery<Selectable<SessionRow> & Record<`card_${string}`, unknown>>;
/**
 * Which of these cards exist (a nightly group names a card per session). On PostgreSQL this
 * read and the next lock the cards' keys until the commit: a DeleteCard's delete waits for a
 * session insert (and its purge then finds the session), or the read waits for the delete (and
 * finds no card). SQLite runs one write transaction at a time: nothing to lock.
 */
const existingCards = new PrecompiledPerCount<{ id: string }>((db, slot, count) => {
  const read = db
    .selectFrom("logins")
    .select("id")
    .where("id", "in", slotList(slot, 0, count));
  return isSqlite(db) ? read : read.forKeyShare();
});
/**
 * The cards sessions open on (a group of cached /Authorize sessions mostly names one), each
 * with whether a job keyed with the prefix (the first argument) and its id is queued or running.
 */
const cardsWithJob = new PrecompiledPerCount<Selectable<LoginRow> & { job_active: number | boolean }>((db, slot, count) => {
  const read = db
    .selectFrom("logins")
    .selectAll("logins")
    .select((eb) => eb.exists(activeJobHolding(db, sql<string>`cast(${slot(0)} as text) || ${sql.ref("logins.id")}`)).as("job_active"))
    .where("logins.id", "in", slotList(slot, 1, count));
  return isSqlite(db) ? read : read.forKeyShare();
});

/** What a group commit writes: a session whose card must still exist, or one opened on a card it reads. */
type GroupedInsert = { row: SessionRow } | { opening: CardOpening };
/** Per grouped insert: whether the row was stored; the opened session, none (no such card), or what its `open` threw. */
type GroupedResult = boolean | OpenedOnCard | undefined | { refused: unknown };
/** A session's step may change every column but its key, its customer and its creation time. */
const swapSession = new PrecompiledSwap<SessionRow>(
  "sessions",
  "request_id",
  everyColumnBut<SessionRow, "request_id" | "customer_id" | "created_at">()([
    "login_id",
    "institution",
    "mode",
    "state",
    "language",
    "save",
    "tag",
    "schedule_refresh",
    "challenges",
    "connector_state_enc",
    "credentials_enc",
    "attempts_left",
    "error_code",
    "snapshot_id",
    "authorize_token_hash",
    "version",
    "lease_until",
    "lease_holder",
    "last_activity_at",
    "expires_at",
    "absolute_expires_at",
  ]),
);
const awaitingAggregation = new PrecompiledQuery<Selectable<SessionRow>>((db, slot) =>
  db
    .selectFrom("sessions")
    .selectAll()
    .where("customer_id", "=", slot(0))
    .where("login_id", "=", slot(1))
    .where("state", "=", "authorized")
    .where("snapshot_id", "is", null)
    .where("connector_state_enc", "is not", null)
    .orderBy("created_at"),
);

/** Sessions whose data-call read is remembered (a session and its card: a few KB each). */
const WITH_CARD_READS_KEPT = 1024;

/** SessionStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselySessionStore implements SessionStore {
  /** Outside a transaction, the inserts of one event-loop turn share one transaction and commit. */
  readonly #inserts: GroupedWriter<GroupedInsert, GroupedResult> | null;
  /**
   * Outside a transaction, a data call's read answered again while the store is unchanged:
   * about a fifth of a data call's CPU in a busy server (docs/performance.md).
   */
  readonly #withCardReads: UnchangedReads<SessionWithCard | undefined> | null;

  constructor(
    private readonly db: Kysely<Database>,
    options: { inTransaction: boolean } = { inTransaction: false },
  ) {
    this.#inserts = options.inTransaction
      ? null
      : new GroupedWriter((inserts) => db.transaction().execute((trx) => this.#insertGroup(trx, inserts)));
    this.#withCardReads = options.inTransaction ? null : new UnchangedReads(WITH_CARD_READS_KEPT);
  }

  async insert(session: Session): Promise<boolean> {
    return (await this.#write({ row: toRow(session) })) === true;
  }

  async insertOnCard(opening: CardOpening): Promise<OpenedOnCard | undefined> {
    const result = await this.#write({ opening });
    if (typeof result === "object" && "refused" in result) throw result.refused;
    return result === undefined || typeof result === "boolean" ? undefined : result;
  }

  async #write(insert: GroupedInsert): Promise<GroupedResult> {
    if (this.#inserts) return this.#inserts.write(insert);
    const [result] = await this.#insertGroup(this.db, [insert]);
    return result;
  }

  /**
   * Stores, in `db`'s transaction, the sessions whose card still exists (or that name none) and
   * those opened on the cards read here; one result per insert. The cards are read in the
   * insert's own transaction rather than before it or after its commit: one read for the
   * group's cards instead of one per session, and a session never opens on a deleted card.
   */
  async #insertGroup(db: Kysely<Database>, inserts: readonly GroupedInsert[]): Promise<GroupedResult[]> {
    const namedIds = unique(inserts.flatMap((insert) => ("row" in insert && insert.row.login_id !== null ? [insert.row.login_id] : [])));
    const found = namedIds.length === 0 ? [] : await existingCards.of(namedIds.length).rows(db, namedIds);
    const liveCards = new Set(found.map((card) => card.id));
    const openedCards = await readCardsWithJob(
      db,
      inserts.flatMap((insert) => ("opening" in insert ? [insert.opening] : [])),
    );
    const rows: SessionRow[] = [];
    const results = inserts.map((insert): GroupedResult => {
      if ("row" in insert) {
        const live = insert.row.login_id === null || liveCards.has(insert.row.login_id);
        if (live) rows.push(insert.row);
        return live;
      }
      const { opening } = insert;
      const card = openedCards.get(cardKey(opening.cardJobKeyPrefix, opening.loginId));
      if (!card || card.login.customerId !== opening.customerId) return undefined;
      try {
        const session = opening.open(card);
        rows.push(toRow(session));
        return { session, card };
      } catch (error) {
        return { refused: error };
      }
    });
    await insertRows.run(db, rows);
    return results;
  }

  async find(customerId: string, requestId: string): Promise<Session | undefined> {
    const row = await byId.first(this.db, [requestId, customerId]);
    return row && fromRow(row);
  }

  async findWithCard(customerId: string, requestId: string, cardJobKeyPrefix: string): Promise<SessionWithCard | undefined> {
    const read = () => this.#readWithCard(customerId, requestId, cardJobKeyPrefix);
    return this.#withCardReads ? this.#withCardReads.read(this.db, `${customerId} ${requestId} ${cardJobKeyPrefix}`, read) : read();
  }

  async #readWithCard(customerId: string, requestId: string, cardJobKeyPrefix: string): Promise<SessionWithCard | undefined> {
    const row = await withCard.first(this.db, [requestId, customerId, cardJobKeyPrefix]);
    if (!row) return undefined;
    // Frozen: #withCardReads hands the same objects to later callers.
    const session = Object.freeze(fromRow(row));
    if (row.card_id === null) return { session, card: undefined, cardJobActive: false };
    const card = Object.fromEntries(LOGIN_COLUMNS.map((column) => [column, row[`card_${column}`]])) as Selectable<LoginRow>;
    // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
    return { session, card: Object.freeze(loginFromRow(card)), cardJobActive: Boolean(row.card_job_active) };
  }

  async listRecent(customerId: string, limit: number): Promise<Session[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("customer_id", "=", customerId)
      .orderBy("created_at", "desc")
      .orderBy("request_id")
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async replace(next: Session, expectedVersion: number): Promise<boolean> {
    return swapSession.replace(this.db, toRow(next), expectedVersion);
  }

  async findAwaitingAggregation(customerId: string, loginId: string): Promise<Session[]> {
    return (await awaitingAggregation.rows(this.db, [customerId, loginId])).map(fromRow);
  }

  async delete(customerId: string, requestId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("request_id", "=", requestId).where("customer_id", "=", customerId).execute();
  }

  async touch(requestId: string, lastActivityAt: Date, expiresAt: Date): Promise<void> {
    await this.db
      .updateTable("sessions")
      .set({ last_activity_at: lastActivityAt.getTime(), expires_at: expiresAt.getTime() })
      .where("request_id", "=", requestId)
      .where("expires_at", "<", expiresAt.getTime())
      .execute();
  }

  async releaseLeasesOf(holderIds: readonly string[]): Promise<number> {
    if (holderIds.length === 0) return 0;
    const result = await this.db
      .updateTable("sessions")
      .set({ lease_until: null })
      .where("lease_holder", "in", holderIds)
      .where("lease_until", "is not", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async deleteExpired(expiredBefore: Date, limit: number): Promise<number> {
    const cutoff = expiredBefore.getTime();
    const ids = await this.db.selectFrom("sessions").select("request_id").where("expires_at", "<", cutoff).limit(limit).execute();
    if (ids.length === 0) return 0;
    const result = await this.db
      .deleteFrom("sessions")
      .where(
        "request_id",
        "in",
        ids.map((r) => r.request_id),
      )
      .where("expires_at", "<", cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRow(s: Session): SessionRow {
  return {
    request_id: s.requestId,
    customer_id: s.customerId,
    login_id: s.loginId,
    institution: s.institution,
    mode: s.mode,
    state: s.state,
    language: s.language,
    save: s.save ? 1 : 0,
    tag: s.tag,
    schedule_refresh: s.scheduleRefresh ? 1 : 0,
    challenges: s.challenges && JSON.stringify(s.challenges),
    connector_state_enc: s.connectorStateEnc,
    credentials_enc: s.credentialsEnc,
    attempts_left: s.attemptsLeft,
    error_code: s.errorCode,
    snapshot_id: s.snapshotId,
    authorize_token_hash: s.authorizeTokenHash,
    version: s.version,
    lease_until: s.leaseUntil?.getTime() ?? null,
    lease_holder: s.leaseHolder,
    created_at: s.createdAt.getTime(),
    last_activity_at: s.lastActivityAt.getTime(),
    expires_at: s.expiresAt.getTime(),
    absolute_expires_at: s.absoluteExpiresAt.getTime(),
  };
}

function fromRow(r: Selectable<SessionRow>): Session {
  return {
    requestId: r.request_id,
    customerId: r.customer_id,
    loginId: r.login_id,
    institution: r.institution,
    mode: r.mode as Session["mode"],
    state: r.state as Session["state"],
    language: r.language as Session["language"],
    save: r.save === 1,
    tag: r.tag,
    scheduleRefresh: r.schedule_refresh === 1,
    challenges: r.challenges === null ? null : (JSON.parse(r.challenges) as Challenge[]),
    connectorStateEnc: r.connector_state_enc,
    credentialsEnc: r.credentials_enc,
    attemptsLeft: r.attempts_left,
    errorCode: r.error_code as ErrorCode | null,
    snapshotId: r.snapshot_id,
    authorizeTokenHash: r.authorize_token_hash,
    version: r.version,
    leaseUntil: r.lease_until === null ? null : new Date(r.lease_until),
    leaseHolder: r.lease_holder,
    createdAt: new Date(r.created_at),
    lastActivityAt: new Date(r.last_activity_at),
    expiresAt: new Date(r.expires_at),
    absoluteExpiresAt: new Date(r.absolute_expires_at),
  };
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function cardKey(jobKeyPrefix: string, loginId: string): string {
  return `${jobKeyPrefix}\n${loginId}`;
}

/** The cards these openings name, one read per job key prefix (every opening today passes the same one). */
async function readCardsWithJob(db: Kysely<Database>, openings: readonly CardOpening[]): Promise<Map<string, CardWithJob>> {
  const cards = new Map<string, CardWithJob>();
  for (const prefix of unique(openings.map((opening) => opening.cardJobKeyPrefix))) {
    const ids = unique(openings.filter((opening) => opening.cardJobKeyPrefix === prefix).map((opening) => opening.loginId));
    for (const row of await cardsWithJob.of(ids.length).rows(db, [prefix, ...ids])) {
      // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
      cards.set(cardKey(prefix, row.id), { login: loginFromRow(row), jobActive: Boolean(row.job_active) });
    }
  }
  return cards;
}
