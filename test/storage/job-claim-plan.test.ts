/**
 * A claim writes the jobs it picked by their ids, whatever the queue holds: SQLite's plan for
 * JobStore.claimMany looks each id up by the primary key. Given an OR of (state, time) pairs
 * in its condition, SQLite chose to walk the claimable index over every due job instead
 * (MULTI-INDEX OR), so a claim cost O(queued jobs) and a night of N refreshes O(N²)
 * (docs/performance.md, "Nightly refresh"). The plan is checked, not a timing.
 */
import SqliteDatabase from "better-sqlite3";
import { type CompiledQuery, Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KyselyJobStore } from "../../src/storage/job-store.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import type { Database } from "../../src/storage/schema.js";

describe("the job claim's query plan (SQLite)", () => {
  const sqlite = new SqliteDatabase(":memory:");
  const written: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (event) => {
      if (event.level === "query" && /^update "jobs"/.test(event.query.sql)) written.push(event.query);
    },
  });
  beforeAll(() => migrateToLatest(db));
  afterAll(() => db.destroy());

  it("looks the claimed jobs up by id, not by walking the due jobs", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `job-${i}`);
    await new KyselyJobStore(db, { groupCompletes: false }).claimMany(ids, 1_000, 2_000, "worker");
    const [claim] = written;
    if (!claim) return expect.fail("claimMany wrote nothing");
    const plan = sqlite
      .prepare(`EXPLAIN QUERY PLAN ${claim.sql}`)
      .all(...claim.parameters)
      .map((step) => (step as { detail: string }).detail);
    expect(plan).toEqual([expect.stringMatching(/^SEARCH jobs USING (COVERING )?INDEX sqlite_autoindex_jobs_1 \(id=\?\)$/)]);
  });
});
