import { type Kysely, SqliteAdapter, sql } from "kysely";

/**
 * The dashboard (docs/dashboard.md): its sign-in sessions, and every session's timeline.
 *
 * `session_events` is written by triggers on `sessions`, not by the flow code: each insert of a
 * live or nightly session and each change of its state or error code appends one row, in the
 * same statement as the change, so the timeline can never disagree with the session and no
 * flow module had to learn about the dashboard (docs/decisions.md, "Dashboard"). Cached
 * sessions (one row, born authorized) record nothing: the hot path pays no extra write, and
 * their one-step timeline is read from the session itself. The time of an event is the
 * session's `last_activity_at` (the flow's clock, virtual in the sandbox), which every step
 * writes. Deleting a session deletes its events (retention, DeleteCard).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("dashboard_sessions")
    // SHA-256 of the cookie's random token: the store never holds a usable token.
    .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("dashboard_sessions_expires").on("dashboard_sessions").column("expires_at").execute();

  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable("session_events")
    // In insertion order: SQLite's INTEGER PRIMARY KEY is the rowid; PostgreSQL's an identity.
    .addColumn("id", sqlite ? "integer" : sql`bigint generated always as identity`, (c) => c.primaryKey())
    .addColumn("request_id", "varchar(64)", (c) => c.notNull())
    .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("error_code", "varchar(64)")
    // The prompts of a 203 (challenges as stored: prompts and choices, never answers).
    .addColumn("challenges", "text")
    .execute();
  await db.schema.createIndex("session_events_request").on("session_events").columns(["request_id", "id"]).execute();

  if (sqlite) await sqliteTriggers(db);
  else await postgresTriggers(db);
}

const INSERT_EVENT = (row: string) =>
  `INSERT INTO session_events (request_id, customer_id, at, state, error_code, challenges)
   VALUES (${row}.request_id, ${row}.customer_id, ${row}.last_activity_at, ${row}.state, ${row}.error_code,
           CASE WHEN ${row}.state = 'challenged' THEN ${row}.challenges ELSE NULL END)`;

// biome-ignore lint/suspicious/noExplicitAny: see above
async function sqliteTriggers(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`CREATE TRIGGER session_events_insert AFTER INSERT ON sessions WHEN NEW.mode <> 'cached'
          BEGIN ${INSERT_EVENT("NEW")}; END`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER session_events_update AFTER UPDATE ON sessions
          WHEN NEW.mode <> 'cached' AND (NEW.state <> OLD.state OR NEW.error_code IS NOT OLD.error_code)
          BEGIN ${INSERT_EVENT("NEW")}; END`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER session_events_delete AFTER DELETE ON sessions
          BEGIN DELETE FROM session_events WHERE request_id = OLD.request_id; END`)
    .execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
async function postgresTriggers(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`CREATE FUNCTION bankgate_session_event() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP = 'DELETE' THEN
              DELETE FROM session_events WHERE request_id = OLD.request_id;
              RETURN OLD;
            END IF;
            IF NEW.mode <> 'cached' AND (TG_OP = 'INSERT' OR NEW.state <> OLD.state OR NEW.error_code IS DISTINCT FROM OLD.error_code) THEN
              ${INSERT_EVENT("NEW")};
            END IF;
            RETURN NEW;
          END $$`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER session_events_trigger AFTER INSERT OR UPDATE OR DELETE ON sessions
          FOR EACH ROW EXECUTE FUNCTION bankgate_session_event()`)
    .execute(db);
}
