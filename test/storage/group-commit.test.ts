/**
 * Group commit of job completions (the job store's grouped completes): the jobs completed in
 * one event-loop turn share one statement and commit while each keeps its own outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { newRandomId } from "../../src/lib/ids.js";
import { JobQueue } from "../../src/queue/job-queue.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { Vault } from "../../src/vault/vault.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const vault = new Vault([{ id: "k", key: Buffer.alloc(32, 9) }]);
const options = { claimSeconds: 60, retryBaseSeconds: 10, defaultMaxAttempts: 3 };

describe.each(["sqlite", "postgres"] as const)("grouped job completions: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storage: Storage;
    let queue: JobQueue<Record<string, unknown>>;
    const clock = new ManualClock();

    beforeAll(async () => {
      testStore = await createTestStore(store, "grouped-completes");
      storage = new KyselyStorage((await testStore.open()).db);
      queue = new JobQueue(storage, vault, clock, options);
    });
    afterAll(async () => {
      await storage.close();
      await testStore.dispose();
    });

    it("settles each job of a group done, and only a job still held by its claim", async () => {
      const kind = `k-${newRandomId().slice(0, 8)}`;
      for (let i = 0; i < 5; i++) await queue.enqueue(kind, { i });
      const jobs = await queue.claim([kind], 5);
      expect(jobs).toHaveLength(5);
      const [lost, ...held] = jobs;
      // Another worker took the first job meanwhile (its claim bumps attempts): the old claim settles nothing.
      expect(await storage.jobs.claim(lost?.id ?? "", lost?.attempts ?? 0, clock.now().getTime() + 60_000, clock.now().getTime())).toBe(
        true,
      );
      const settled = await Promise.all(jobs.map((job) => storage.jobs.settle(job.id, job.attempts, { state: "done", nowMs: 5 })));
      expect(settled).toEqual([false, true, true, true, true]);
      for (const job of held) {
        const row = await storage.jobs.find(job.id);
        expect(row).toMatchObject({ state: "done", payload_enc: "", locked_until: null, updated_at: 5 });
      }
      expect(await storage.jobs.find(lost?.id ?? "")).toMatchObject({ state: "running" });
    });

    it("settles together jobs whose claims are at different attempts, each by its own count", async () => {
      const kind = `k-${newRandomId().slice(0, 8)}`;
      for (let i = 0; i < 3; i++) await queue.enqueue(kind, { i });
      const [retried, ...fresh] = await queue.claim([kind], 3);
      if (!retried) return expect.fail("nothing claimed");
      // The first job's claim lapsed and was taken again: its holder now is at attempt 2.
      const nowMs = clock.now().getTime();
      expect(await storage.jobs.claim(retried.id, retried.attempts, nowMs + 60_000, nowMs)).toBe(true);
      const settles = [
        { id: retried.id, attempts: retried.attempts + 1 },
        ...fresh.map((job) => ({ id: job.id, attempts: job.attempts })),
        // A stale claim of the retried job in the same group: the count is not its own any more.
        { id: retried.id, attempts: retried.attempts },
      ];
      const settled = await Promise.all(settles.map((job) => storage.jobs.settle(job.id, job.attempts, { state: "done", nowMs: 7 })));
      expect(settled).toEqual([true, true, true, false]);
      for (const job of [retried, ...fresh]) expect(await storage.jobs.find(job.id)).toMatchObject({ state: "done", updated_at: 7 });
    });
  });
});
