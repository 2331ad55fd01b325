/**
 * The brute-force rules of AttemptLimiter (quality bar S1, docs/quality-bars.md) on the embedded store, with a
 * manual clock: window, lock, doubling, lock expiry, success reset, crashed reservations.
 * The concurrency property on both stores is in test/storage/attempt-store.test.ts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { newRandomId } from "../../src/lib/ids.js";
import {
  AttemptLimiter,
  type AttemptLimits,
  type AttemptReservation,
  cardAttemptSubject,
  credentialsAttemptSubject,
  defaultAttemptLimits,
} from "../../src/security/attempt-limiter.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";

const HOUR_SECONDS = 3600;
const limits: AttemptLimits = { ...defaultAttemptLimits, reservationTtlSeconds: 120 };

let dataDir: string;
let storage: Storage;
let clock: ManualClock;
let limiter: AttemptLimiter;
let subject: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bankgate-attempts-"));
  storage = new KyselyStorage((await openDatabase({ databaseUrl: null, dataDir })).db);
});

afterAll(async () => {
  await storage?.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  clock = new ManualClock();
  limiter = new AttemptLimiter({ store: storage.attempts, clock, limits });
  subject = cardAttemptSubject(newRandomId());
});

async function reserveOk(key = subject): Promise<AttemptReservation> {
  const result = await limiter.reserve(key);
  if (!result.ok) throw new Error(`expected a reservation, got ${result.reason}`);
  return result.reservation;
}

/** One whole attempt: reserve, send (nothing here), settle. */
async function attempt(outcome: "wrong" | "right" | "other"): Promise<{ lockedUntil: Date | null }> {
  return limiter.settle(await reserveOk(), outcome);
}

const inSeconds = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);

