import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/storage/migrate.js";
import * as m001 from "../../src/storage/migrations/001-initial.js";
import * as m002 from "../../src/storage/migrations/002-attempt-limits.js";
import * as m003 from "../../src/storage/migrations/003-jobs.js";
import * as m004 from "../../src/storage/migrations/004-card-live-session.js";
import * as m005 from "../../src/storage/migrations/005-connect-settings.js";
import * as m006 from "../../src/storage/migrations/006-nightly-refresh.js";
import * as m007 from "../../src/storage/migrations/007-webhooks.js";
import * as m008 from "../../src/storage/migrations/008-institution-memory.js";
import * as m009 from "../../src/storage/migrations/009-card-vault.js";
import type { Database } from "../../src/storage/schema.js";
import { createPostgresDatabase, skipPostgres } from "../helpers/test-store.js";

/** The store as it was before migration 011, with a customer that had the old default (answers not kept). */
const BEFORE_011: Record<string, Migration> = {
  "001-initial": m001,
  "002-attempt-limits": m002,
  "003-jobs": m003,
  "004-card-live-session": m004,
  "005-connect-settings": m005,
  "006-nightly-refresh": m006,
  "007-webhooks": m007,
  "008-institution-memory": m008,
  "009-card-vault": m009,
};

async function upgradeKeepsAnswers(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => BEFORE_011 } });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  await db
    .insertInto("customers")
    .values({
      id: "c",
      name: "Older",
      secret_key_hash: "s",
      api_key_hash: "a",
      auth_mode: "token",
      created_at: 0,
      connect_redirect_urls: null,
      connect_parent_origins: null,
    })
    .execute();
  expect((await db.selectFrom("customers").select("store_mfa_answers").executeTakeFirstOrThrow()).store_mfa_answers).toBe(0);
  await migrateToLatest(db);
  expect((await db.selectFrom("customers").select("store_mfa_answers").executeTakeFirstOrThrow()).store_mfa_answers).toBe(1);
}

describe("migration 011: existing customers keep accepted MFA answers", () => {
  it("on SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bankgate-m011-"));
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(join(dir, "bankgate.sqlite")) }) });
    try {
      await upgradeKeepsAnswers(db);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(skipPostgres)("on PostgreSQL", async () => {
    const database = await createPostgresDatabase("m011");
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }) });
    try {
      await upgradeKeepsAnswers(db);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
