import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // The card's refresh state as GetNightlyRefreshStatus reports it
  // (docs/flinks-compatibility.md#getnightlyrefreshstatus),
  // the night it was last taken by the nightly run (at most one refresh per card per night),
  // and its stored MFA answers (one vault envelope per card, as /AnswerMFAQuestions stores them).
  await db.schema.alterTable("logins").addColumn("refresh_state", "varchar(32)").execute();
  await db.schema.alterTable("logins").addColumn("refresh_attempted_at", "bigint").execute();
  await db.schema.alterTable("logins").addColumn("nightly_night", "varchar(10)").execute();
  await db.schema.alterTable("logins").addColumn("mfa_answers_enc", "text").execute();
  await db.schema.createIndex("logins_scheduled").on("logins").column("is_scheduled_refresh").execute();
  // ScheduleRefresh sent with the first call of a session applies to the card it creates.
  await db.schema
    .alterTable("sessions")
    .addColumn("schedule_refresh", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // Customer setting: keep MFA answers given during live sessions for nightly refreshes.
  await db.schema
    .alterTable("customers")
    .addColumn("store_mfa_answers", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}
