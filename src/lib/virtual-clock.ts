import type { Clock } from "./clock.js";

/** What the sandbox control plane shows of virtual time. */
export interface VirtualClockState {
  now: Date;
  /** Virtual time minus the base clock's time, in seconds (grows more negative while frozen). */
  offsetSeconds: number;
  frozen: boolean;
}

/** The whole of a virtual clock's state: another process's clock given it shows the same time. */
export interface VirtualClockSetting {
  offsetMs: number;
  frozenMs: number | null;
}

/**
 * What the control plane moves virtual time with: this process's VirtualClock, or with several
 * worker processes one that has the primary change every worker's clock before it resolves.
 */
export interface VirtualTimeControl {
  state(): VirtualClockState;
  advanceSeconds(seconds: number): void | Promise<void>;
  freeze(): void | Promise<void>;
  unfreeze(): void | Promise<void>;
}

interface Sleeper {
  atMs: number;
  wake(): void;
  done: boolean;
  /** Base-clock instants of this sleeper's outstanding base sleeps (re-armed on each change). */
  arms: number[];
}

/**
 * The sandbox's virtual time (docs/decisions.md, "Sandbox control plane"): a base clock (the
 * system clock in production, a ManualClock in tests) moved forward by an offset, or frozen at
 * an instant. It never goes back: advancing takes non-negative amounts, and unfreezing resumes
 * from the frozen instant. One per process, built by the composition root.
 *
 * Sleepers are re-evaluated on every change (advance, freeze, unfreeze); while time runs, each
 * one waits on the base clock for the remaining real duration, re-armed whenever a change makes
 * it due earlier (an arm that fires too early just re-arms).
 */
export class VirtualClock implements Clock, VirtualTimeControl {
  readonly #base: Clock;
  #offsetMs = 0;
  #frozenMs: number | null = null;
  readonly #sleepers = new Set<Sleeper>();

  constructor(base: Clock) {
    this.#base = base;
  }

  now(): Date {
    return new Date(this.#nowMs());
  }

  sleepUntil(at: Date): Promise<void> {
    const atMs = at.getTime();
    if (atMs <= this.#nowMs()) return Promise.resolve();
    return new Promise((wake) => {
      const sleeper: Sleeper = { atMs, wake, done: false, arms: [] };
      this.#sleepers.add(sleeper);
      this.#evaluate(sleeper);
    });
  }

  /** Moves virtual time forward by `seconds` (≥ 0), frozen or not. */
  advanceSeconds(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`virtual time only moves forward, got ${seconds} s`);
    const deltaMs = seconds * 1000;
    if (this.#frozenMs !== null) this.#frozenMs += deltaMs;
    else this.#offsetMs += deltaMs;
    this.#reevaluateAll();
  }

  /** Stops virtual time at the current instant (no-op when already frozen). */
  freeze(): void {
    if (this.#frozenMs !== null) return;
    this.#frozenMs = this.#nowMs();
    this.#reevaluateAll();
  }

  /** Lets virtual time run again from the frozen instant (no-op when not frozen). */
  unfreeze(): void {
    if (this.#frozenMs === null) return;
    this.#offsetMs = this.#frozenMs - this.#base.now().getTime();
    this.#frozenMs = null;
    this.#reevaluateAll();
  }

  setting(): VirtualClockSetting {
    return { offsetMs: this.#offsetMs, frozenMs: this.#frozenMs };
  }

  /** Takes the setting of the clock that decides (a worker's primary's): time and sleepers follow it. */
  adopt(setting: VirtualClockSetting): void {
    this.#offsetMs = setting.offsetMs;
    this.#frozenMs = setting.frozenMs;
    this.#reevaluateAll();
  }

  state(): VirtualClockState {
    // One reading of the base: two could straddle a millisecond and put it in the offset.
    const baseMs = this.#base.now().getTime();
    const nowMs = this.#nowMs(baseMs);
    return { now: new Date(nowMs), offsetSeconds: (nowMs - baseMs) / 1000, frozen: this.#frozenMs !== null };
  }

  #nowMs(baseMs = this.#base.now().getTime()): number {
    return this.#frozenMs ?? baseMs + this.#offsetMs;
  }

  #reevaluateAll(): void {
    for (const sleeper of [...this.#sleepers]) this.#evaluate(sleeper);
  }

  /** Wakes a due sleeper; otherwise makes sure a base sleep will look at it again in time. */
  #evaluate(sleeper: Sleeper): void {
    if (sleeper.done) return;
    if (sleeper.atMs <= this.#nowMs()) {
      sleeper.done = true;
      this.#sleepers.delete(sleeper);
      sleeper.wake();
      return;
    }
    if (this.#frozenMs !== null) return; // only a change can make it due now
    const baseAtMs = sleeper.atMs - this.#offsetMs;
    if (sleeper.arms.some((armedMs) => armedMs <= baseAtMs)) return; // an earlier arm re-evaluates it
    sleeper.arms.push(baseAtMs);
    void this.#base.sleepUntil(new Date(baseAtMs)).then(() => {
      sleeper.arms.splice(sleeper.arms.indexOf(baseAtMs), 1);
      this.#evaluate(sleeper);
    });
  }
}
