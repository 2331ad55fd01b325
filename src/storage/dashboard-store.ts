import type { Kysely, Selectable } from "kysely";
import type { Database, SessionEventRow } from "./schema.js";

/** A signed-in dashboard viewer, by the hash of its cookie's token. */
export interface DashboardSession {
  tokenHash: string;
  customerId: string;
  createdAt: Date;
  expiresAt: Date;
}

/** One recorded step of a session (written by the store's own triggers, migration 013). */
export interface SessionEvent {
  at: Date;
  state: string;
  errorCode: string | null;
  /** The stored challenges of a 203 (prompts and choices, never answers), as JSON. */
  challengesJson: string | null;
}

/** The dashboard's sign-in sessions and the sessions' timelines. */
export interface DashboardStore {
  insertSession(session: DashboardSession): Promise<void>;
  /** The session with this token hash, expired or not (the caller decides). */
  findSession(tokenHash: string): Promise<DashboardSession | undefined>;
  /** Slides the idle expiry; a later write wins, which is what activity means. */
  touchSession(tokenHash: string, expiresAt: Date): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes up to `limit` sessions expired before `now`; returns how many. */
  deleteExpiredSessions(now: Date, limit: number): Promise<number>;
  /** The customer's session's recorded steps, oldest first (none for other customers' RequestIds). */
  sessionEvents(customerId: string, requestId: string): Promise<SessionEvent[]>;
}

/** DashboardStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyDashboardStore implements DashboardStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insertSession(session: DashboardSession): Promise<void> {
    await this.db
      .insertInto("dashboard_sessions")
      .values({
        token_hash: session.tokenHash,
        customer_id: session.customerId,
        created_at: session.createdAt.getTime(),
        expires_at: session.expiresAt.getTime(),
      })
      .execute();
  }

  async findSession(tokenHash: string): Promise<DashboardSession | undefined> {
    const row = await this.db.selectFrom("dashboard_sessions").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
    return (
      row && {
        tokenHash: row.token_hash,
        customerId: row.customer_id,
        createdAt: new Date(Number(row.created_at)),
        expiresAt: new Date(Number(row.expires_at)),
      }
    );
  }

  async touchSession(tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.updateTable("dashboard_sessions").set({ expires_at: expiresAt.getTime() }).where("token_hash", "=", tokenHash).execute();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom("dashboard_sessions").where("token_hash", "=", tokenHash).execute();
  }

  async deleteExpiredSessions(now: Date, limit: number): Promise<number> {
    const expired = await this.db
      .selectFrom("dashboard_sessions")
      .select("token_hash")
      .where("expires_at", "<=", now.getTime())
      .limit(limit)
      .execute();
    if (expired.length === 0) return 0;
    const hashes = expired.map((row) => row.token_hash);
    const result = await this.db
      .deleteFrom("dashboard_sessions")
      .where("token_hash", "in", hashes)
      .where("expires_at", "<=", now.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async sessionEvents(customerId: string, requestId: string): Promise<SessionEvent[]> {
    const rows = await this.db
      .selectFrom("session_events")
      .selectAll()
      .where("request_id", "=", requestId)
      .where("customer_id", "=", customerId)
      .orderBy("id")
      .limit(MAX_EVENTS)
      .execute();
    return rows.map(eventOf);
  }
}

/** A session has a handful of steps (MFA attempts are bounded); this only bounds the read. */
const MAX_EVENTS = 200;

function eventOf(row: Selectable<SessionEventRow>): SessionEvent {
  return { at: new Date(Number(row.at)), state: row.state, errorCode: row.error_code, challengesJson: row.challenges };
}
