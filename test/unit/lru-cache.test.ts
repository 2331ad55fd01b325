/**
 * The bounded cache in front of the customer directory, the card usernames and the snapshots:
 * what was set is found, what is used keeps its place, and it never holds more than its
 * capacity however many keys pass through it.
 */
import { describe, expect, it } from "vitest";
import { LruCache } from "../../src/lib/lru-cache.js";

const CAPACITY = 100;
const keys = (count: number, prefix = "key") => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe("LruCache", () => {
  it("finds what was set, the latest value of a key, and nothing else", () => {
    const cache = new LruCache<string, number>(CAPACITY);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 3);
    expect(cache.get("a")).toBe(3);
    expect(cache.get("b")).toBe(2);
    expect(cache.get("c")).toBeUndefined();
  });

  it("holds at most its capacity, the newest keys among them", () => {
    const cache = new LruCache<string, number>(CAPACITY);
    const all = keys(10 * CAPACITY);
    for (const [i, key] of all.entries()) cache.set(key, i);
    const newest = all.slice(-CAPACITY / 2).reverse();
    for (const key of newest) expect(cache.get(key), key).toBe(all.indexOf(key));
    // A get never adds a key: counting the hits over every key ever set bounds what is held.
    expect(all.filter((key) => cache.get(key) !== undefined).length).toBeLessThanOrEqual(CAPACITY);
  });

  it("keeps a key that is used while many others pass through", () => {
    const cache = new LruCache<string, string>(CAPACITY);
    cache.set("hot", "kept");
    keys(20 * CAPACITY, "cold").forEach((key, i) => {
      cache.set(key, key);
      if (i % (CAPACITY / 4) === 0) expect(cache.get("hot")).toBe("kept");
    });
    expect(cache.get("hot")).toBe("kept");
    expect(cache.get("cold-0")).toBeUndefined();
  });
});
