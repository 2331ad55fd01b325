import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CustomerDirectory } from "../../src/customers/customer-directory.js";
import { ManualClock } from "../../src/lib/clock.js";
import type { Customer } from "../../src/records/customer.js";
import type { CustomerStore } from "../../src/storage/customer-store.js";

/** A store that knows no customer and counts its reads per id. */
function countingStore(): { store: CustomerStore; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const store = {
    find: async (id: string): Promise<Customer | undefined> => {
      reads.set(id, (reads.get(id) ?? 0) + 1);
      return undefined;
    },
  } as unknown as CustomerStore;
  return { store, reads };
}

describe("CustomerDirectory (per-process cache)", () => {
  it("reads a customer once per 5 seconds, then again", async () => {
    const { store, reads } = countingStore();
    const clock = new ManualClock();
    const directory = new CustomerDirectory(store, clock);
    const id = randomUUID();
    await directory.find(id);
    await directory.find(id);
    expect(reads.get(id)).toBe(1);
    clock.advanceSeconds(5);
    await directory.find(id);
    expect(reads.get(id)).toBe(2);
  });

  it("keeps at most 10,000 ids: unknown ids sent by a caller cannot grow it without bound", async () => {
    const { store, reads } = countingStore();
    const directory = new CustomerDirectory(store, new ManualClock());
    const first = randomUUID();
    await directory.find(first);
    for (let i = 0; i < 10_000; i++) await directory.find(randomUUID());
    await directory.find(first);
    expect(reads.get(first)).toBe(2);
  });
});
