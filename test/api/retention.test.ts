/**
 * The retention purge through the whole app (docs/decisions.md, "Retention"), on SQLite and
 * PostgreSQL: after its windows pass, old RequestIds are gone (SESSION_NONEXISTENT), tokens,
 * finished jobs and superseded snapshots too, while the card still serves its current data;
 * the "retention-purge" job runs it, one at a time.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PURGED_KINDS } from "../../src/jobs/retention-purge.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { skipPostgres } from "../helpers/test-store.js";

const WINDOWS = {
  BANKGATE_RETENTION_SESSIONS_SECONDS: "60",
  BANKGATE_RETENTION_TOKENS_SECONDS: "60",
  BANKGATE_RETENTION_JOBS_SECONDS: "60",
  BANKGATE_RETENTION_SNAPSHOTS_SECONDS: "60",
  BANKGATE_RETENTION_BATCH_ROWS: "2",
};

describe.each(["sqlite", "postgres"] as const)("retention purge: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let t: TestApp;
    afterEach(() => t?.close());

    async function waitForData(requestId: string) {
      await t.deps.runner.runUntilIdle();
      const detail = await t.post("GetAccountsDetail", { RequestId: requestId }, t.apiKeyHeaders());
      expect(detail.statusCode, detail.body).toBe(200);
      return detail.json();
    }

    it("deletes what its windows no longer keep, in batches, and the card still serves its current data", async () => {
      t = await createTestApp({ store, runJobs: false, randomInt: () => 0, env: WINDOWS });
      const first = await t.connect("Greatday");
      await waitForData(first.RequestId);
      t.clock.advanceSeconds(10);
      // The same card again: a second snapshot supersedes the first.
      const second = await t.connect("Greatday");
      expect(second.Login.Id).toBe(first.Login.Id);
      await waitForData(second.RequestId);
      // And a third: the second snapshot is superseded; the first, stored whole, stays as the
      // base the later ones are stored as deltas of (docs/decisions.md, "Storage and jobs").
      t.clock.advanceSeconds(10);
      const third = await t.connect("Greatday");
      await waitForData(third.RequestId);
      const cachedBefore = await t.authorize({ LoginId: first.Login.Id, MostRecentCached: true });
      expect(cachedBefore.statusCode).toBe(200);

      // Nothing is due yet: every session is alive (attempt counters of right answers hold nothing).
      const early = (await t.deps.retentionPurge.run()).deleted;
      expect({ ...early, attemptCounters: 0 }).toEqual(Object.fromEntries(PURGED_KINDS.map((kind) => [kind, 0])));

      // Past the 30-minute session cap and every 60 s window.
      t.clock.advanceSeconds(1_800 + 120);
      const report = await t.deps.retentionPurge.run();
      expect(report.deleted).toMatchObject({ sessions: 4, snapshots: 1 });
      expect(report.deleted.tokens).toBeGreaterThanOrEqual(3);
      expect(report.deleted.jobs).toBe(3);
      expect(report.unfinished).toBe(false);
      // Batches of 2 rows: four sessions took two deletes.
      expect(report.batches).toBeGreaterThanOrEqual(PURGED_KINDS.length + 3);

      const gone = await t.post("GetAccountsDetail", { RequestId: first.RequestId }, t.apiKeyHeaders());
      expect(gone.statusCode).toBe(400);
      expect(gone.json().FlinksCode).toBe("SESSION_NONEXISTENT");
      const cached = await t.authorize({ LoginId: first.Login.Id, MostRecentCached: true });
      expect(cached.statusCode).toBe(200);
      const data = await waitForData(cached.json().RequestId);
      expect(data.Accounts).toHaveLength(4);

      // Run again: nothing left to delete.
      expect(Object.values((await t.deps.retentionPurge.run()).deleted).every((n) => n === 0)).toBe(true);
    });

    it("runs as the retention-purge job, one queued at a time", async () => {
      t = await createTestApp({ store, runJobs: false, env: WINDOWS });
      const id = await t.deps.retention.enqueueNow();
      expect(id).toEqual(expect.any(String));
      expect(await t.deps.retention.enqueueNow()).toBeNull();
      await t.deps.runner.runUntilIdle();
      expect((await t.deps.jobs.find(id ?? ""))?.state).toBe("done");
      expect(await t.deps.retention.enqueueNow()).toEqual(expect.any(String));
    });
  });
});
