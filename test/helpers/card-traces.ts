import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../../src/storage/schema.js";
import type { TestApp } from "./test-app.js";

/** Every table of the store (src/storage/schema.ts), so a new table cannot escape the scan. */
const TABLES: ReadonlyArray<keyof Database> = [
  "customers",
  "authorize_tokens",
  "logins",
  "snapshots",
  "sessions",
  "server_settings",
  "attempt_counters",
  "jobs",
  "institution_memory",
  "card_vault",
  "webhook_endpoints",
  "webhook_events",
  "webhook_attempts",
  "usage_days",
];

function dbOf(t: TestApp): Kysely<Database> {
  return (t.deps.storage as unknown as { db: Kysely<Database> }).db;
}

/** Rows of any table whose values contain one of the markers (case-insensitively), as "table: marker". */
export async function rowsNaming(t: TestApp, markers: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const table of TABLES) {
    const rows = await dbOf(t).selectFrom(table).selectAll().execute();
    for (const row of rows) {
      const text = JSON.stringify(row).toLowerCase();
      for (const marker of markers) if (text.includes(marker.toLowerCase())) hits.push(`${table}: ${marker}`);
    }
  }
  return hits;
}

/**
 * Where the markers occur in the raw files of the SQLite store (the database, its WAL and
 * shared memory), as UTF-8, UTF-16LE or hex text, whatever row or free page holds them.
 */
export function rawFileHits(dataDir: string, markers: readonly string[]): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dataDir).filter((file) => file.startsWith("bankgate.sqlite"))) {
    const path = join(dataDir, name);
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path).toString("latin1").toLowerCase();
    for (const marker of markers) {
      const forms = {
        utf8: Buffer.from(marker, "utf8"),
        utf16le: Buffer.from(marker, "utf16le"),
        hex: Buffer.from(Buffer.from(marker, "utf8").toString("hex")),
      };
      for (const [form, needle] of Object.entries(forms)) {
        if (bytes.includes(needle.toString("latin1").toLowerCase())) hits.push(`${name}: ${marker} (${form})`);
      }
    }
  }
  return hits;
}
