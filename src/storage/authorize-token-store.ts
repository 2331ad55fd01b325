import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

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

/** AuthorizeTokenStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyAuthorizeTokenStore implements AuthorizeTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(tokenHash: string, customerId: string, expiresAt: Date): Promise<void> {
    await this.db
      .insertInto("authorize_tokens")
      .values({ token_hash: tokenHash, customer_id: customerId, expires_at: expiresAt.getTime(), request_id: null })
      .execute();
  }

  async consume(tokenHash: string, customerId: string, requestId: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable("authorize_tokens")
      .set({ request_id: requestId })
      .where("token_hash", "=", tokenHash)
      .where("customer_id", "=", customerId)
      .where("request_id", "is", null)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async isBoundTo(tokenHash: string, customerId: string, requestId: string, now: Date): Promise<boolean> {
    const row = await this.db
      .selectFrom("authorize_tokens")
      .select("token_hash")
      .where("token_hash", "=", tokenHash)
      .where("customer_id", "=", customerId)
      .where("request_id", "=", requestId)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
    return row !== undefined;
  }

  async boundRequestId(tokenHash: string, customerId: string, now: Date): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom("authorize_tokens")
      .select("request_id")
      .where("token_hash", "=", tokenHash)
      .where("customer_id", "=", customerId)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
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
