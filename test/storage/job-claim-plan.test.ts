/**
 * A claim, and the settle of the jobs completed together, write the jobs by their ids, whatever
 * the queue holds: SQLite's plans for JobStore.claimMany and the grouped settle look each id up
 * by the primary key. Given an OR of (state, time) pairs in the claim's condition, SQLite chose
 * to walk the claimable index over every due job instead (MULTI-INDEX OR), so a claim cost
 * O(queued jobs) and a night of N refreshes O(N²); given `state = 'running'` beside the settle's
 * ids, it walked every running job's entry (docs/performance.md, "Nightly refresh"). The plans
 * are checked, not a timing.
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

  const byId = /^SEARCH jobs USING (COVERING )?INDEX sqlite_autoindex_jobs_1 \(id=\?\)$/;
  const planOf = (query: CompiledQuery) =>
    sqlite
      .prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .all(...query.parameters)
      .map((step) => (step as { detail: string }).detail);

  it("looks the claimed jobs up by id, not by walking the due jobs", async () => {
    written.length = 0;
    const ids = Array.from({ length: 8 }, (_, i) => `job-${i}`);
    await new KyselyJobStore(db, { groupCompletes: false }).claimMany(ids, 1_000, 2_000, "worker");
    const [claim] = written;
    if (!claim) return expect.fail("claimMany wrote nothing");
    expect(planOf(claim)).toEqual([expect.stringMatching(byId)]);
  });

  it("settles the jobs completed together by id, not by walking the running jobs", async () => {
    written.length = 0;
    const jobs = new KyselyJobStore(db, { groupCompletes: true });
    await Promise.all(Array.from({ length: 8 }, (_, i) => jobs.settle(`job-${i}`, 1, { state: "done", nowMs: 3_000 })));
    expect(written).toHaveLength(1);
    const [settle] = written;
    if (!settle) return expect.fail("the settle wrote nothing");
    expect(planOf(settle)).toEqual([expect.stringMatching(byId)]);
  });
});
