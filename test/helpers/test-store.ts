import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { type OpenedDatabase, openDatabase, type StoreKind } from "../../src/storage/open-database.js";

const databaseUrl = inject("databaseUrl");

/** In CI PostgreSQL is mandatory: never skip there (the global setup already fails without it). */
export const skipPostgres = databaseUrl === "" && process.env.CI !== "true";

export interface TestStore {
  /** Opens the store (again): each call is a new connection, as another process would have. */
  open(): Promise<OpenedDatabase>;
  dispose(): Promise<void>;
}

/** An empty store of one kind: a temp dir for SQLite, a fresh database on the test PostgreSQL. */
export async function createTestStore(store: StoreKind, prefix: string): Promise<TestStore> {
  const dataDir = await mkdtemp(join(tmpdir(), `bankgate-${prefix}-`));
  const database = store === "postgres" ? await createPostgresDatabase(prefix) : null;
  return {
    open: () => openDatabase({ databaseUrl: database?.url ?? null, dataDir }),
    async dispose() {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh database on the test PostgreSQL. Every test app gets its own: apps sharing one
 * would share its job table, and one test's runner would claim another test's jobs.
 */
export async function createPostgresDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix.replace(/\W/g, "_")}_${randomBytes(6).toString("hex")}`;
  await withAdmin((admin) => admin.query(`create database ${name}`));
  const parsed = new URL(databaseUrl);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: async () => {
      await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
