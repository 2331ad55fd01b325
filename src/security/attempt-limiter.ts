import { randomInt } from "node:crypto";
import type { Clock } from "../lib/clock.js";
import { keyedHash, newRandomId } from "../lib/ids.js";
import type { AttemptCounter, AttemptStore } from "../storage/attempt-store.js";

/** Brute-force limits per subject (quality bar S1, docs/quality-bars.md). All are config values. */
export interface AttemptLimits {
  /** Wrong answers per subject inside any sliding window before it locks (S1: 5). */
  maxFailuresPerWindow: number;
  /** The sliding window (S1: 24 h). */
  windowSeconds: number;
  /** Length of the first lock (S1: at least 30 min). */
  lockSeconds: number;
  /** Each further lock lasts this many times the previous one: 2 doubles, 1 keeps it constant. */
  lockGrowthFactor: number;
  /** No lock lasts longer, however often it repeats. */
  maxLockSeconds: number;
  /**
   * A reservation not settled by then counts as a wrong answer (its process died or overran).
   * Keep it above the connector timeout, or slow institutions produce false failures.
   */
  reservationTtlSeconds: number;
}

export const defaultAttemptLimits: Readonly<AttemptLimits> = Object.freeze({
  maxFailuresPerWindow: 5,
  windowSeconds: 86_400,
  lockSeconds: 1_800,
  lockGrowthFactor: 2,
  maxLockSeconds: 86_400,
  reservationTtlSeconds: 180,
});

/** The right to send one attempt to the institution; hand it back to `settle` exactly once. */
export interface AttemptReservation {
  readonly subjectKey: string;
  /** Random: tells this reservation from every other, so settling it twice releases nothing more. */
  readonly id: string;
  /** Settled later than this, the attempt has already been counted as a failure. */
  readonly expiresAt: Date;
  /**
   * The subject's counter as this reservation's compare-and-swap stored it: the settle swaps
   * from it without reading the counter again, unless another writer came in between.
   */
  readonly counterAfter?: AttemptCounter;
}

export type ReserveResult =
  | { ok: true; reservation: AttemptReservation }
  /** The subject is locked: refuse without contacting the institution. */
  | { ok: false; reason: "locked"; retryAt: Date }
  /**
   * Not locked, but attempts in flight elsewhere fill the window's allowance: refuse for now.
   * `retryAt` is the latest moment they resolve (settled, or presumed wrong); often sooner.
   */
  | { ok: false; reason: "pending"; retryAt: Date };

/**
 * What the institution said. "wrong": the answer or credentials were rejected (also use it
 * when a timeout leaves unknown whether the bank saw the attempt). "right": accepted.
 * "other": the attempt never reached a verdict (institution down, our own error).
 */
export type AttemptOutcome = "wrong" | "right" | "other";

/** Wrong MFA answers are counted per card, across all of its sessions (S1: per LoginId). */
export function cardAttemptSubject(loginId: string): string {
  return `card:${loginId}`;
}

/**
 * Failed credential submissions are counted per customer + institution + username. Keyed
 * hash, so the table never holds a username; normalized like the LoginId lookup, and
 * without the language so switching it buys no extra attempts.
 */
export function credentialsAttemptSubject(indexKey: Buffer, customerId: string, institution: string, username: string): string {
  return `credentials:${keyedHash(indexKey, "attempts", customerId, institution.toLowerCase(), username.trim().toLowerCase())}`;
}

/** Optimistic-concurrency rounds before giving up; every round lets at least one contender through. */
const MAX_ROUNDS = 1_000;
/** A reservation waiting for a slot looks again this often, for settles made by other processes. */
const SLOT_RECHECK_SECONDS = 1;
/** Wake-ups of one waiting reservation before it gives up (each is a settle or a recheck). */
const MAX_SLOT_WAITS = 10_000;
const MAX_SUBJECT_KEY_LENGTH = 128;

