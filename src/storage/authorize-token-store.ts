import type { Kysely } from "kysely";
import { GroupedWriter } from "./grouped-writer.js";
import { PrecompiledInsert, PrecompiledQuery } from "./precompiled-query.js";
import type { AuthorizeTokenRow, Database } from "./schema.js";

/** One consume waiting for its group's commit: token hash, customer, RequestId, now (ms). */
type Consume = [tokenHash: string, customerId: string, requestId: string, nowMs: number];

/** Authorize tokens, stored as hashes: single use, bound to the session they open. */
export interface AuthorizeTokenStore {
  insert(tokenHash: string, customerId: string, expiresAt: Date): Promise<void>;
  /**
   * Binds an unused, unexpired token to the session it opens. One atomic update: of two
   * requests racing with the same token, exactly one wins.
   */
  consume(tokenHash: string, customerId: string, requestId: string, now: Date): Promise<boolean>;
  /** True when the token opened this very session and has not expired (MFA rounds reuse it). */
  isBoundTo(tokenHash: string, customerId: string, requestId: string, now: Date): Promise<boolean>;
  /** The session an unexpired token of this customer is bound to: null while unused, undefined for no such token. */
  boundRequestId(tokenHash: string, customerId: string, now: Date): Promise<string | null | undefined>;
  /**
   * Turns a token bound to `requestId` into a new, unused token with the same expiry: one
   * atomic update of the row's key, so the old token dies in the same write and two racing
   * renewals cannot both succeed. The lifetime never grows.
   */
  renew(tokenHash: string, customerId: string, requestId: string, newTokenHash: string, now: Date): Promise<boolean>;
  /** Retention: deletes up to `limit` tokens, used or not, that expired before `expiredBefore`; returns how many. */
  deleteExpired(expiredBefore: Date, limit: number): Promise<number>;
}

const insertRows = new PrecompiledInsert<AuthorizeTokenRow>("authorize_tokens");
/** Arguments: a Consume. */
const consumeToken = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("authorize_tokens")
    .set({ request_id: slot(2) })
    .where("token_hash", "=", slot(0))
    .where("customer_id", "=", slot(1))
    .where("request_id", "is", null)
    .where("expires_at", ">", slot(3) as unknown as number),
);
/** The read of every token-bearing /Authorize step. Arguments: token hash, customer, now (ms). */
const boundTo = new PrecompiledQuery<{ request_id: string | null }>((db, slot) =>
  db
    .selectFrom("authorize_tokens")
    .select("request_id")
    .where("token_hash", "=", slot(0))
    .where("customer_id", "=", slot(1))
    .where("expires_at", ">", slot(2) as unknown as number),
);

/** AuthorizeTokenStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyAuthorizeTokenStore implements AuthorizeTokenStore {
  /**
   * Outside a transaction, the inserts and the consumes of one event-loop turn share one
   * commit each (group commit, as session inserts do): every /GenerateAuthorizeToken and
   * every token-bearing /Authorize wrote its own commit. Each caller still hears back only
   * after the commit that holds its write; consumes run one by one inside their
   * transaction, so of two with the same token exactly one changes the row.
   */
  readonly #groupedInserts: GroupedWriter<AuthorizeTokenRow> | null;
  readonly #groupedConsumes: GroupedWriter<Consume, boolean> | null;

  constructor(
    private readonly db: Kysely<Database>,
    options: { groupWrites: boolean } = { groupWrites: false },
  ) {
    this.#groupedInserts = options.groupWrites ? new GroupedWriter((rows) => insertRows.run(db, rows)) : null;
    this.#groupedConsumes = options.groupWrites
      ? new GroupedWriter((consumes) =>
          db.transaction().execute(async (trx) => {
            const won: boolean[] = [];
            for (const consume of consumes) won.push((await consumeToken.changes(trx, consume)) === 1);
            return won;
          }),
        )
      : null;
  }

  async insert(tokenHash: string, customerId: string, expiresAt: Date): Promise<void> {
    const row: AuthorizeTokenRow = { token_hash: tokenHash, customer_id: customerId, expires_at: expiresAt.getTime(), request_id: null };
    if (this.#groupedInserts) return this.#groupedInserts.write(row);
    await insertRows.run(this.db, [row]);
  }

  async consume(tokenHash: string, customerId: string, requestId: string, now: Date): Promise<boolean> {
    const consume: Consume = [tokenHash, customerId, requestId, now.getTime()];
    if (this.#groupedConsumes) return this.#groupedConsumes.write(consume);
    return (await consumeToken.changes(this.db, consume)) === 1;
  }

  async isBoundTo(tokenHash: string, customerId: string, requestId: string, now: Date): Promise<boolean> {
    return (await this.boundRequestId(tokenHash, customerId, now)) === requestId;
  }

  async boundRequestId(tokenHash: string, customerId: string, now: Date): Promise<string | null | undefined> {
    const row = await boundTo.first(this.db, [tokenHash, customerId, now.getTime()]);
    return row?.request_id;
  }

  async renew(tokenHash: string, customerId: string, requestId: string, newTokenHash: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable("authorize_tokens")
      .set({ token_hash: newTokenHash, request_id: null })
      .where("token_hash", "=", tokenHash)
      .where("customer_id", "=", customerId)
      .where("request_id", "=", requestId)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async deleteExpired(expiredBefore: Date, limit: number): Promise<number> {
    const cutoff = expiredBefore.getTime();
    const rows = await this.db.selectFrom("authorize_tokens").select("token_hash").where("expires_at", "<", cutoff).limit(limit).execute();
    if (rows.length === 0) return 0;
    const result = await this.db
      .deleteFrom("authorize_tokens")
      .where(
        "token_hash",
        "in",
        rows.map((r) => r.token_hash),
      )
      .where("expires_at", "<", cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
