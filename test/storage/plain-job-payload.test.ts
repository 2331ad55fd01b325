/**
 * Job payloads of the kinds the queue is told hold only ids are stored as JSON; every other
 * kind's payload stays sealed. A plain kind still reads a payload sealed before it became
 * plain; a sealed kind never takes a plain payload planted in its row. On both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { JobQueue } from "../../src/queue/job-queue.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { Vault } from "../../src/vault/vault.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const vault = new Vault([{ id: "k", key: Buffer.alloc(32, 7) }]);
const options = { claimSeconds: 60, retryBaseSeconds: 1, defaultMaxAttempts: 3 };

describe.each(["sqlite", "postgres"] as const)("plain job payloads: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storage: Storage;
    let queue: JobQueue<Record<string, unknown>>;

    beforeAll(async () => {
      testStore = await createTestStore(store, "plain_job_payload");
      storage = new KyselyStorage((await testStore.open()).db);
      queue = new JobQueue(storage, vault, new ManualClock(), { ...options, plainPayloadKinds: ["ids"] });
    });
    afterAll(async () => {
      await storage.close();
      await testStore.dispose();
    });

    async function overwritePayload(id: string, payload: string): Promise<void> {
      const { db } = await testStore.open();
      try {
        await db.updateTable("jobs").set({ payload_enc: payload }).where("id", "=", id).execute();
      } finally {
        await db.destroy();
      }
    }

    it("stores a plain kind's payload as its JSON and seals every other kind's", async () => {
      const plain = (await queue.enqueue("ids", { loginId: "card-1" })) as string;
      const sealed = (await queue.enqueue("answers", { answer: "canary-quebec" })) as string;
      expect((await storage.jobs.find(plain))?.payload_enc).toBe('{"loginId":"card-1"}');
      expect((await storage.jobs.find(sealed))?.payload_enc).not.toContain("canary-quebec");

      const claimed = await queue.claim(["ids", "answers"], 10);
      expect(Object.fromEntries(claimed.map((job) => [job.kind, job.payload]))).toEqual({
        ids: { loginId: "card-1" },
        answers: { answer: "canary-quebec" },
      });
    });

    it("opens a plain kind's payload sealed before its kind was plain", async () => {
      const before = new JobQueue<Record<string, unknown>>(storage, vault, new ManualClock(), options);
      const id = (await before.enqueue("ids", { loginId: "card-2" })) as string;
      expect((await storage.jobs.find(id))?.payload_enc).not.toContain("card-2");

      const [job] = await queue.claim(["ids"], 10);
      expect(job).toMatchObject({ id, payload: { loginId: "card-2" } });
    });

    it("fails a sealed kind's job whose payload was replaced by plain JSON, and only that job", async () => {
      const victim = (await queue.enqueue("answers", { answer: "real" })) as string;
      const other = (await queue.enqueue("answers", { answer: "other" })) as string;
      await overwritePayload(victim, '{"answer":"planted"}');

      const claimed = await queue.claim(["answers"], 10);
      expect(claimed.map((job) => job.id)).toEqual([other]);
      const row = await storage.jobs.find(victim);
      expect(row?.state).toBe("failed");
      expect(row?.last_error).toContain("payload cannot be opened");
    });

    it("fails a plain kind's job whose payload is not JSON, and only that job", async () => {
      const victim = (await queue.enqueue("ids", { loginId: "card-3" })) as string;
      const other = (await queue.enqueue("ids", { loginId: "card-4" })) as string;
      await overwritePayload(victim, '{"loginId":');

      const claimed = await queue.claim(["ids"], 10);
      expect(claimed.map((job) => job.payload)).toEqual([{ loginId: "card-4" }]);
      expect(claimed.map((job) => job.id)).toEqual([other]);
      expect((await storage.jobs.find(victim))?.state).toBe("failed");
    });
  });
});
