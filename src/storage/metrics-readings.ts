import type { Kysely } from "kysely";
import { pendingMigrations } from "./migrate.js";
import type { Database } from "./schema.js";

/** One grouped count: the labels of the group and how many rows it holds. */
export interface GroupCount<L extends string> {
  labels: Record<L, string>;
  count: number;
}

/**
 * What /metrics and /health/ready read from the store, at scrape time only (api/metrics/):
 * each reading is ONE grouped count query over an indexed-or-small table, and nothing here
 * returns an id, a username or a secret — only states, kinds, types, outcomes and counts.
 */
export interface MetricsReadings {
  /** Sessions by state (connecting, challenged, answering, authorized, failed). */
  sessionsByState(): Promise<GroupCount<"state">[]>;
  /** Sessions still in progress and not expired at `nowMs`. */
  liveSessions(nowMs: number): Promise<number>;
  /** Jobs by kind and state (queued, running, done, failed). */
  jobsByKindAndState(): Promise<GroupCount<"kind" | "state">[]>;
  /** Per kind, the run_at of the oldest queued job already due at `nowMs` (the queue's lag). */
  oldestDueJobByKind(nowMs: number): Promise<Array<{ kind: string; runAtMs: number }>>;
  /** Webhook events by type and delivery state (pending, delivered, failed). */
  webhookEventsByTypeAndState(): Promise<GroupCount<"type" | "state">[]>;
  /** Webhook delivery attempts by outcome: ok (2xx) or failed (another status, or no answer). */
  webhookAttemptsByOutcome(): Promise<GroupCount<"outcome">[]>;
  /** Cards the nightly refresh took, by where their last refresh ended and its error code. */
  nightlyRefreshOutcomes(): Promise<GroupCount<"state" | "error">[]>;
  /** Registered migrations not applied yet; throws when the store does not answer. */
  pendingMigrations(): Promise<string[]>;
}

export class KyselyMetricsReadings implements MetricsReadings {
  constructor(private readonly db: Kysely<Database>) {}

  async sessionsByState() {
    const rows = await this.db
      .selectFrom("sessions")
      .select(["state", (eb) => eb.fn.countAll<number | string>().as("n")])
      .groupBy("state")
      .execute();
    return rows.map((row) => ({ labels: { state: row.state }, count: Number(row.n) }));
  }

  async liveSessions(nowMs: number) {
    const row = await this.db
      .selectFrom("sessions")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("state", "in", ["connecting", "challenged", "answering"])
      .where("expires_at", ">", nowMs)
      .where("absolute_expires_at", ">", nowMs)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async jobsByKindAndState() {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["kind", "state", (eb) => eb.fn.countAll<number | string>().as("n")])
      .groupBy(["kind", "state"])
      .execute();
    return rows.map((row) => ({ labels: { kind: row.kind, state: row.state }, count: Number(row.n) }));
  }

  async oldestDueJobByKind(nowMs: number) {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["kind", (eb) => eb.fn.min<number | string>("run_at").as("oldest")])
      .where("state", "=", "queued")
      .where("run_at", "<=", nowMs)
      .groupBy("kind")
      .execute();
    return rows.map((row) => ({ kind: row.kind, runAtMs: Number(row.oldest) }));
  }

  async webhookEventsByTypeAndState() {
    const rows = await this.db
      .selectFrom("webhook_events")
      .select(["type", "state", (eb) => eb.fn.countAll<number | string>().as("n")])
      .groupBy(["type", "state"])
      .execute();
    return rows.map((row) => ({ labels: { type: row.type, state: row.state }, count: Number(row.n) }));
  }

  async webhookAttemptsByOutcome() {
    const rows = await this.db
      .selectFrom("webhook_attempts")
      .select((eb) => [
        eb
          .case()
          .when(eb.and([eb("status_code", ">=", 200), eb("status_code", "<", 300)]))
          .then("ok")
          .else("failed")
          .end()
          .as("outcome"),
        eb.fn.countAll<number | string>().as("n"),
      ])
      .groupBy("outcome")
      .execute();
    return rows.map((row) => ({ labels: { outcome: String(row.outcome) }, count: Number(row.n) }));
  }

  async nightlyRefreshOutcomes() {
    const rows = await this.db
      .selectFrom("logins")
      .select(["refresh_state", "last_refresh_error", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("nightly_night", "is not", null)
      .groupBy(["refresh_state", "last_refresh_error"])
      .execute();
    return rows.map((row) => ({
      labels: { state: row.refresh_state ?? "unknown", error: row.last_refresh_error ?? "none" },
      count: Number(row.n),
    }));
  }

  pendingMigrations() {
    return pendingMigrations(this.db);
  }
}
