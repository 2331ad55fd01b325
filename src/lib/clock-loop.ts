import type { Clock } from "./clock.js";

export interface ClockLoopOptions {
  clock: Clock;
  /** When the next run is due, from the clock's current time. */
  nextDue: (now: Date) => Date;
  /** One run; `due` is the time it was due at. */
  run: (due: Date) => Promise<void>;
  /** A run that threw: the loop goes on to the next due time. */
  onError: (error: unknown) => void;
}

/**
 * Runs a task each time it falls due on an injected clock (so the sandbox's virtual clock drives
 * schedules too), until stopped. `stop()` wakes a sleeping loop at once and waits for a run in
 * progress to finish.
 */
export class ClockLoop {
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;

  constructor(private readonly options: ClockLoopOptions) {}

  start(): void {
    if (this.#loop) return;
    const stopped = new Promise<"stopped">((resolve) => {
      this.#wake = () => resolve("stopped");
    });
    this.#loop = this.#run(stopped);
  }

  async stop(): Promise<void> {
    this.#wake?.();
    await this.#loop;
    this.#loop = null;
  }

  async #run(stopped: Promise<"stopped">): Promise<void> {
    const { clock, nextDue, run, onError } = this.options;
    for (;;) {
      const due = nextDue(clock.now());
      const woke = await Promise.race([clock.sleepUntil(due).then(() => "due" as const), stopped]);
      if (woke === "stopped") return;
      try {
        await run(due);
      } catch (error) {
        onError(error);
      }
    }
  }
}
