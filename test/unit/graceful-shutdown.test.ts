/** The shutdown deadline (src/lib/graceful-shutdown.ts), on a manual clock. */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { type ShutdownPlan, shutDownWithin } from "../../src/lib/graceful-shutdown.js";

const never = () => new Promise<never>(() => {});
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function plan(overrides: Partial<ShutdownPlan>): ShutdownPlan & { abandoned: number } {
  const counted = {
    graceSeconds: 10,
    clock: new ManualClock(),
    drain: async () => {},
    abandoned: 0,
    abandon: async () => {
      counted.abandoned++;
    },
    log: quiet,
    ...overrides,
  };
  return counted;
}

describe("shutDownWithin", () => {
  it("drains within the grace: nothing is abandoned", async () => {
    const p = plan({});
    expect(await shutDownWithin(p)).toBe("drained");
    expect(p.abandoned).toBe(0);
  });

  it("waits for the drain until the grace is over, then abandons once", async () => {
    const clock = new ManualClock();
    const p = plan({ clock, drain: never });
    const outcome = shutDownWithin(p);
    await clock.whenSleeping(1);
    clock.advanceSeconds(9);
    expect(p.abandoned).toBe(0);
    clock.advanceSeconds(1);
    expect(await outcome).toBe("abandoned");
    expect(p.abandoned).toBe(1);
  });

  it("an abandon that hangs (the store is gone) is bounded too", async () => {
    const clock = new ManualClock();
    const p = plan({ clock, drain: never, abandon: never, abandonSeconds: 2 });
    const outcome = shutDownWithin(p);
    await clock.whenSleeping(1);
    clock.advanceSeconds(10);
    await clock.whenSleeping(1);
    clock.advanceSeconds(2);
    expect(await outcome).toBe("abandoned");
  });

  it("a drain that fails is reported as such", async () => {
    const p = plan({ drain: async () => Promise.reject(new Error("store gone")) });
    expect(await shutDownWithin(p)).toBe("failed");
  });
});
