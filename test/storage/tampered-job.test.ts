/**
 * A job whose encrypted payload was altered in the store fails alone, for good, with the
 * reason as its last error; the jobs claimed with it run as usual. On both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { JobQueue } from "../../src/queue/job-queue.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { Vault } from "../../src/vault/vault.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const vault = new Vault([{ id: "k", key: Buffer.alloc(32, 5) }]);

describe.each(["sqlite", "postgres"] as const)("a tampered job payload: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storage: Storage;
    let queue: JobQueue<Record<string, unknown>>;

    beforeAll(async () => {
      testStore = await createTestStore(store, "tampered_job");
      storage = new KyselyStorage((await testStore.open()).db);
      queue = new JobQueue(storage, vault, new ManualClock(), { claimSeconds: 60, retryBaseSeconds: 1, defaultMaxAttempts: 3 });
    });
    afterAll(async () => {
      await storage.close();
      await testStore.dispose();
    });

    it("fails that job for good and hands out the others", async () => {
      const ids = [];
      for (let n = 0; n < 3; n++) ids.push((await queue.enqueue("work", { n })) as string);
      const [first, victim, last] = ids as [string, string, string];
      const row = await storage.jobs.find(victim);
      // Another job's valid ciphertext: well-formed, but bound to the other row (AAD), as a copied value would be.
      const foreign = (await storage.jobs.find(first))?.payload_enc as string;
      expect(row?.payload_enc).not.toBe(foreign);
      const { db } = await testStore.open();
      try {
        await db.updateTable("jobs").set({ payload_enc: foreign }).where("id", "=", victim).execute();
      } finally {
        await db.destroy();
      }

      const claimed = await queue.claim(["work"], 10);
      expect(claimed.map((job) => job.id).sort()).toEqual([first, last].sort());
      const raw = await storage.jobs.find(victim);
      expect(raw?.state).toBe("failed");
      expect(raw?.last_error).toContain("payload cannot be opened");
      expect(await queue.claim(["work"], 10)).toEqual([]);
    });
  });
});
