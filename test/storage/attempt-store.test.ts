/**
 * Brute-force limits under concurrency (quality bar S1, docs/quality-bars.md), on both stores: however many
 * attempts race on one card, from however many connections, at most the limit reach the
 * institution before the lock. Each store kind gets its own database for the file, as in
 * conformance.test.ts; tests use fresh subjects.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { newRandomId } from "../../src/lib/ids.js";
import {
  AttemptLimiter,
  type AttemptLimits,
  type AttemptReservation,
  cardAttemptSubject,
  defaultAttemptLimits,
} from "../../src/security/attempt-limiter.js";
import type { AttemptCounter } from "../../src/storage/attempt-store.js";
import type { StoreKind } from "../../src/storage/open-database.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { createTestStore, skipPostgres } from "../helpers/test-store.js";

const PARALLEL = 50;
const LOCK_SECONDS = 1800;
const limits: AttemptLimits = { ...defaultAttemptLimits, maxFailuresPerWindow: 5, lockSeconds: LOCK_SECONDS };

interface Harness {
  /** Two independent connections (pools) to one store: two API processes. */
  storages: [Storage, Storage];
  dispose(): Promise<void>;
}

async function openHarness(store: StoreKind): Promise<Harness> {
  const testStore = await createTestStore(store, "attempts");
  const first = await testStore.open();
  expect(first.kind).toBe(store);
  const second = await testStore.open();
  const storages: [Storage, Storage] = [new KyselyStorage(first.db), new KyselyStorage(second.db)];
  return {
    storages,
    async dispose() {
      await Promise.all(storages.map((s) => s.close()));
      await testStore.dispose();
    },
  };
}

describe.each(["sqlite", "postgres"] as const)("attempt limits: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let h: Harness;
    let clock: ManualClock;
    /** One limiter per connection, sharing the clock: attempts race across "processes". */
    let limiters: [AttemptLimiter, AttemptLimiter];
    let subject: string;

    beforeAll(async () => {
      h = await openHarness(store);
    });
    afterAll(async () => {
      await h?.dispose();
    });
    beforeEach(() => {
      clock = new ManualClock();
      limiters = [
        new AttemptLimiter({ store: h.storages[0].attempts, clock, limits }),
        new AttemptLimiter({ store: h.storages[1].attempts, clock, limits }),
      ];
      subject = cardAttemptSubject(newRandomId());
    });

    const limiterFor = (i: number) => limiters[i % 2] as AttemptLimiter;

    async function reserveInParallel(): Promise<AttemptReservation[]> {
      const results = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => limiterFor(i).reserve(subject)));
      return results.flatMap((r) => (r.ok ? [r.reservation] : []));
    }

    /** 50 wrong answers on 50 RequestIds at once: reserve, "send", settle, each on its own. */
    async function attackInParallel(): Promise<number> {
      const reached = await Promise.all(
        Array.from({ length: PARALLEL }, async (_, i) => {
          const result = await limiterFor(i).reserve(subject);
          if (!result.ok) return 0;
          await limiterFor(i + 1).settle(result.reservation, "wrong");
          return 1;
        }),
      );
      return reached.reduce<number>((a, b) => a + b, 0);
    }

    async function refusal(): Promise<{ reason: string; retryAt: Date }> {
      const result = await limiterFor(0).reserve(subject);
      if (result.ok) throw new Error("expected a refusal");
      return { reason: result.reason, retryAt: result.retryAt };
    }

    it("grants exactly the limit to 50 parallel reservations on one card", async () => {
      const granted = await reserveInParallel();
      expect(granted).toHaveLength(5);
      expect(new Set(granted.map((r) => r.id)).size).toBe(5);
      expect((await refusal()).reason).toBe("pending");
    });

    it("locks once the granted attempts are settled wrong, and allows again after the lock", async () => {
      const granted = await reserveInParallel();
      const settled = await Promise.all(granted.map((r, i) => limiterFor(i).settle(r, "wrong")));
      const lockedUntil = new Date(clock.now().getTime() + LOCK_SECONDS * 1000);
      // Only the settle that completed the window saw the lock set.
      expect(settled.filter((s) => s.lockedUntil !== null)).toEqual([{ lockedUntil }]);
      expect(await refusal()).toEqual({ reason: "locked", retryAt: lockedUntil });

      clock.set(lockedUntil);
      expect(await reserveInParallel()).toHaveLength(5);
    });

    it("lets at most the limit through when reserves and settles interleave, and doubles the lock on the second one", async () => {
      expect(await attackInParallel()).toBe(5);
      const first = await refusal();
      expect(first.reason).toBe("locked");
      expect(first.retryAt.getTime() - clock.now().getTime()).toBe(LOCK_SECONDS * 1000);
      expect(await attackInParallel()).toBe(0);

      clock.set(first.retryAt);
      expect(await attackInParallel()).toBe(5);
      const second = await refusal();
      expect(second.retryAt.getTime() - clock.now().getTime()).toBe(2 * LOCK_SECONDS * 1000);
    });

    it("releases attempts settled without a verdict, still never more than the limit in flight", async () => {
      const first = await reserveInParallel();
      await Promise.all(first.map((r, i) => limiterFor(i).settle(r, "other")));
      const second = await reserveInParallel();
      expect(second).toHaveLength(5);
      // Settling the first batch again releases nothing of the second.
      await Promise.all(first.map((r, i) => limiterFor(i).settle(r, "other")));
      expect((await refusal()).reason).toBe("pending");
    });

    it("round-trips a counter exactly and swaps it only from the version it was read at", async () => {
      const attempts = h.storages[0].attempts;
      const counter: AttemptCounter = {
        subjectKey: subject,
        failuresAt: [new Date("2020-01-15T15:00:00.123Z"), new Date("2020-01-15T16:00:00.456Z")],
        pending: [{ id: newRandomId(), expiresAt: new Date("2020-01-15T17:00:00.789Z") }],
        lockedUntil: new Date("2020-01-15T18:00:00.001Z"),
        lockCount: 3,
        version: 1,
        retainUntil: new Date("2020-01-16T18:00:00.001Z"),
      };
      expect(await attempts.insertIfAbsent(counter)).toBe(true);
      expect(await attempts.insertIfAbsent({ ...counter, lockCount: 9 })).toBe(false);
      expect(await attempts.find(subject)).toEqual(counter);

      const next = { ...counter, failuresAt: [], pending: [], lockedUntil: null };
      expect(await attempts.replace(next, 1)).toBe(true);
      expect(await attempts.replace({ ...next, lockCount: 7 }, 1)).toBe(false);
      expect(await attempts.find(subject)).toEqual({ ...next, version: 2 });

      // Dated years before the other tests' counters, so the purge touches this one only.
      expect(await attempts.deleteExpired(new Date("2020-01-16T18:00:00.000Z"))).toBe(0);
      expect(await attempts.deleteExpired(new Date("2020-01-16T18:00:00.001Z"))).toBe(1);
      expect(await attempts.find(subject)).toBeUndefined();
    });
  });
});
