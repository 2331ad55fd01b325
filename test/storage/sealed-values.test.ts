/**
 * SealedValueStore (master-key rotation's view of the store), on both stores: it lists only
 * vault ciphertexts under another key than the one asked, in key order and pages, counts them,
 * and replaces a value only while it still holds the expected one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

describe.each(["sqlite", "postgres"] as const)("sealed values: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storage: Storage;

    beforeAll(async () => {
      testStore = await createTestStore(store, "sealed");
      storage = new KyselyStorage((await testStore.open()).db);
      const at = new Date("2026-02-01T00:00:00.000Z");
      // Keys chosen so that key order is a, b, c, d, e; "old_1" holds a LIKE wildcard ("_").
      for (const [hash, value] of [
        ["a", "v1.old_1.wrapped.body-a"],
        ["b", "v1.new.wrapped.body-b"],
        ["c", "v1.old_1.wrapped.body-c"],
        ["d", "v1.oldX1.wrapped.body-d"],
        ["e", "not a ciphertext"],
      ] as const) {
        await storage.cardVault.write(hash.repeat(64), "customer", value, at);
      }
      await storage.settings.getOrInit("plain_setting", "v2-is-not-a-vault-format");
    });
    afterAll(async () => {
      await storage.close();
      await testStore.dispose();
    });

    it("lists ciphertexts not under the key, in key order, by pages; counts them", async () => {
      const list = (afterKey: string, limit: number) =>
        storage.sealedValues.listNotWrappedBy("card_vault.value_enc", "new", afterKey, limit).then((rows) => rows.map((r) => r.key[0]));
      expect(await list("", 2)).toEqual(["a", "c"]);
      expect(await list("c".repeat(64), 2)).toEqual(["d"]);
      expect(await storage.sealedValues.countNotWrappedBy("card_vault.value_enc", "new")).toBe(3);
      // A key id with "_" matches only itself (no LIKE wildcard): d is not under old_1.
      expect(await storage.sealedValues.countNotWrappedBy("card_vault.value_enc", "old_1")).toBe(2);
      expect(await storage.sealedValues.countNotWrappedBy("server_settings.value", "new")).toBe(0);
    });

    it("replaces a value only while it still holds the expected one", async () => {
      const key = "a".repeat(64);
      expect(await storage.sealedValues.replace("card_vault.value_enc", key, "v1.old_1.stale.body", "v1.new.x.y")).toBe(false);
      expect(await storage.sealedValues.replace("card_vault.value_enc", key, "v1.old_1.wrapped.body-a", "v1.new.rewrapped.body-a")).toBe(
        true,
      );
      expect(await storage.cardVault.read(key)).toBe("v1.new.rewrapped.body-a");
      expect(await storage.sealedValues.countNotWrappedBy("card_vault.value_enc", "new")).toBe(2);
    });
  });
});
