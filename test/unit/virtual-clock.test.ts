import { describe, expect, it } from "vitest";
import { ManualClock, secondsAfter } from "../../src/lib/clock.js";
import { VirtualClock } from "../../src/lib/virtual-clock.js";

const START = new Date("2026-01-15T15:00:00.000Z");

function setup() {
  const base = new ManualClock(START);
  return { base, clock: new VirtualClock(base) };
}

/** Lets settled promises run their callbacks. */
const turns = async (count = 10) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

function track(promise: Promise<void>): { woken: () => boolean } {
  let woken = false;
  void promise.then(() => {
    woken = true;
  });
  return { woken: () => woken };
}

describe("VirtualClock", () => {
  it("reads the base clock plus the offset, and follows the base", () => {
    const { base, clock } = setup();
    expect(clock.now()).toEqual(START);
    clock.advanceSeconds(480);
    expect(clock.now()).toEqual(secondsAfter(START, 480));
    base.advanceSeconds(10);
    expect(clock.now()).toEqual(secondsAfter(START, 490));
    expect(clock.state()).toEqual({ now: secondsAfter(START, 490), offsetSeconds: 480, frozen: false });
  });

  it("reports its offset exactly, however the base moves between two readings", () => {
    const base = new ManualClock(START);
    // A base that is a millisecond later at every reading, as a real clock can be.
    const ticking = {
      now: () => {
        base.advanceSeconds(0.001);
        return base.now();
      },
      sleepUntil: (at: Date) => base.sleepUntil(at),
    };
    const clock = new VirtualClock(ticking);
    expect(clock.state().offsetSeconds).toBe(0);
    clock.advanceSeconds(3600);
    expect(clock.state().offsetSeconds).toBe(3600);
  });

  it("freezes: the base moves on, virtual time does not, and advancing still works", () => {
    const { base, clock } = setup();
    clock.advanceSeconds(60);
    clock.freeze();
    base.advanceSeconds(100);
    expect(clock.now()).toEqual(secondsAfter(START, 60));
    expect(clock.state()).toEqual({ now: secondsAfter(START, 60), offsetSeconds: -40, frozen: true });
    clock.advanceSeconds(30);
    expect(clock.now()).toEqual(secondsAfter(START, 90));
    clock.freeze(); // idempotent
    expect(clock.now()).toEqual(secondsAfter(START, 90));
  });

  it("unfreezes from the frozen instant: time never jumps or goes back", () => {
    const { base, clock } = setup();
    clock.freeze();
    base.advanceSeconds(1000);
    clock.unfreeze();
    expect(clock.now()).toEqual(START);
    base.advanceSeconds(5);
    expect(clock.now()).toEqual(secondsAfter(START, 5));
    expect(clock.state()).toMatchObject({ offsetSeconds: -1000, frozen: false });
    clock.unfreeze(); // idempotent
    expect(clock.now()).toEqual(secondsAfter(START, 5));
  });

  it("refuses to go back", () => {
    const { clock } = setup();
    expect(() => clock.advanceSeconds(-1)).toThrow(RangeError);
    expect(() => clock.advanceSeconds(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toEqual(START);
    clock.advanceSeconds(0);
    expect(clock.now()).toEqual(START);
  });

  it("resolves at once for an instant already reached", async () => {
    const { clock } = setup();
    clock.advanceSeconds(10);
    await clock.sleepUntil(secondsAfter(START, 10));
    await clock.sleepUntil(START);
  });

  it("wakes sleepers as real time passes on the base clock", async () => {
    const { base, clock } = setup();
    clock.advanceSeconds(100);
    const sleeper = track(clock.sleepUntil(secondsAfter(START, 160)));
    await base.whenSleeping(1);
    base.advanceSeconds(59);
    await turns();
    expect(sleeper.woken()).toBe(false);
    base.advanceSeconds(1);
    await turns();
    expect(sleeper.woken()).toBe(true);
  });

  it("wakes sleepers when virtual time is advanced past them, and only those", async () => {
    const { clock } = setup();
    const soon = track(clock.sleepUntil(secondsAfter(START, 300)));
    const later = track(clock.sleepUntil(secondsAfter(START, 900)));
    clock.advanceSeconds(299);
    await turns();
    expect([soon.woken(), later.woken()]).toEqual([false, false]);
    clock.advanceSeconds(1);
    await turns();
    expect([soon.woken(), later.woken()]).toEqual([true, false]);
  });

  it("re-arms a sleeper after an advance: the remaining real time shrinks", async () => {
    const { base, clock } = setup();
    const sleeper = track(clock.sleepUntil(secondsAfter(START, 600)));
    clock.advanceSeconds(500);
    base.advanceSeconds(100);
    await turns();
    expect(sleeper.woken()).toBe(true);
  });

  it("keeps sleepers asleep while frozen, wakes them on an advance or after unfreezing", async () => {
    const { base, clock } = setup();
    const byAdvance = track(clock.sleepUntil(secondsAfter(START, 60)));
    const byTime = track(clock.sleepUntil(secondsAfter(START, 120)));
    clock.freeze();
    base.advanceSeconds(3600);
    await turns();
    expect([byAdvance.woken(), byTime.woken()]).toEqual([false, false]);
    clock.advanceSeconds(60);
    await turns();
    expect([byAdvance.woken(), byTime.woken()]).toEqual([true, false]);
    clock.unfreeze(); // virtual time resumes at START+60: byTime needs 60 more real seconds
    await turns();
    expect(byTime.woken()).toBe(false);
    base.advanceSeconds(59);
    await turns();
    expect(byTime.woken()).toBe(false);
    base.advanceSeconds(1);
    await turns();
    expect(byTime.woken()).toBe(true);
  });

  it("wakes a sleeper once, whatever the number of changes", async () => {
    const { base, clock } = setup();
    let wakes = 0;
    void clock.sleepUntil(secondsAfter(START, 10)).then(() => {
      wakes++;
    });
    clock.advanceSeconds(5);
    clock.advanceSeconds(5);
    clock.freeze();
    clock.unfreeze();
    base.advanceSeconds(100);
    await turns();
    expect(wakes).toBe(1);
  });

  it("arms one base sleep per waiting sleeper, so base.whenSleeping still counts waits", async () => {
    const { base, clock } = setup();
    void clock.sleepUntil(secondsAfter(START, 10));
    void clock.sleepUntil(secondsAfter(START, 20));
    await base.whenSleeping(2);
    await expect(base.whenSleeping(3, 50)).rejects.toThrow();
  });
});
