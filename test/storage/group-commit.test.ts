/**
 * Group commit (src/storage/transaction-group.ts and the job store's grouped completes): many
 * transactions, or many job completions, share one commit while each keeps its own outcome.
 * SQLite groups transactions; both stores group completions.
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

/** An institution-memory row: the smallest write any store port offers. */
const slot = (keyHash: string) => ({ customerId: "customer", institution: "GroupBank", keyHash });
const remember = (tx: Storage, key: string) => tx.institutionMemory.write(slot(key), "value", new Date(0));
const remembered = async (storage: Storage, key: string) => (await storage.institutionMemory.read(slot(key))) !== undefined;

describe("transaction group: sqlite", () => {
  let testStore: TestStore;
  let storage: Storage;
  /** Another connection to the same file: it sees committed writes only. */
  let outside: Storage;

  beforeAll(async () => {
    testStore = await createTestStore("sqlite", "group-commit");
    storage = new KyselyStorage((await testStore.open()).db);
    outside = new KyselyStorage((await testStore.open()).db);
  });
  afterAll(async () => {
    await outside.close();
    await storage.close();
    await testStore.dispose();
  });

  it("commits the transactions asked for while one runs together, each caller only after that commit", async () => {
    const [second, third] = [newRandomId(), newRandomId()];
    const outcomes = await Promise.all([
      storage.transaction((tx) => remember(tx, "lone")),
      // Told only once the write is committed: another connection sees it then.
      storage.transaction((tx) => remember(tx, second)).then(() => remembered(outside, second)),
      storage.transaction(async (tx) => {
        await remember(tx, third);
        // The member before it wrote in the same, still open transaction.
        return { inside: await remembered(tx, second), outside: await remembered(outside, second) };
      }),
    ]);
    expect(outcomes[1]).toBe(true);
    expect(outcomes[2]).toEqual({ inside: true, outside: false });
    expect(await remembered(outside, third)).toBe(true);
  });

  it("rolls a failing member back alone, with its own error, and commits the others", async () => {
    const [first, failing, last] = [newRandomId(), newRandomId(), newRandomId()];
    const outcomes = await Promise.allSettled([
      storage.transaction((tx) => remember(tx, "lone")),
      storage.transaction((tx) => remember(tx, first)),
      storage.transaction(async (tx) => {
        await remember(tx, failing);
        throw new Error("member failed");
      }),
      storage.transaction(async (tx) => {
        await remember(tx, last);
        return "last";
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error("member failed"));
    expect((outcomes[3] as PromiseFulfilledResult<string>).value).toBe("last");
    expect(await remembered(storage, first)).toBe(true);
    expect(await remembered(storage, failing)).toBe(false);
    expect(await remembered(storage, last)).toBe(true);
  });
});

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
      // The first claim lapses and another worker takes the job: its old claim settles nothing.
      await storage.jobs.releaseClaimsOf([]);
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
  });
});
