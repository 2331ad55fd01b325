import type { Kysely } from "kysely";
import type { Snapshot } from "../../records/snapshot.js";
import { outlineOf } from "../snapshot-delta.js";

/** Whole snapshots read per batch while their outlines are written: a big store never sits in memory at once. */
const BATCH = 100;

/**
 * A whole snapshot's outline (snapshot-delta.ts: its size, its accounts and how many
 * transactions each holds), so a nightly refresh can store its delta against it without
 * reading and parsing it (docs/decisions.md, "Nightly refresh"). Written here for the whole
 * snapshots already stored; deltas have none (their base's serves).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("snapshots").addColumn("outline", "text").execute();
  let after = "";
  for (;;) {
    const rows: Array<{ id: string; payload: string }> = await db
      .selectFrom("snapshots")
      .select(["id", "payload"])
      .where("base_id", "is", null)
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    for (const { id, payload } of rows) {
      const outline = outlineOf(JSON.parse(payload) as Snapshot, payload.length);
      await db
        .updateTable("snapshots")
        .set({ outline: JSON.stringify(outline) })
        .where("id", "=", id)
        .execute();
    }
    const last = rows.at(-1);
    if (!last) return;
    after = last.id;
  }
}