/**
 * Bounds the attempts that reach an institution per subject (a card, or institution +
 * username), across every session and every process sharing the store.
 *
 * Use: `reserve` before sending an MFA answer or credentials; refuse the call when it is not
 * ok; otherwise send, then `settle` the reservation once with the verdict (in a `finally`).
 *
 * Why a reservation and not a check after the fact: 50 answers sent at once on 50 RequestIds
 * of one card would all pass a "failures < limit" check before any of them failed. Reserving
 * counts the attempt as pending in the same compare-and-swap that checks the limit, so
 * failures + pending never exceeds it and at most `maxFailuresPerWindow` attempts reach the
 * institution before a lock.
 *
 * Why pending attempts with an expiry, not "count a failure at reserve, refund on success":
 * with refunds, a lock could fire while answers still in flight might turn out right. Each
 * pending attempt has its own random id and expiry: settling it twice releases nothing, and
 * one whose process died (kill -9 between reserve and settle) is counted as a failure once
 * `reservationTtlSeconds` have passed, because its answer may have reached the bank. A
 * settle arriving after that finds nothing to release and changes nothing. Pending attempts
 * are bounded by the limit, so the row stays small.
 *
 * Rules: failures are counted in a sliding window; reaching `maxFailuresPerWindow` locks the
 * subject for lockSeconds × lockGrowthFactor^(locks so far), capped at maxLockSeconds, and
 * the lock consumes the failures (after it, a new allowance starts). The lock history is
 * forgotten after one quiet window following a lock. A "right" outcome proves the owner: it
 * clears failures and the lock history, but never shortens an active lock (those failures
 * did happen).
 */
export class AttemptLimiter {
  /** Reservations of this process waiting for a slot, by subject: a settle wakes them at once. */
  readonly #waiting = new Map<string, Set<() => void>>();

  constructor(private readonly deps: { store: AttemptStore; clock: Clock; limits: AttemptLimits }) {
    assertValidLimits(deps.limits);
  }

  /** Atomically: refuse if locked or full, else count one pending attempt and return its reservation. */
  async reserve(subjectKey: string): Promise<ReserveResult> {
    if (subjectKey.length > MAX_SUBJECT_KEY_LENGTH) throw new RangeError("subject key too long");
    return this.#update<ReserveResult>(this.deps.store, subjectKey, "create", (counter, now) => {
      const { next, result } = reserveOn(counter, now, this.deps.limits, newRandomId());
      if (!result.ok) return { next, result };
      // AttemptStore.replace stores `next` one version past the counter it swapped from.
      return {
        next,
        result: { ok: true, reservation: { ...result.reservation, counterAfter: { ...next, version: counter.version + 1 } } },
      };
    });
  }

  /**
   * `reserve`, but a subject whose allowance is only taken by attempts in flight (reason
   * "pending") is waited for, up to `maxWaitSeconds`, instead of refused: six correct logins
   * of one username at once must all pass, and only wrong attempts may lock it. The wait ends
   * when a slot frees (an attempt settled right, or without a verdict), when the subject
   * locks (the attempts in flight were wrong), or at the deadline (still "pending": the caller
   * answers "retry later", never "too many requests"). A settle in this process wakes the
   * waiters at once; settles of other processes are seen at the next recheck.
   */
  async reserveWaiting(subjectKey: string, maxWaitSeconds: number): Promise<ReserveResult> {
    const deadline = secondsLater(this.deps.clock.now(), maxWaitSeconds);
    let result = await this.reserve(subjectKey);
    for (let wait = 0; wait < MAX_SLOT_WAITS && !result.ok && result.reason === "pending"; wait++) {
      const now = this.deps.clock.now();
      if (now >= deadline) return result;
      await this.#nextSettleOf(subjectKey, earliest(deadline, secondsLater(now, SLOT_RECHECK_SECONDS)));
      result = await this.reserve(subjectKey);
    }
    return result;
  }

  /**
   * Records the institution's verdict for a reservation. Returns the lock now in force (set by
   * this very failure, possibly), so the caller can answer with the lock error at once.
   * Settling twice, or after `forget`, changes nothing.
   */
  async settle(reservation: AttemptReservation, outcome: AttemptOutcome): Promise<{ lockedUntil: Date | null }> {
    const { lockedUntil, afterCommit } = await this.settleIn(this.deps.store, reservation, outcome);
    afterCommit();
    return { lockedUntil };
  }

  /**
   * `settle`, written through `store`: a transaction's attempt store, so that the verdict
   * commits with the step's own result (one commit instead of two). Call `afterCommit` once
   * that transaction has committed: it wakes this process's reservations waiting for a slot
   * (woken earlier, they would find the slot still taken). If the transaction rolls back the
   * reservation stays pending, as if its process had died: settle it again outside, or it
   * counts as a failure once it expires.
   */
  async settleIn(
    store: AttemptStore,
    reservation: AttemptReservation,
    outcome: AttemptOutcome,
  ): Promise<{ lockedUntil: Date | null; afterCommit: () => void }> {
    const decide = (counter: AttemptCounter, now: Date) => {
      const next = settleOn(counter, reservation, outcome, now, this.deps.limits);
      return { next, result: { lockedUntil: isLocked(next, now) ? next.lockedUntil : null } };
    };
    // A forgotten subject (DeleteCard meanwhile) stays forgotten: settling must not recreate it.
    const settled =
      (await this.#swapFrom(store, reservation.counterAfter, decide)) ??
      (await this.#update(store, reservation.subjectKey, { result: { lockedUntil: null } }, decide));
    const afterCommit = () => {
      for (const wake of [...(this.#waiting.get(reservation.subjectKey) ?? [])]) wake();
    };
    return { ...settled, afterCommit };
  }

  /** Deletes everything known about a subject (DeleteCard). */
  forget(subjectKey: string): Promise<void> {
    return this.deps.store.delete(subjectKey);
  }

  /** Deletes counters that hold nothing any more; run it with the other purges. Returns how many. */
  purgeExpired(): Promise<number> {
    return this.deps.store.deleteExpired(this.deps.clock.now());
  }

  /** Resolves at the next settle of `subjectKey` in this process, or at `until` on the clock, whichever comes first. */
  #nextSettleOf(subjectKey: string, until: Date): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiting.get(subjectKey) ?? new Set<() => void>();
      this.#waiting.set(subjectKey, waiters);
      const wake = () => {
        waiters.delete(wake);
        if (waiters.size === 0 && this.#waiting.get(subjectKey) === waiters) this.#waiting.delete(subjectKey);
        resolve();
      };
      waiters.add(wake);
      void this.deps.clock.sleepUntil(until).then(wake);
    });
  }

  /**
   * Decide on a counter known without a read, and compare-and-swap from it: the decision
   * stands only if the swap finds that very counter stored. Undefined when it did not (or
   * none was known): then decide on a fresh read.
   */
  async #swapFrom<T>(
    store: AttemptStore,
    known: AttemptCounter | undefined,
    decide: (counter: AttemptCounter, now: Date) => { next: AttemptCounter; result: T },
  ): Promise<T | undefined> {
    if (!known) return undefined;
    const { next, result } = decide(known, this.deps.clock.now());
    return (await store.replace(next, known.version)) ? result : undefined;
  }

  /** Load, decide, compare-and-swap; retried from a fresh read when another writer won. */
  async #update<T>(
    store: AttemptStore,
    subjectKey: string,
    ifMissing: "create" | { result: T },
    decide: (counter: AttemptCounter, now: Date) => { next: AttemptCounter; result: T },
  ): Promise<T> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.deps.clock.now();
      const current = await store.find(subjectKey);
      if (!current) {
        if (ifMissing !== "create") return ifMissing.result;
        // The decision on a new counter is inserted as it stands: one write instead of an
        // insert, a read and a swap. Another writer's counter, created meanwhile, wins; then
        // decide on it.
        const fresh = freshCounter(subjectKey);
        const { next, result } = decide(fresh, now);
        if (await store.insertIfAbsent({ ...next, version: fresh.version + 1 })) return result;
        continue;
      }
      const { next, result } = decide(current, now);
      if (sameCounter(current, next) || (await store.replace(next, current.version))) return result;
    }
    throw new Error(`attempt counter still contended after ${MAX_ROUNDS} rounds`);
  }
}