describe("AttemptLimiter", () => {
  it("locks on the 5th wrong answer for 30 min and says so from that very settle", async () => {
    for (let i = 0; i < 4; i++) expect(await attempt("wrong")).toEqual({ lockedUntil: null });
    const lockedUntil = inSeconds(30 * 60);
    expect(await attempt("wrong")).toEqual({ lockedUntil });
    expect(await limiter.reserve(subject)).toEqual({ ok: false, reason: "locked", retryAt: lockedUntil });
  });

  it("allows again once the lock ends, with a full new allowance", async () => {
    for (let i = 0; i < 5; i++) await attempt("wrong");
    clock.advanceSeconds(30 * 60 - 1);
    expect((await limiter.reserve(subject)).ok).toBe(false);
    clock.advanceSeconds(1);
    for (let i = 0; i < 4; i++) expect(await attempt("wrong")).toEqual({ lockedUntil: null });
    expect((await attempt("wrong")).lockedUntil).not.toBeNull();
  });

  it("doubles the lock on each repeat, up to maxLockSeconds", async () => {
    const lengths: number[] = [];
    for (let lock = 0; lock < 8; lock++) {
      const start = clock.now().getTime();
      for (let i = 0; i < 5; i++) await attempt("wrong");
      const result = await limiter.reserve(subject);
      if (result.ok) throw new Error("expected a lock");
      lengths.push((result.retryAt.getTime() - start) / 1000);
      clock.set(result.retryAt);
    }
    expect(lengths).toEqual([1800, 3600, 7200, 14400, 28800, 57600, 86400, 86400]);
  });

  it("forgets the lock history after a quiet window following the last lock", async () => {
    for (let i = 0; i < 5; i++) await attempt("wrong");
    clock.advanceSeconds(30 * 60 + 24 * HOUR_SECONDS);
    for (let i = 0; i < 4; i++) await attempt("wrong");
    expect(await attempt("wrong")).toEqual({ lockedUntil: inSeconds(30 * 60) });
  });

  it("keeps the lock history when the next lock comes within the window", async () => {
    for (let i = 0; i < 5; i++) await attempt("wrong");
    clock.advanceSeconds(30 * 60 + 24 * HOUR_SECONDS - 1);
    for (let i = 0; i < 4; i++) await attempt("wrong");
    expect(await attempt("wrong")).toEqual({ lockedUntil: inSeconds(60 * 60) });
  });

  it("counts failures in a sliding 24 h window: each leaves it 24 h after it happened", async () => {
    await attempt("wrong");
    await attempt("wrong");
    clock.advanceSeconds(12 * HOUR_SECONDS);
    await attempt("wrong");
    await attempt("wrong");
    clock.advanceSeconds(12 * HOUR_SECONDS); // the first two are exactly 24 h old: out
    await attempt("wrong");
    await attempt("wrong");
    expect(await attempt("wrong")).toEqual({ lockedUntil: inSeconds(30 * 60) });
  });

  it("still counts a failure one millisecond before it is 24 h old", async () => {
    for (let i = 0; i < 4; i++) await attempt("wrong");
    clock.advanceSeconds(24 * HOUR_SECONDS - 0.001);
    expect((await attempt("wrong")).lockedUntil).not.toBeNull();
  });

  it("clears failures and the lock history on a right answer", async () => {
    for (let i = 0; i < 5; i++) await attempt("wrong");
    clock.advanceSeconds(30 * 60);
    for (let i = 0; i < 4; i++) await attempt("wrong");
    expect(await attempt("right")).toEqual({ lockedUntil: null });
    for (let i = 0; i < 4; i++) expect(await attempt("wrong")).toEqual({ lockedUntil: null });
    // Back at the first lock's length: the history was cleared by the success.
    expect(await attempt("wrong")).toEqual({ lockedUntil: inSeconds(30 * 60) });
  });

  it("releases an attempt that got no verdict without counting it", async () => {
    for (let i = 0; i < 4; i++) await attempt("wrong");
    for (let i = 0; i < 10; i++) expect(await attempt("other")).toEqual({ lockedUntil: null });
    expect((await attempt("wrong")).lockedUntil).not.toBeNull();
  });

  it("refuses while attempts in flight fill the allowance, until one is settled", async () => {
    const reservations = [];
    for (let i = 0; i < 5; i++) reservations.push(await reserveOk());
    expect(await limiter.reserve(subject)).toEqual({ ok: false, reason: "pending", retryAt: inSeconds(120) });
    await limiter.settle(reservations[0] as AttemptReservation, "other");
    expect((await limiter.reserve(subject)).ok).toBe(true);
  });

  it("counts a reservation never settled (its process died) as a failure once it expires", async () => {
    for (let i = 0; i < 4; i++) await attempt("wrong");
    await reserveOk(); // never settled
    expect((await limiter.reserve(subject)).ok).toBe(false);
    clock.advanceSeconds(120);
    const result = await limiter.reserve(subject);
    expect(result).toEqual({ ok: false, reason: "locked", retryAt: inSeconds(30 * 60) });
  });

  it("ignores the late settle of an expired reservation: it must not free another attempt's slot", async () => {
    const late = await reserveOk();
    clock.advanceSeconds(120);
    // The next reserve folds `late` into a failure: 1 failure + these 4 pending fill the allowance.
    for (let i = 0; i < 4; i++) await reserveOk();
    expect(await limiter.settle(late, "right")).toEqual({ lockedUntil: null });
    expect((await limiter.reserve(subject)).ok).toBe(false);
  });

  it("ignores a second settle of the same reservation", async () => {
    const first = await reserveOk();
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await reserveOk());
    await limiter.settle(first, "other");
    await limiter.settle(first, "other");
    expect((await limiter.reserve(subject)).ok).toBe(true);
    expect((await limiter.reserve(subject)).ok).toBe(false);
  });

  it("settles from the counter its reservation stored, reading it again only when another writer came between", async () => {
    let reads = 0;
    const store = storage.attempts;
    const counted: typeof store = Object.assign(Object.create(store), {
      find: (key: string) => {
        reads++;
        return store.find(key);
      },
    });
    limiter = new AttemptLimiter({ store: counted, clock, limits });

    const alone = await reserveOk();
    const readsBefore = reads;
    await limiter.settle(alone, "wrong");
    expect(reads).toBe(readsBefore);

    // Another reservation in between: the settle decides on the counter as it is now.
    const first = await reserveOk();
    const second = await reserveOk();
    await limiter.settle(first, "other");
    expect(reads).toBeGreaterThan(readsBefore + 2);
    // One failure and `second` in flight: three more attempts fit the allowance of five, not four.
    for (let i = 0; i < 3; i++) await reserveOk();
    expect(await limiter.reserve(subject)).toMatchObject({ ok: false, reason: "pending" });
    await limiter.settle(second, "other");
  });

  it("reserves on a new subject with one read and one insert, and settles that reservation without a read", async () => {
    const calls: string[] = [];
    const counted = new Proxy(storage.attempts, {
      get(store, name) {
        const member = Reflect.get(store, name);
        if (typeof member !== "function") return member;
        return (...args: unknown[]) => {
          calls.push(String(name));
          return member.apply(store, args);
        };
      },
    });
    limiter = new AttemptLimiter({ store: counted, clock, limits });

    const reservation = await reserveOk();
    expect(calls).toEqual(["find", "insertIfAbsent"]);
    expect(await storage.attempts.find(subject)).toEqual(reservation.counterAfter);
    expect(await limiter.settle(reservation, "wrong")).toEqual({ lockedUntil: null });
    expect(calls).toEqual(["find", "insertIfAbsent", "replace"]);
    expect((await storage.attempts.find(subject))?.failuresAt).toEqual([clock.now()]);
  });

  it("a settle from before a forget leaves the reservations of the subject's new counter alone", async () => {
    const old = await reserveOk();
    await limiter.forget(subject);
    await reserveOk(); // the new counter's, in flight: it holds a slot
    await limiter.settle(old, "other");
    for (let i = 0; i < 4; i++) await reserveOk();
    expect(await limiter.reserve(subject)).toMatchObject({ ok: false, reason: "pending" });
  });

  it("settles inside a transaction: the verdict commits with it, and a rollback leaves the reservation pending", async () => {
    const kept: AttemptReservation[] = [];
    for (let i = 0; i < 5; i++) kept.push(await reserveOk());
    // Rolled back: the slot stays taken, as if the settling process had died.
    await expect(
      storage.transaction(async (tx) => {
        await limiter.settleIn(tx.attempts, kept[0] as AttemptReservation, "right");
        throw new Error("the step's commit failed");
      }),
    ).rejects.toThrow("the step's commit failed");
    expect(await limiter.reserve(subject)).toMatchObject({ ok: false, reason: "pending" });
    // Committed: the slot is free once the transaction is.
    const settled = await storage.transaction((tx) => limiter.settleIn(tx.attempts, kept[1] as AttemptReservation, "right"));
    expect(settled.lockedUntil).toBeNull();
    settled.afterCommit();
    expect((await limiter.reserve(subject)).ok).toBe(true);
  });

  it("a settle inside a transaction wakes the reservations waiting for its slot through afterCommit", async () => {
    const kept: AttemptReservation[] = [];
    for (let i = 0; i < 5; i++) kept.push(await reserveOk());
    const waiting = limiter.reserveWaiting(subject, 30);
    await clock.whenSleeping(1);
    const settled = await storage.transaction((tx) => limiter.settleIn(tx.attempts, kept[0] as AttemptReservation, "other"));
    settled.afterCommit();
    expect((await waiting).ok).toBe(true);
  });

  it("keeps subjects apart", async () => {
    for (let i = 0; i < 5; i++) await attempt("wrong");
    const other = cardAttemptSubject(newRandomId());
    expect((await limiter.reserve(other)).ok).toBe(true);
  });

  it("forgets a subject entirely, and a settle arriving afterwards does not bring it back", async () => {
    const pending = await reserveOk();
    for (let i = 0; i < 4; i++) await attempt("wrong");
    await limiter.forget(subject);
    expect(await storage.attempts.find(subject)).toBeUndefined();
    expect(await limiter.settle(pending, "wrong")).toEqual({ lockedUntil: null });
    expect(await storage.attempts.find(subject)).toBeUndefined();
  });

  it("purges a counter only once it holds nothing: no failure in the window, no reservation, no lock history", async () => {
    const failing = subject;
    const locked = cardAttemptSubject(newRandomId());
    await attempt("wrong");
    for (let i = 0; i < 5; i++) await limiter.settle(await reserveOk(locked), "wrong");
    const idle = cardAttemptSubject(newRandomId());
    await limiter.settle(await reserveOk(idle), "right");

    await limiter.purgeExpired();
    expect(await storage.attempts.find(idle)).toBeUndefined();
    expect(await storage.attempts.find(failing)).toBeDefined();

    clock.advanceSeconds(24 * HOUR_SECONDS);
    await limiter.purgeExpired();
    expect(await storage.attempts.find(failing)).toBeUndefined();
    expect(await storage.attempts.find(locked)).toBeDefined();

    clock.advanceSeconds(30 * 60);
    await limiter.purgeExpired();
    expect(await storage.attempts.find(locked)).toBeUndefined();
  });

  it("rejects limits that would disable the protection", () => {
    const make = (override: Partial<AttemptLimits>) => () =>
      new AttemptLimiter({ store: storage.attempts, clock, limits: { ...limits, ...override } });
    expect(make({ maxFailuresPerWindow: 0 })).toThrow(RangeError);
    expect(make({ lockSeconds: 0 })).toThrow(RangeError);
    expect(make({ lockGrowthFactor: 0.5 })).toThrow(RangeError);
    expect(make({ maxLockSeconds: 60 })).toThrow(RangeError);
    expect(make({ reservationTtlSeconds: Number.NaN })).toThrow(RangeError);
  });
});

describe("subject keys", () => {
  const indexKey = Buffer.alloc(32, 7);

  it("never hold the username, and ignore case, surrounding spaces and language", () => {
    const key = credentialsAttemptSubject(indexKey, "customer-1", "FlinksCapital", "  Jane.Doe ");
    expect(key).toMatch(/^credentials:[0-9a-f]{64}$/);
    expect(key.toLowerCase()).not.toContain("jane");
    expect(credentialsAttemptSubject(indexKey, "customer-1", "flinkscapital", "jane.doe")).toBe(key);
  });

  it("differ per customer and per institution", () => {
    const key = credentialsAttemptSubject(indexKey, "customer-1", "FlinksCapital", "jane");
    expect(credentialsAttemptSubject(indexKey, "customer-2", "FlinksCapital", "jane")).not.toBe(key);
    expect(credentialsAttemptSubject(indexKey, "customer-1", "OtherBank", "jane")).not.toBe(key);
  });
});
