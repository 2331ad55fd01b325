import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { ClockLoop } from "../../src/lib/clock-loop.js";

const HOUR = 3600;

function hourlyLoop(clock: ManualClock, run: (due: Date) => Promise<void>) {
  const errors: unknown[] = [];
  const loop = new ClockLoop({
    clock,
    nextDue: (now) => new Date(now.getTime() + HOUR * 1000),
    run,
    onError: (error) => errors.push(error),
  });
  return { loop, errors };
}

describe("ClockLoop", () => {
  it("runs each time the clock reaches the next due time, with that time", async () => {
    const clock = new ManualClock();
    const runs: string[] = [];
    const { loop } = hourlyLoop(clock, async (due) => {
      runs.push(due.toISOString());
    });
    const start = clock.now().getTime();
    loop.start();
    for (let hour = 1; hour <= 3; hour++) {
      await clock.whenSleeping(1);
      clock.advanceSeconds(HOUR);
    }
    await clock.whenSleeping(1);
    await loop.stop();
    expect(runs).toEqual([1, 2, 3].map((h) => new Date(start + h * HOUR * 1000).toISOString()));
  });

  it("goes on after a run that throws, reporting the error", async () => {
    const clock = new ManualClock();
    let calls = 0;
    const { loop, errors } = hourlyLoop(clock, async () => {
      calls++;
      if (calls === 1) throw new Error("store away");
    });
    loop.start();
    for (let hour = 1; hour <= 2; hour++) {
      await clock.whenSleeping(1);
      clock.advanceSeconds(HOUR);
    }
    await clock.whenSleeping(1);
    await loop.stop();
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error("store away")]);
  });

  it("stops at once while sleeping, runs nothing after, and may start again", async () => {
    const clock = new ManualClock();
    let calls = 0;
    const { loop } = hourlyLoop(clock, async () => {
      calls++;
    });
    loop.start();
    loop.start(); // a second start is a no-op, not a second loop
    await clock.whenSleeping(1);
    await loop.stop();
    clock.advanceSeconds(HOUR);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(0);
    loop.start();
    await clock.whenSleeping(1);
    clock.advanceSeconds(HOUR);
    await clock.whenSleeping(1);
    await loop.stop();
    expect(calls).toBe(1);
  });
});
