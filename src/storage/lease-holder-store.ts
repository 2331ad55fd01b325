import type { Kysely } from "kysely";
import { PrecompiledQuery } from "./precompiled-query.js";
import type { Database, LeaseHolderRow } from "./schema.js";

/** A running bankgate process as the others see it. */
export interface LeaseHolder {
  id: string;
  /** Hostname, boot id and pid namespace: holders with the same host can probe each other's pid. */
  host: string;
  pid: number;
  /** The OS's start mark of that pid (null: unknown), so a reused pid is not mistaken for the holder. */
  processStart: string | null;
  startedAt: Date;
  heartbeatAt: Date;
}

/**
 * The processes that may hold session leases and job claims (migration 010). Each process
 * registers itself at start and beats while it runs; whoever finds a holder dead releases
 * what it held (SessionStore.releaseLeasesOf, JobStore.releaseClaimsOf) and forgets it.
 */
export interface LeaseHolderStore {
  /** Adds the holder, or replaces the row of the same id (a holder presumed dead that came back). */
  register(holder: LeaseHolder): Promise<void>;
  /** Records a heartbeat; false when the row is gone (another process presumed this one dead). */
  heartbeat(id: string, at: Date): Promise<boolean>;
  /** Every registered holder: one row per running process, plus dead ones not swept yet. */
  list(): Promise<LeaseHolder[]>;
  /** Forgets holders (a graceful stop, or after their leases were released). */
  remove(ids: readonly string[]): Promise<void>;
}

/** Every process beats and sweeps every few seconds, for as long as it runs. Arguments: heartbeat at (ms), holder. */
const beat = new PrecompiledQuery((db, slot) =>
  db
    .updateTable("lease_holders")
    .set({ heartbeat_at: slot(0) as unknown as number })
    .where("id", "=", slot(1)),
);
const everyHolder = new PrecompiledQuery<LeaseHolderRow>((db) => db.selectFrom("lease_holders").selectAll().orderBy("started_at"));

/** LeaseHolderStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyLeaseHolderStore implements LeaseHolderStore {
  constructor(private readonly db: Kysely<Database>) {}

  async register(holder: LeaseHolder): Promise<void> {
    const row = toRow(holder);
    const { id: _, ...values } = row;
    await this.db
      .insertInto("lease_holders")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(values))
      .execute();
  }

  async heartbeat(id: string, at: Date): Promise<boolean> {
    return (await beat.changes(this.db, [at.getTime(), id])) === 1;
  }

  async list(): Promise<LeaseHolder[]> {
    const rows = await everyHolder.rows(this.db, []);
    return rows.map((r) => ({
      id: r.id,
      host: r.host,
      pid: r.pid,
      processStart: r.process_start,
      startedAt: new Date(r.started_at),
      heartbeatAt: new Date(r.heartbeat_at),
    }));
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.deleteFrom("lease_holders").where("id", "in", ids).execute();
  }
}

function toRow(h: LeaseHolder): LeaseHolderRow {
  return {
    id: h.id,
    host: h.host,
    pid: h.pid,
    process_start: h.processStart,
    started_at: h.startedAt.getTime(),
    heartbeat_at: h.heartbeatAt.getTime(),
  };
}
