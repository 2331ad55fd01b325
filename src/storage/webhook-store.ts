import type { Kysely, Selectable } from "kysely";
import { PrecompiledQuery } from "./precompiled-query.js";
import type { Database, WebhookAttemptRow, WebhookEndpointRow, WebhookEventRow } from "./schema.js";

/** Read by every aggregation that publishes. Argument: customer. */
const endpointOf = new PrecompiledQuery<Selectable<WebhookEndpointRow>>((db, slot) =>
  db.selectFrom("webhook_endpoints").selectAll().where("customer_id", "=", slot(0)),
);

/** Webhook receivers, the event outbox and the delivery log (docs/webhooks.md). */
export interface WebhookStore {
  upsertEndpoint(row: WebhookEndpointRow): Promise<void>;
  findEndpoint(customerId: string): Promise<Selectable<WebhookEndpointRow> | undefined>;
  insertEvent(row: WebhookEventRow): Promise<void>;
  findEvent(customerId: string, id: string): Promise<Selectable<WebhookEventRow> | undefined>;
  /** Newest first; `eventId` narrows to one event. */
  listEvents(customerId: string, options: { eventId?: string; limit: number }): Promise<Selectable<WebhookEventRow>[]>;
  setEventState(id: string, state: "pending" | "delivered" | "failed", deliveredAtMs: number | null): Promise<void>;
  /**
   * Inside a transaction: takes the event's row for the rest of it; false once it is deleted
   * (its card was). A delivery holds its event before logging an attempt, so DeleteCard never
   * leaves an attempt of a deleted event behind.
   */
  holdEvent(id: string): Promise<boolean>;
  insertAttempt(row: WebhookAttemptRow): Promise<void>;
  /** Every attempt of these events, oldest first. */
  listAttempts(eventIds: readonly string[]): Promise<Selectable<WebhookAttemptRow>[]>;
  /**
   * Retention of the delivery log: deletes up to `limit` delivered or failed events created
   * before `createdBefore`, with their attempts; pending events stay whatever their age.
   * Call it in a transaction so an event never loses its attempts without going itself.
   */
  deleteSettledEvents(createdBefore: Date, limit: number): Promise<number>;
}

/** WebhookStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyWebhookStore implements WebhookStore {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertEndpoint(row: WebhookEndpointRow): Promise<void> {
    const { customer_id: _, ...values } = row;
    await this.db
      .insertInto("webhook_endpoints")
      .values(row)
      .onConflict((oc) => oc.column("customer_id").doUpdateSet(values))
      .execute();
  }

  async findEndpoint(customerId: string): Promise<Selectable<WebhookEndpointRow> | undefined> {
    return endpointOf.first(this.db, [customerId]);
  }

  async insertEvent(row: WebhookEventRow): Promise<void> {
    await this.db.insertInto("webhook_events").values(row).execute();
  }

  async findEvent(customerId: string, id: string): Promise<Selectable<WebhookEventRow> | undefined> {
    return this.db.selectFrom("webhook_events").selectAll().where("id", "=", id).where("customer_id", "=", customerId).executeTakeFirst();
  }

  async listEvents(customerId: string, options: { eventId?: string; limit: number }): Promise<Selectable<WebhookEventRow>[]> {
    let query = this.db.selectFrom("webhook_events").selectAll().where("customer_id", "=", customerId);
    if (options.eventId !== undefined) query = query.where("id", "=", options.eventId);
    return query.orderBy("created_at", "desc").orderBy("id").limit(options.limit).execute();
  }

  async setEventState(id: string, state: "pending" | "delivered" | "failed", deliveredAtMs: number | null): Promise<void> {
    await this.db.updateTable("webhook_events").set({ state, delivered_at: deliveredAtMs }).where("id", "=", id).execute();
  }

  async holdEvent(id: string): Promise<boolean> {
    const held = await this.db
      .updateTable("webhook_events")
      .set((eb) => ({ id: eb.ref("id") }))
      .where("id", "=", id)
      .executeTakeFirst();
    return held.numUpdatedRows === 1n;
  }

  async insertAttempt(row: WebhookAttemptRow): Promise<void> {
    await this.db.insertInto("webhook_attempts").values(row).execute();
  }

  async listAttempts(eventIds: readonly string[]): Promise<Selectable<WebhookAttemptRow>[]> {
    if (eventIds.length === 0) return [];
    return this.db.selectFrom("webhook_attempts").selectAll().where("event_id", "in", eventIds).orderBy("attempted_at").execute();
  }

  async deleteSettledEvents(createdBefore: Date, limit: number): Promise<number> {
    const cutoff = createdBefore.getTime();
    const rows = await this.db
      .selectFrom("webhook_events")
      .select("id")
      .where("state", "in", ["delivered", "failed"])
      .where("created_at", "<", cutoff)
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    await this.db.deleteFrom("webhook_attempts").where("event_id", "in", ids).execute();
    const result = await this.db
      .deleteFrom("webhook_events")
      .where("id", "in", ids)
      .where("state", "in", ["delivered", "failed"])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
