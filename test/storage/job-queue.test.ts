/**
 * The JobQueue guarantees (src/jobs/job-queue.ts), proven once against both stores, with
 * two connections to one store standing in for two worker processes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { newRandomId } from "../../src/lib/ids.js";
import type { Job } from "../../src/queue/job.js";
import { JobQueue } from "../../src/queue/job-queue.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { Vault } from "../../src/vault/vault.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const vault = new Vault([{ id: "k", key: Buffer.alloc(32, 9) }]);
const options = { claimSeconds: 60, retryBaseSeconds: 10, defaultMaxAttempts: 3 };

describe.each(["sqlite", "postgres"] as const)("job queue: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storages: Storage[];
    let clock: ManualClock;
    /** Two queues over two connections: two workers. */
    let queues: [JobQueue<Record<string, unknown>>, JobQueue<Record<string, unknown>>];
    let kind: string;

    beforeAll(async () => {
      testStore = await createTestStore(store, "jobs");
      storages = [new KyselyStorage((await testStore.open()).db), new KyselyStorage((await testStore.open()).db)];
      clock = new ManualClock();
      queues = [new JobQueue(storages[0] as Storage, vault, clock, options), new JobQueue(storages[1] as Storage, vault, clock, options)];
    });
    afterAll(async () => {
      await Promise.all(storages.map((s) => s.close()));
      await testStore.dispose();
    });
    const fresh = () => {
      kind = `k-${newRandomId().slice(0, 8)}`;
      return kind;
    };

    it("hands each job to exactly one of many concurrent claimers", async () => {
      fresh();
      for (let i = 0; i < 10; i++) await queues[0].enqueue(kind, { n: i });
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => queues[(i % 2) as 0 | 1].claim([kind], 3)));
      const ids = claims.flat().map((j) => j.id);
      expect(new Set(ids).size).toBe(ids.length);
      // Whatever the race left unclaimed is still there for the next claim, once.
      const rest = (await queues[0].claim([kind], 10)).map((j) => j.id);
      expect(new Set([...ids, ...rest]).size).toBe(10);
      expect(ids.length + rest.length).toBe(10);
    });

    it("keeps the payload encrypted at rest and empties it once the job is done", async () => {
      fresh();
      const id = await queues[0].enqueue(kind, { answer: "canary-montreal" });
      const raw = await storages[0]?.jobs.find(id ?? "");
      expect(raw?.payload_enc).not.toContain("canary-montreal");
      const [job] = await queues[1].claim([kind], 1);
      expect(job?.payload).toEqual({ answer: "canary-montreal" });
      await queues[1].complete(job as Job);
      expect((await storages[0]?.jobs.find(id ?? ""))?.payload_enc).toBe("");
      expect((await queues[0].find(id ?? ""))?.state).toBe("done");
    });

    it("admits one active job per singleton key, and a new one once it is done", async () => {
      fresh();
      const key = `card:${newRandomId()}`;
      expect(await queues[0].enqueue(kind, {}, { singletonKey: key })).not.toBeNull();
      expect(await queues[1].enqueue(kind, {}, { singletonKey: key })).toBeNull();
      const [job] = await queues[0].claim([kind], 1);
      expect(await queues[1].enqueue(kind, {}, { singletonKey: key })).toBeNull();
      await queues[0].complete(job as Job);
      expect(await queues[1].enqueue(kind, {}, { singletonKey: key })).not.toBeNull();
    });

    it("of concurrent enqueues with one singleton key, exactly one is taken", async () => {
      fresh();
      const key = `card:${newRandomId()}`;
      const ids = await Promise.all(
        Array.from({ length: 10 }, (_, i) => queues[(i % 2) as 0 | 1].enqueue(kind, {}, { singletonKey: key })),
      );
      expect(ids.filter((id) => id !== null)).toHaveLength(1);
    });

    it("enqueued inside a rolled-back transaction, a job does not exist", async () => {
      fresh();
      await expect(
        storages[0]?.transaction(async (tx) => {
          await queues[0].enqueue(kind, {}, {}, tx);
          throw new Error("rollback");
        }),
      ).rejects.toThrow("rollback");
      expect(await queues[0].claim([kind], 5)).toEqual([]);
    });

    it("gives a dead worker's job to another once its claim lapses, and refuses the dead worker's late settle", async () => {
      fresh();
      await queues[0].enqueue(kind, {});
      const [taken] = await queues[0].claim([kind], 1);
      expect(await queues[1].claim([kind], 1)).toEqual([]);
      clock.advanceSeconds(options.claimSeconds);
      const [retaken] = await queues[1].claim([kind], 1);
      expect(retaken?.id).toBe(taken?.id);
      expect(retaken?.attempts).toBe(2);
      await queues[0].complete(taken as Job); // the late, lost claim
      expect((await queues[0].find(taken?.id ?? ""))?.state).toBe("running");
      await queues[1].complete(retaken as Job);
      expect((await queues[0].find(taken?.id ?? ""))?.state).toBe("done");
    });

    it("retries with exponential backoff, then fails for good after maxAttempts", async () => {
      fresh();
      const id = await queues[0].enqueue(kind, {});
      for (const delaySeconds of [10, 20]) {
        const [job] = await queues[0].claim([kind], 1);
        await queues[0].fail(job as Job, "bank down");
        clock.advanceSeconds(delaySeconds - 1);
        expect(await queues[0].claim([kind], 1)).toEqual([]);
        clock.advanceSeconds(1);
      }
      const [last] = await queues[0].claim([kind], 1);
      expect(last?.attempts).toBe(3);
      await queues[0].fail(last as Job, "bank down");
      expect(await queues[0].find(id ?? "")).toMatchObject({ state: "failed", lastError: "bank down", payload: null });
      clock.advanceSeconds(3600);
      expect(await queues[0].claim([kind], 1)).toEqual([]);
    });

    it("runs a job scheduled for later only when its time comes", async () => {
      fresh();
      await queues[0].enqueue(kind, {}, { runAt: new Date(clock.now().getTime() + 30_000) });
      expect(await queues[0].claim([kind], 1)).toEqual([]);
      clock.advanceSeconds(30);
      expect(await queues[0].claim([kind], 1)).toHaveLength(1);
    });
  });
});
