/**
 * AttemptLimiter.reserveWaiting: an allowance filled only by attempts in flight is waited
 * for, not refused. A right verdict frees a slot; wrong ones lock the subject; the deadline
 * ends the wait still "pending" (the caller answers "retry later"). Manual clock, embedded store.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { newRandomId } from "../../src/lib/ids.js";
import { AttemptLimiter, type AttemptReservation, cardAttemptSubject, defaultAttemptLimits } from "../../src/security/attempt-limiter.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";

const LIMIT = defaultAttemptLimits.maxFailuresPerWindow;
const MAX_WAIT_SECONDS = 30;

let dataDir: string;
let storage: Storage;
let clock: ManualClock;
let limiter: AttemptLimiter;
let subject: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bankgate-slot-wait-"));
  storage = new KyselyStorage((await openDatabase({ databaseUrl: null, dataDir })).db);
});
afterAll(async () => {
  await storage?.close();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  clock = new ManualClock();
  limiter = new AttemptLimiter({ store: storage.attempts, clock, limits: defaultAttemptLimits });
  subject = cardAttemptSubject(newRandomId());
});

/** The whole allowance taken by attempts in flight. */
async function fillWithPending(): Promise<AttemptReservation[]> {
  const reservations: AttemptReservation[] = [];
  for (let i = 0; i < LIMIT; i++) {
    const result = await limiter.reserve(subject);
    if (!result.ok) throw new Error(`reservation ${i} refused: ${result.reason}`);
    reservations.push(result.reservation);
  }
  expect(await limiter.reserve(subject)).toMatchObject({ ok: false, reason: "pending" });
  return reservations;
}

describe("waiting for a slot", () => {
  it("gets the slot a right verdict frees", async () => {
    const [first] = await fillWithPending();
    const waiting = limiter.reserveWaiting(subject, MAX_WAIT_SECONDS);
    await clock.whenSleeping(1);
    await limiter.settle(first as AttemptReservation, "right");
    expect(await waiting).toMatchObject({ ok: true });
  });

  it("ends locked when the attempts in flight all turn out wrong", async () => {
    const reservations = await fillWithPending();
    const waiting = limiter.reserveWaiting(subject, MAX_WAIT_SECONDS);
    await clock.whenSleeping(1);
    for (const reservation of reservations) await limiter.settle(reservation, "wrong");
    expect(await waiting).toMatchObject({ ok: false, reason: "locked" });
  });

  it("gives up still pending at the deadline, without counting anything", async () => {
    await fillWithPending();
    const waiting = limiter.reserveWaiting(subject, MAX_WAIT_SECONDS);
    for (let waited = 0; waited < MAX_WAIT_SECONDS; waited++) {
      await clock.whenSleeping(1);
      clock.advanceSeconds(1);
    }
    expect(await waiting).toMatchObject({ ok: false, reason: "pending" });
    const counter = await storage.attempts.find(subject);
    expect(counter?.failuresAt).toEqual([]);
    expect(counter?.pending).toHaveLength(LIMIT);
  });

  it("takes a free slot at once", async () => {
    expect(await limiter.reserveWaiting(subject, MAX_WAIT_SECONDS)).toMatchObject({ ok: true });
  });
});
