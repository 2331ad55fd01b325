/**
 * Nightly refreshes of a sandbox card are incremental (docs/decisions.md#nightly-refresh): the
 * bank generates only the days since the card's last fetch, the snapshot is stored as a delta of
 * the card's base, and yet what the card holds — and what GetAccountsDetail answers — is exactly
 * what a full regeneration gives, night after night, on both stores.
 */
import { afterEach, describe, expect, it } from "vitest";
import { generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";
import { newTimeOrderedId } from "../../src/lib/ids.js";
import { buildSnapshot } from "../../src/logins/build-snapshot.js";
import { loadIndexKey } from "../../src/logins/index-key.js";
import { parseMasterKeys } from "../../src/vault/master-keys.js";
import { Vault } from "../../src/vault/vault.js";
import { createTestApp, TEST_MASTER_KEYS, type TestApp } from "../helpers/test-app.js";
import { skipPostgres } from "../helpers/test-store.js";

const USERNAME = "greatday_nomfa+incremental";

describe.each(["sqlite", "postgres"] as const)("incremental nightly refresh (%s)", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let t: TestApp;
    afterEach(() => t?.close());

    it("stores each night as a delta and holds exactly the full regeneration's snapshot", async () => {
      t = await createTestApp({ store, runJobs: false });
      const connected = await t.connect(USERNAME, { ScheduleRefresh: true });
      await t.deps.runner.runUntilIdle();
      const loginId = connected.Login.Id;
      const indexKey = await loadIndexKey(t.deps.storage, new Vault(parseMasterKeys(TEST_MASTER_KEYS)));
      const card = async () => (await t.deps.storage.logins.find(t.customer.customerId, loginId)) ?? expect.fail("card gone");
      const firstBase = (await card()).snapshotId;

      for (let night = 1; night <= 3; night++) {
        const now = t.clock.now();
        const fiveAm = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 5, 0));
        t.clock.set(fiveAm);
        expect(await t.deps.nightly.enqueueNight(fiveAm.toISOString().slice(0, 10))).toBe(1);
        await t.deps.runner.runUntilIdle();

        const { snapshotId, lastRefreshAt, refreshState } = await card();
        expect(refreshState).toBe("Completed");
        expect(lastRefreshAt?.getTime()).toBe(fiveAm.getTime());
        const basis = await t.deps.storage.snapshots.findRefreshBasis(snapshotId ?? "");
        // Stored as a delta of the first (whole) snapshot, never re-based this soon.
        expect(basis?.base.id).toBe(firstBase);
        expect(basis?.delta).not.toBeNull();
        expect(basis?.fetch?.day).toBe(fiveAm.toISOString().slice(0, 10));
        const full = buildSnapshot(generateBankData(USERNAME, fiveAm, { loginType: "Personal" }), loginId, indexKey);
        expect(JSON.stringify(await t.deps.storage.snapshots.find(snapshotId ?? ""))).toBe(JSON.stringify(full));
      }

      // What the API serves from it: the year's transactions of the full regeneration, ids and all.
      const cached = await t.authorize({ LoginId: loginId, MostRecentCached: true });
      expect(cached.statusCode).toBe(200);
      const detail = await t.post(
        "GetAccountsDetail",
        { RequestId: cached.json().RequestId, DaysOfTransactions: "Days365" },
        t.apiKeyHeaders(),
      );
      expect(detail.statusCode).toBe(200);
      const full = buildSnapshot(generateBankData(USERNAME, t.clock.now(), { loginType: "Personal" }), loginId, indexKey);
      const served = detail.json().Accounts as Array<{ Id: string; Transactions: Array<{ Id: string }> }>;
      expect(served.map((a) => a.Id)).toEqual(full.accounts.map((a) => a.id));
      expect(served.flatMap((a) => a.Transactions.map((x) => x.Id))).toEqual(full.accounts.flatMap((a) => a.transactions.map((x) => x.id)));
    });

    it("a delta built while the card moved on to another snapshot is not stored: the job reruns from the new one", async () => {
      t = await createTestApp({ store, runJobs: false });
      const connected = await t.connect(`${USERNAME}+moved`, { ScheduleRefresh: true });
      await t.deps.runner.runUntilIdle();
      const loginId = connected.Login.Id;
      const indexKey = await loadIndexKey(t.deps.storage, new Vault(parseMasterKeys(TEST_MASTER_KEYS)));
      const { logins, snapshots } = t.deps.storage;
      const card = async () => (await logins.find(t.customer.customerId, loginId)) ?? expect.fail("card gone");

      // An overlapping attempt, right after the aggregation read the card's snapshot: the same data
      // published again as a new whole snapshot (only an aggregation moves a card's snapshot).
      const moved = newTimeOrderedId();
      const readBasis = snapshots.findRefreshBasis.bind(snapshots);
      let overlaps = 0;
      snapshots.findRefreshBasis = async (snapshotId) => {
        const basis = await readBasis(snapshotId);
        if (overlaps++ === 0) {
          const same = (await snapshots.find(snapshotId)) ?? expect.fail("no snapshot");
          await snapshots.insert(moved, loginId, t.clock.now(), same);
          await logins.recordRefresh(loginId, { snapshotId: moved, at: t.clock.now(), loginType: "Personal" });
        }
        return basis;
      };

      const fiveAm = new Date(Date.UTC(t.clock.now().getUTCFullYear(), t.clock.now().getUTCMonth(), t.clock.now().getUTCDate() + 1, 5));
      t.clock.set(fiveAm);
      expect(await t.deps.nightly.enqueueNight(fiveAm.toISOString().slice(0, 10))).toBe(1);
      await t.deps.runner.runUntilIdle();
      // The first attempt stored nothing: the card still points at the overlapping snapshot.
      expect((await card()).snapshotId).toBe(moved);
      expect(overlaps).toBe(1);

      t.clock.set(new Date(fiveAm.getTime() + 60_000)); // past the retry's backoff
      await t.deps.runner.runUntilIdle();
      const { snapshotId, refreshState } = await card();
      expect(refreshState).toBe("Completed");
      expect(snapshotId).not.toBe(moved);
      // Stored as a delta of the snapshot the card had moved to, and exactly the full regeneration.
      expect((await snapshots.findRefreshBasis(snapshotId ?? ""))?.base.id).toBe(moved);
      const full = buildSnapshot(generateBankData(`${USERNAME}+moved`, t.clock.now(), { loginType: "Personal" }), loginId, indexKey);
      expect(JSON.stringify(await snapshots.find(snapshotId ?? ""))).toBe(JSON.stringify(full));
    });
  });
});
