/**
 * A job whose work is done completes even when the store refuses the first write of its
 * completion (a full disk, a lock held past the wait): the runner tries again after a pause,
 * instead of leaving the job running until its claim lapses (its card's data calls answering
 * 202 meanwhile) or counting the job as failed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StoreFaultError } from "../../src/errors/store-fault.js";
import { ManualClock } from "../../src/lib/clock.js";
import { JobQueue } from "../../src/queue/job-queue.js";
import type { JobRunner } from "../../src/queue/job-runner.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { Vault } from "../../src/vault/vault.js";
import { oneHandlerRunner } from "../helpers/one-handler-runner.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

const vault = new Vault([{ id: "k", key: Buffer.alloc(32, 7) }]);

describe("a finished job's completion the store refuses", () => {
  let testStore: TestStore;
  let storage: Storage;
  let queue: JobQueue;
  let runs: number;
  let runner: JobRunner;

  beforeEach(async () => {
    testStore = await createTestStore("sqlite", "job_completion_retry");
    storage = new KyselyStorage((await testStore.open()).db);
    queue = new JobQueue(storage, vault, new ManualClock(), { claimSeconds: 60, retryBaseSeconds: 60, defaultMaxAttempts: 3 });
    runs = 0;
    const count = async () => {
      runs++;
    };
    runner = oneHandlerRunner(queue, count);
  });
  afterEach(async () => {
    await runner.stop();
    await storage.close();
    await testStore.dispose();
  });

  /** The store refuses the next `times` settles with a full-disk fault. */
  function refuseSettles(times: number): { refused: () => number } {
    const jobs = storage.jobs;
    const settle = jobs.settle.bind(jobs);
    let refused = 0;
    jobs.settle = async (...args) => {
      if (refused < times) {
        refused++;
        throw new StoreFaultError("full");
      }
      return settle(...args);
    };
    return { refused: () => refused };
  }

  it("is tried again and the job ends done, run once", async () => {
    const id = (await queue.enqueue("aggregate", {} as never)) as string;
    const store = refuseSettles(2);

    await runner.runUntilIdle();

    expect(store.refused()).toBe(2);
    expect(runs).toBe(1);
    const row = await storage.jobs.find(id);
    expect(row?.state).toBe("done");
    expect(row?.attempts).toBe(1);
  });

  it("is left to its claim's lapse by a runner that stops meanwhile, which does not wait for the pauses", async () => {
    const id = (await queue.enqueue("aggregate", {} as never)) as string;
    const store = refuseSettles(Number.POSITIVE_INFINITY);
    runner.start();
    await vi.waitFor(() => expect(store.refused()).toBe(1), { timeout: 5_000 });

    await runner.stop();

    expect(store.refused()).toBe(1);
    expect((await storage.jobs.find(id))?.state).toBe("running");
  });
});
