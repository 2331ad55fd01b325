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
  const name = `${prefix.replace(/\W/g, "_")}_${randomBytes(6).toString("hex")}`;
  let url: string | null = null;
  if (store === "postgres") {
    await withAdmin((admin) => admin.query(`create database ${name}`));
    const parsed = new URL(databaseUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
  }
  return {
    open: () => openDatabase({ databaseUrl: url, dataDir }),
    async dispose() {
      if (url) await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
      await rm(dataDir, { recursive: true, force: true });
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