/** Pure: the reservation decision on an up-to-date counter; `reservationId` must be fresh and random. */
export function reserveOn(
  counter: AttemptCounter,
  now: Date,
  limits: AttemptLimits,
  reservationId: string,
): { next: AttemptCounter; result: ReserveResult } {
  const next = normalizedCounter(counter, now, limits);
  if (isLocked(next, now)) return { next, result: { ok: false, reason: "locked", retryAt: next.lockedUntil as Date } };
  if (next.failuresAt.length + next.pending.length >= limits.maxFailuresPerWindow) {
    return { next, result: { ok: false, reason: "pending", retryAt: latestOf(next.pending.map((p) => p.expiresAt)) ?? now } };
  }
  const reservation = { subjectKey: next.subjectKey, id: reservationId, expiresAt: secondsLater(now, limits.reservationTtlSeconds) };
  const reserved = withRetention({ ...next, pending: [...next.pending, { id: reservation.id, expiresAt: reservation.expiresAt }] }, limits);
  return { next: reserved, result: { ok: true, reservation } };
}

/** Pure: a reservation's verdict applied to its counter. */
export function settleOn(
  counter: AttemptCounter,
  reservation: AttemptReservation,
  outcome: AttemptOutcome,
  now: Date,
  limits: AttemptLimits,
): AttemptCounter {
  const current = normalizedCounter(counter, now, limits);
  // Settled already, or expired and counted as a failure: nothing left to release, and
  // releasing anything else would free another attempt's slot.
  if (!current.pending.some((p) => p.id === reservation.id)) return current;
  let next: AttemptCounter = { ...current, pending: current.pending.filter((p) => p.id !== reservation.id) };
  if (outcome === "wrong") next = withLockIfFull({ ...next, failuresAt: [...next.failuresAt, now] }, now, limits);
  if (outcome === "right") next = { ...next, failuresAt: [], lockCount: 0 };
  return withRetention(next, limits);
}

