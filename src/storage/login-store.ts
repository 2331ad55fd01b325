import type { Kysely, Selectable } from "kysely";
import type { ErrorCode } from "../errors/catalog.js";
import type { Login, RefreshState } from "../records/login.js";
import { isSqlite } from "./dialect.js";
import { PrecompiledQuery } from "./precompiled-query.js";
import type { Database, LoginRow } from "./schema.js";

/**
 * What a new card is created with; the rest of its row starts empty. Its credentials, when
 * given, are sealed for the candidate's id: a card found instead keeps its own.
 */
export type NewLogin = Pick<
  Login,
  "id" | "customerId" | "lookupHash" | "institution" | "language" | "usernameEnc" | "loginType" | "createdAt"
> &
  Partial<Pick<Login, "credentialsEnc">>;

/** Saved cards (their data snapshots: snapshot-store.ts). */
export interface LoginStore {
  /**
   * The card with this identity hash, created from `candidate` if it does not exist yet.
   * Two concurrent first connections of one card end with one row (the unique hash decides).
   */
  findOrCreate(candidate: NewLogin): Promise<Login>;
  findByLookupHash(lookupHash: string): Promise<Login | undefined>;
  /** The customer's card, or undefined for unknown, deleted and other customers' ids alike. */
  find(customerId: string, loginId: string): Promise<Login | undefined>;
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
   * Takes the customer's card for `night` by compare-and-swap and returns it as taken, in one
   * statement: the card once per card and night, whichever process or job asks first (a second
   * run of the same night refreshes nothing: quality bar R6, docs/quality-bars.md); undefined
   * when it was taken that night already, or is gone.
   */
  takeForNight(customerId: string, loginId: string, night: string): Promise<Login | undefined>;
  /** Scheduled cards with saved credentials not yet taken on `night`, by id after `afterId` (keyset pages). */
  findNightlyCandidates(night: string, afterId: string, limit: number): Promise<Login[]>;
  /** The customer's cards with nightly refresh on (GetNightlyRefreshStatus filters them). */
  findScheduled(customerId: string): Promise<Login[]>;
  /** The customer's cards, newest first, at most `limit` (the dashboard's list). */
  listByCustomer(customerId: string, limit: number): Promise<Login[]>;
  saveMfaAnswers(loginId: string, answersEnc: string): Promise<void>;
  /**
   * saveMfaAnswers if the card's customer keeps accepted answers (its setting, read by the
   * write itself: a setting switched off holds from its commit on, at no extra statement).
   */
  saveMfaAnswersIfKept(customerId: string, loginId: string, answersEnc: string): Promise<void>;
  /**
   * Inside a transaction: takes the card's row for the rest of it and returns the card, or
   * undefined once it is deleted. Every transaction that writes about a card calls it first, so
   * a concurrent delete either waits for that transaction and then removes what it wrote, or has
   * already removed the card and the transaction writes nothing (docs/decisions.md#cards-and-loginids).
   */
  holdForWrite(customerId: string, loginId: string): Promise<Login | undefined>;
  /** holdForWrite of many cards in one read (a page of the nightly run): the ids of those still there. */
  holdManyForWrite(cards: readonly { customerId: string; id: string }[]): Promise<Set<string>>;
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

/** Arguments: card, customer. */
const byId = new PrecompiledQuery<Selectable<LoginRow>>((db, slot) =>
  db.selectFrom("logins").selectAll().where("id", "=", slot(0)).where("customer_id", "=", slot(1)),
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
/**
 * A new card, unless one of the same identity (lookup hash) exists: then no row. Arguments:
 * card, customer, lookup hash, institution, language, sealed username, sealed credentials,
 * login type, created at (ms).
 */
const insertUnlessKnown = new PrecompiledQuery<Selectable<LoginRow>>((db, slot) =>
  db
    .insertInto("logins")
    .values({
      id: slot(0),
      customer_id: slot(1),
      lookup_hash: slot(2),
      institution: slot(3),
      language: slot(4),
      username_enc: slot(5),
      credentials_enc: slot(6),
      login_type: slot(7),
      is_scheduled_refresh: 0,
      last_refresh_at: null,
      last_refresh_error: null,
      snapshot_id: null,
      created_at: slot(8) as unknown as number,
      live_request_id: null,
      refresh_state: null,
      refresh_attempted_at: null,
      nightly_night: null,
      mfa_answers_enc: null,
      selected_account_ids: null,
    })
    .onConflict((oc) => oc.column("lookup_hash").doNothing())
    .returningAll(),
);
/** Arguments: lookup hash. */
const byLookupHash = new PrecompiledQuery<Selectable<LoginRow>>((db, slot) =>
  db.selectFrom("logins").selectAll().where("lookup_hash", "=", slot(0)),
);
/** The stored answers' write. Arguments: sealed answers, card. */
function mfaAnswersWrite(db: Kysely<Database>, slot: (i: number) => string) {
  return db
    .updateTable("logins")
    .set({ mfa_answers_enc: slot(0) })
    .where("id", "=", slot(1));
}
const saveMfaAnswersRow = new PrecompiledQuery(mfaAnswersWrite);
/** The same write where the card's customer keeps answers. Arguments: sealed answers, card, customer. */
const saveMfaAnswersIfKeptRow = new PrecompiledQuery((db, slot) =>
  mfaAnswersWrite(db, slot).where((eb) =>
    eb.exists(eb.selectFrom("customers").select("id").where("customers.id", "=", slot(2)).where("customers.store_mfa_answers", "=", 1)),
  ),
);
/** Cards held by one read of holdManyForWrite: well within either store's limit on parameters. */
const HOLD_CHUNK = 500;
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
/** Arguments: night, card, customer. */
const takeNightRow = new PrecompiledQuery<Selectable<LoginRow>>((db, slot) =>
  db
    .updateTable("logins")
    .set({ nightly_night: slot(0) })
    .where("id", "=", slot(1))
    .where("customer_id", "=", slot(2))
    .where((eb) => eb.or([eb("nightly_night", "is", null), eb("nightly_night", "<>", slot(0))]))
    .returningAll(),
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
/** LoginStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyLoginStore implements LoginStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findOrCreate(candidate: NewLogin): Promise<Login> {
    const inserted = await insertUnlessKnown.first(this.db, [
      candidate.id,
      candidate.customerId,
      candidate.lookupHash,
      candidate.institution,
      candidate.language,
      candidate.usernameEnc,
      candidate.credentialsEnc ?? null,
      candidate.loginType,
      candidate.createdAt.getTime(),
    ]);
    // Another login of the same identity created the card first: that card it is.
    const row = inserted ?? (await byLookupHash.first(this.db, [candidate.lookupHash]));
    if (!row) throw new Error("a card's lookup hash conflicted, and no card has it");
    return loginFromRow(row);
  }

  async findByLookupHash(lookupHash: string): Promise<Login | undefined> {
    const row = await byLookupHash.first(this.db, [lookupHash]);
    return row && loginFromRow(row);
  }

  async find(customerId: string, loginId: string): Promise<Login | undefined> {
    const row = await byId.first(this.db, [loginId, customerId]);
    return row && loginFromRow(row);
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

  async takeForNight(customerId: string, loginId: string, night: string): Promise<Login | undefined> {
    const row = await takeNightRow.first(this.db, [night, loginId, customerId]);
    return row && loginFromRow(row);
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
    await saveMfaAnswersRow.changes(this.db, [answersEnc, loginId]);
  }

  async saveMfaAnswersIfKept(customerId: string, loginId: string, answersEnc: string): Promise<void> {
    await saveMfaAnswersIfKeptRow.changes(this.db, [answersEnc, loginId, customerId]);
  }

  async holdForWrite(customerId: string, loginId: string): Promise<Login | undefined> {
    const held = await holdRow.first(this.db, [loginId, customerId]);
    return held && loginFromRow(held);
  }

  async holdManyForWrite(cards: readonly { customerId: string; id: string }[]): Promise<Set<string>> {
    const customerOf = new Map(cards.map((card) => [card.id, card.customerId]));
    const held = new Set<string>();
    const ids = [...customerOf.keys()];
    for (let at = 0; at < ids.length; at += HOLD_CHUNK) {
      const read = this.db
        .selectFrom("logins")
        .select(["id", "customer_id"])
        .where("id", "in", ids.slice(at, at + HOLD_CHUNK));
      for (const row of await (isSqlite(this.db) ? read : read.forNoKeyUpdate()).execute()) {
        if (customerOf.get(row.id) === row.customer_id) held.add(row.id);
      }
    }
    return held;
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
