/** Every expiry is read through a Clock, never Date.now() inline (design.md §4). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: tests and the sandbox's virtual time. */
export class ManualClock implements Clock {
  #epochMs: number;

  constructor(start: Date = new Date("2026-01-15T15:00:00.000Z")) {
    this.#epochMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#epochMs);
  }

  advanceSeconds(seconds: number): void {
    this.#epochMs += seconds * 1000;
  }

  set(at: Date): void {
    this.#epochMs = at.getTime();
  }
}
