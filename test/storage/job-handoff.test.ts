/**
 * A job enqueued for this process's own runner (JobQueue.enqueueForHere: a login's
 * aggregation) is stored already claimed and handed to the runner once its transaction
 * commits, instead of being read and claimed back from the store. It stays a job like any
 * other: no other worker takes it while the claim holds; a runner that stops before starting
 * it, or a claim that lapses while it waits, leaves it to the store again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import type { Job } from "../../src/queue/job.js";
import { singletonKeys } from "../../src/queue/job-kinds.js";
import { JobQueue } from "../../src/queue/job-queue.js";
import type { JobRunner } from "../../src/queue/job-runner.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { Vault } from "../../src/vault/vault.js";
import { deferred } from "../helpers/deferred.js";
import { oneHandlerRunner } from "../helpers/one-handler-runner.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const vault = new Vault([{ id: "k", key: Buffer.alloc(32, 5) }]);
const CLAIM_SECONDS = 60;
const payload = { customerId: "c", requestId: "r", loginId: "card-1", connectedAtMs: 0 };

describe.each(["sqlite", "postgres"] as const)("jobs handed to this process's runner: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storage: Storage;
    /** Another worker process's queue over its own connection. */
    let otherWorker: JobQueue;
    let otherStorage: Storage;
    let clock: ManualClock;
    let queue: JobQueue;
    let runner: JobRunner;
    /** The jobs the runner ran, as it was given them. */
    let ran: Job[];
    /** While set, each job's handler waits for it: the runner's one slot stays taken. */
    let hold: Promise<void> | null;

    beforeEach(async () => {
      testStore = await createTestStore(store, "job_handoff");
      storage = new KyselyStorage((await testStore.open()).db);
      otherStorage = new KyselyStorage((await testStore.open()).db);
      clock = new ManualClock();
      const options = { claimSeconds: CLAIM_SECONDS, retryBaseSeconds: 60, defaultMaxAttempts: 3 };
      queue = new JobQueue(storage, vault, clock, { ...options, holderId: "this-process" });
      otherWorker = new JobQueue(otherStorage, vault, clock, { ...options, holderId: "other-process" });
      ran = [];
      hold = null;
      const record = async (job: Job) => {
        ran.push(job);
        await hold;
      };
      runner = oneHandlerRunner(queue, record);
    });
    afterEach(async () => {
      await runner.stop();
      await storage.close();
      await otherStorage.close();
      await testStore.dispose();
    });

    /** enqueueForHere in a transaction; the handOff to call once it committed. */
    async function enqueueCommitted() {
      return storage.transaction((tx) =>
        queue.enqueueForHere("aggregate", payload, { singletonKey: singletonKeys.aggregation(payload.loginId) }, tx),
      );
    }

    /** A job that holds the runner's only slot until the returned function is called. */
    async function occupyRunner(): Promise<() => void> {
      const gate = deferred();
      hold = gate.promise;
      await queue.enqueue("aggregate", payload);
      await vi.waitFor(() => expect(ran).toHaveLength(1));
      hold = null;
      return gate.resolve;
    }

    it("is stored claimed by this process, no other worker takes it, and the runner runs it once, without claiming it", async () => {
      runner.start();
      const claimMany = vi.spyOn(storage.jobs, "claimMany");
      const handed = await enqueueCommitted();
      const id = handed.id as string;

      const row = await storage.jobs.find(id);
      expect(row).toMatchObject({ state: "running", attempts: 1, locked_by: "this-process" });
      expect(row?.locked_until).toBe(clock.now().getTime() + CLAIM_SECONDS * 1000);
      expect(await otherWorker.claim(["aggregate"], 10)).toEqual([]);

      await handed.handOff();
      await vi.waitFor(async () => expect((await storage.jobs.find(id))?.state).toBe("done"));
      expect(ran.map((job) => [job.id, job.attempts, job.payload])).toEqual([[id, 1, payload]]);
      expect(claimMany.mock.calls.flatMap(([ids]) => ids)).not.toContain(id);
    });

    it("taken by a runner with free slots and nothing left in the store, is started without reading the store", async () => {
      const findClaimable = vi.spyOn(storage.jobs, "findClaimable");
      const readsWhenItRan: number[] = [];
      await runner.stop();
      // No poll during the test: only wake-ups make this runner look at the store.
      runner = oneHandlerRunner(queue, async () => void readsWhenItRan.push(findClaimable.mock.calls.length), {
        concurrency: 8,
        pollIntervalMs: 60_000,
      });
      runner.start();
      await vi.waitFor(() => expect(findClaimable).toHaveBeenCalledTimes(1)); // and found the store empty

      const handed = await enqueueCommitted();
      await handed.handOff();
      await vi.waitFor(async () => expect((await storage.jobs.find(handed.id as string))?.state).toBe("done"));

      expect(readsWhenItRan).toEqual([1]);
      // A job that ended may have left work behind (a retry due at once): the runner looks once.
      await vi.waitFor(() => expect(findClaimable).toHaveBeenCalledTimes(2));
    });

    it("with no runner in this process, is an ordinary queued job another worker claims", async () => {
      const handed = await enqueueCommitted();
      await handed.handOff();

      expect(await storage.jobs.find(handed.id as string)).toMatchObject({ state: "queued", attempts: 0, locked_by: null });
      expect((await otherWorker.claim(["aggregate"], 10)).map((job) => job.id)).toEqual([handed.id]);
    });

    it("due later, is queued for its time even with a runner here", async () => {
      runner.start();
      const later = new Date(clock.now().getTime() + 30_000);
      const handed = await storage.transaction((tx) => queue.enqueueForHere("aggregate", payload, { runAt: later }, tx));

      expect(await storage.jobs.find(handed.id as string)).toMatchObject({ state: "queued", attempts: 0, run_at: later.getTime() });
    });

    it("whose singleton key is taken, is not enqueued and hands nothing off", async () => {
      runner.start();
      const first = await enqueueCommitted();
      const second = await enqueueCommitted();

      expect(second.id).toBeNull();
      await first.handOff();
      await second.handOff();
      await vi.waitFor(async () => expect((await storage.jobs.find(first.id as string))?.state).toBe("done"));
      expect(ran).toHaveLength(1);
    });

    it("in a transaction that rolls back, does not exist", async () => {
      runner.start();
      let id: string | null = null;
      await expect(
        storage.transaction(async (tx) => {
          id = (await queue.enqueueForHere("aggregate", payload, {}, tx)).id;
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");

      expect(id).not.toBeNull();
      expect(await storage.jobs.find(id as unknown as string)).toBeUndefined();
    });

    it("not started when its runner stops, goes back to the queue, due at once for another worker", async () => {
      runner.start();
      const release = await occupyRunner();
      const handed = await enqueueCommitted();
      await handed.handOff();

      const stopped = runner.stop();
      release();
      await stopped;

      expect(ran).toHaveLength(1);
      const row = await storage.jobs.find(handed.id as string);
      expect(row).toMatchObject({ state: "queued", locked_until: null });
      expect(row?.run_at).toBeLessThanOrEqual(clock.now().getTime());
      expect((await otherWorker.claim(["aggregate"], 10)).map((job) => job.id)).toEqual([handed.id]);
    });

    it("handed off after its runner stopped, goes back to the queue", async () => {
      runner.start();
      const handed = await enqueueCommitted();
      await runner.stop();
      await handed.handOff();

      expect(await storage.jobs.find(handed.id as string)).toMatchObject({ state: "queued", locked_until: null });
    });

    it("handed off after its runner stopped, with the store refusing its release, is left to its claim's lapse without an error", async () => {
      runner.start();
      const handed = await enqueueCommitted();
      await runner.stop();
      vi.spyOn(storage.jobs, "settle").mockRejectedValue(new Error("disk full"));

      await expect(handed.handOff()).resolves.toBeUndefined();

      expect(await storage.jobs.find(handed.id as string)).toMatchObject({ state: "running", locked_by: "this-process" });
      clock.advanceSeconds(CLAIM_SECONDS + 1);
      expect((await otherWorker.claim(["aggregate"], 10)).map((job) => job.id)).toEqual([handed.id]);
    });

    it("whose claim lapsed while it waited for the runner, is run once, claimed from the store again", async () => {
      runner.start();
      const release = await occupyRunner();
      const handed = await enqueueCommitted();
      await handed.handOff();

      clock.advanceSeconds(CLAIM_SECONDS + 1);
      release();

      await vi.waitFor(async () => expect((await storage.jobs.find(handed.id as string))?.state).toBe("done"));
      expect(ran.filter((job) => job.id === handed.id).map((job) => job.attempts)).toEqual([2]);
    });
  });
});
