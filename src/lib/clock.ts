/**
 * Every expiry is read through a Clock, never Date.now() inline: tests move time by advancing a
 * clock, never by sleeping.
 */
export interface Clock {
  now(): Date;
  /**
   * Resolves once the clock reads `at` or later. Waits (a slow sandbox bank, a data call
   * waiting for its aggregation) go through the clock too, so tests move time instead of
   * sleeping.
   */
  sleepUntil(at: Date): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleepUntil: (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at.getTime() - Date.now()))),
};

/** A clock that only moves when told to: tests and the sandbox's virtual time. */
export class ManualClock implements Clock {
  #epochMs: number;
  #sleepers: Array<{ atMs: number; wake(): void }> = [];

  constructor(start: Date = new Date("2026-01-15T15:00:00.000Z")) {
    this.#epochMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#epochMs);
  }

  sleepUntil(at: Date): Promise<void> {
    if (at.getTime() <= this.#epochMs) return Promise.resolve();
    return new Promise((wake) => this.#sleepers.push({ atMs: at.getTime(), wake }));
  }

  /** Resolves once at least `count` sleepers wait on this clock (a test's cue to move time). */
  async whenSleeping(count: number, maxTurns = 100_000): Promise<void> {
    for (let turn = 0; this.#sleepers.length < count; turn++) {
      if (turn >= maxTurns) throw new Error(`${this.#sleepers.length} of ${count} sleepers after ${maxTurns} turns`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  advanceSeconds(seconds: number): void {
    this.set(new Date(this.#epochMs + seconds * 1000));
  }

  set(at: Date): void {
    this.#epochMs = at.getTime();
    const due = this.#sleepers.filter((s) => s.atMs <= this.#epochMs);
    this.#sleepers = this.#sleepers.filter((s) => s.atMs > this.#epochMs);
    for (const sleeper of due) sleeper.wake();
  }
}

export function secondsAfter(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}

/** The UTC calendar day of `at`, YYYY-MM-DD (billing days are UTC days). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
