import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as initial from "./migrations/001-initial.js";
import type { Database } from "./schema.js";

/** Migrations are compiled into the program: no file-system scanning at start. */
const migrations: Record<string, Migration> = {
  "001-initial": initial,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
