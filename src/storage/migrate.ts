import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as initial from "./migrations/001-initial.js";
import * as attemptLimits from "./migrations/002-attempt-limits.js";
import * as jobs from "./migrations/003-jobs.js";
import * as cardLiveSession from "./migrations/004-card-live-session.js";
import * as connectSettings from "./migrations/005-connect-settings.js";
import * as nightlyRefresh from "./migrations/006-nightly-refresh.js";
import * as webhooks from "./migrations/007-webhooks.js";
import * as institutionMemory from "./migrations/008-institution-memory.js";
import * as cardVault from "./migrations/009-card-vault.js";
import * as leaseHolders from "./migrations/010-lease-holders.js";
import * as storedAnswersByDefault from "./migrations/011-stored-answers-by-default.js";
import * as retention from "./migrations/012-retention.js";
import * as dashboard from "./migrations/013-dashboard.js";
import * as snapshotDeltas from "./migrations/014-snapshot-deltas.js";
import * as snapshotOutlines from "./migrations/015-snapshot-outlines.js";
import type { Database } from "./schema.js";

/** Migrations are compiled into the program: no file-system scanning at start. */
const migrations: Record<string, Migration> = {
  "001-initial": initial,
  "002-attempt-limits": attemptLimits,
  "003-jobs": jobs,
  "004-card-live-session": cardLiveSession,
  "005-connect-settings": connectSettings,
  "006-nightly-refresh": nightlyRefresh,
  "007-webhooks": webhooks,
  "008-institution-memory": institutionMemory,
  "009-card-vault": cardVault,
  // Parallel branches reserved these numbers: unordered migrations let a store that ran 012
  // before 011 existed still take 011.
  "010-lease-holders": leaseHolders,
  "011-stored-answers-by-default": storedAnswersByDefault,
  "012-retention": retention,
  "013-dashboard": dashboard,
  "014-snapshot-deltas": snapshotDeltas,
  "015-snapshot-outlines": snapshotOutlines,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Runs every migration not run yet; returns the names it ran, in order. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}

/** Which migrations this store has run and which it has not (`bankgate migrate --check`, `bankgate doctor`). */
export async function migrationStatus(db: Kysely<Database>): Promise<{ applied: string[]; pending: string[] }> {
  const known = await new Migrator({ db, provider, allowUnorderedMigrations: true }).getMigrations();
  return {
    applied: known.filter((migration) => migration.executedAt !== undefined).map((migration) => migration.name),
    pending: known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name),
  };
}

/** The registered migrations this store has not applied yet (empty once it is up to date); a query, so it also proves the store answers. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const known = await new Migrator({ db, provider, allowUnorderedMigrations: true }).getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}