/** Pure: the counter as of `now` — dead reservations counted as failures, old failures dropped, a full window locked. */
export function normalizedCounter(counter: AttemptCounter, now: Date, limits: AttemptLimits): AttemptCounter {
  // A reservation still pending at its expiry belongs to a process that died or overran;
  // its attempt may have reached the institution, so it counts, as of its expiry.
  const expired = counter.pending.filter((p) => p.expiresAt <= now);
  const windowStartMs = now.getTime() - limits.windowSeconds * 1000;
  let next: AttemptCounter = {
    ...counter,
    failuresAt: [...counter.failuresAt, ...expired.map((p) => p.expiresAt)].filter((at) => at.getTime() > windowStartMs),
    pending: counter.pending.filter((p) => p.expiresAt > now),
  };
  if (next.lockedUntil !== null && next.lockedUntil.getTime() <= windowStartMs) next = { ...next, lockedUntil: null, lockCount: 0 };
  return withRetention(withLockIfFull(next, now, limits), limits);
}

export function isLocked(counter: AttemptCounter, now: Date): boolean {
  return counter.lockedUntil !== null && counter.lockedUntil > now;
}

function withLockIfFull(counter: AttemptCounter, now: Date, limits: AttemptLimits): AttemptCounter {
  if (counter.failuresAt.length < limits.maxFailuresPerWindow) return counter;
  const lockSeconds = Math.min(limits.lockSeconds * limits.lockGrowthFactor ** counter.lockCount, limits.maxLockSeconds);
  return {
    ...counter,
    failuresAt: [],
    lockedUntil: latest(counter.lockedUntil, secondsLater(now, lockSeconds)),
    lockCount: counter.lockCount + 1,
  };
}

/** The row matters until its last failure leaves the window, its reservations expire and its lock history fades. */
function withRetention(counter: AttemptCounter, limits: AttemptLimits): AttemptCounter {
  const lastFailure = latestOf(counter.failuresAt);
  const retainUntil = latestOf([
    ...counter.pending.map((p) => p.expiresAt),
    ...(lastFailure ? [secondsLater(lastFailure, limits.windowSeconds)] : []),
    ...(counter.lockedUntil ? [secondsLater(counter.lockedUntil, limits.windowSeconds)] : []),
  ]);
  return { ...counter, retainUntil: retainUntil ?? new Date(0) };
}

/**
 * A new counter's version starts at random: a counter forgotten (DeleteCard) and created
 * again must not repeat the versions of the one before, or a settle swapping from the old
 * one's version (`counterAfter`) could overwrite the new one's reservations.
 */
function freshCounter(subjectKey: string): AttemptCounter {
  return {
    subjectKey,
    failuresAt: [],
    pending: [],
    lockedUntil: null,
    lockCount: 0,
    version: randomInt(1, 2 ** 30),
    retainUntil: new Date(0),
  };
}

function sameCounter(a: AttemptCounter, b: AttemptCounter): boolean {
  const ms = (d: Date | null) => d?.getTime() ?? null;
  return (
    a.failuresAt.map(ms).join() === b.failuresAt.map(ms).join() &&
    a.pending.map((p) => `${p.id}@${ms(p.expiresAt)}`).join() === b.pending.map((p) => `${p.id}@${ms(p.expiresAt)}`).join() &&
    ms(a.lockedUntil) === ms(b.lockedUntil) &&
    a.lockCount === b.lockCount &&
    ms(a.retainUntil) === ms(b.retainUntil)
  );
}

function assertValidLimits(limits: AttemptLimits): void {
  const positive = ["maxFailuresPerWindow", "windowSeconds", "lockSeconds", "maxLockSeconds", "reservationTtlSeconds"] as const;
  for (const name of positive) {
    if (!Number.isFinite(limits[name]) || limits[name] <= 0) throw new RangeError(`${name} must be positive`);
  }
  if (!Number.isInteger(limits.maxFailuresPerWindow)) throw new RangeError("maxFailuresPerWindow must be an integer");
  if (!(limits.lockGrowthFactor >= 1)) throw new RangeError("lockGrowthFactor must be at least 1");
  if (limits.maxLockSeconds < limits.lockSeconds) throw new RangeError("maxLockSeconds must be at least lockSeconds");
}

function secondsLater(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}

function earliest(a: Date, b: Date): Date {
  return a <= b ? a : b;
}

function latestOf(dates: Date[]): Date | null {
  return dates.reduce<Date | null>((a, b) => latest(a, b), null);
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}
