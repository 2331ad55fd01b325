import { describe, expect, it } from "vitest";
import { isUuid, newTimeOrderedId } from "../../src/lib/ids.js";

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newTimeOrderedId", () => {
  it("is a version 7 UUID whose first 48 bits are the millisecond time", () => {
    const at = Date.UTC(2026, 11, 5, 13, 45, 0, 123);
    const id = newTimeOrderedId(at);
    expect(id).toMatch(VERSION_7);
    expect(isUuid(id)).toBe(true);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it("sorts by time as text, and ids of one millisecond still differ in their 74 random bits", () => {
    const earlier = newTimeOrderedId(1_000);
    const later = newTimeOrderedId(1_001);
    expect(earlier < later).toBe(true);
    const sameMs = new Set(Array.from({ length: 1000 }, () => newTimeOrderedId(5_000)));
    expect(sameMs.size).toBe(1000);
    for (const id of sameMs) expect(id).toMatch(VERSION_7);
  });
});
