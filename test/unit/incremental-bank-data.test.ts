/**
 * A nightly refresh of a sandbox card fetches only the days since its last fetch and keeps the
 * older ones from its snapshot (connectors/sandbox/incremental-bank-data.ts), stored as a delta
 * of the card's base built without reading the base (logins/snapshot-increment.ts,
 * storage/snapshot-delta.ts's extendSnapshotDelta). The
 * snapshot the delta decodes to must be the one a full regeneration gives: the same
 * transactions, ids, balances and details, byte for byte.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GenerateBankDataOptions } from "../../src/connectors/sandbox/generate-bank-data.js";
import { fetchBankData } from "../../src/connectors/sandbox/incremental-bank-data.js";
import type { PreviousFetch } from "../../src/connectors/types.js";
import { buildSnapshot } from "../../src/logins/build-snapshot.js";
import { snapshotIncrement } from "../../src/logins/snapshot-increment.js";
import type { Snapshot } from "../../src/records/snapshot.js";
import { decodeSnapshotDelta, extendSnapshotDelta, outlineOf, type SnapshotDelta } from "../../src/storage/snapshot-delta.js";
import type { RefreshBasis } from "../../src/storage/snapshot-store.js";

const MS_PER_DAY = 86_400_000;
const INDEX_KEY = Buffer.alloc(32, 7);
const LOGIN_ID = "4b1f0c7e-8d2a-4c51-9a3e-2f6d8b0c1a94";

/** A card as the store keeps it: its base (whole), and its current snapshot's refresh basis (the delta of that base, the outline). */
interface StoredCard {
  base: Snapshot;
  basis: RefreshBasis & { fetch: PreviousFetch };
}

/** One refresh as the aggregation job does it: incremental (a delta of the base) when the bank says so, else whole. */
function refresh(seed: string, asOfMs: number, options: GenerateBankDataOptions, previous: StoredCard | null) {
  const fetched = fetchBankData(seed, new Date(asOfMs), options, previous?.basis.fetch);
  const fetch = { basis: fetched.basis ?? "", day: new Date(asOfMs).toISOString().slice(0, 10) };
  if (fetched.increment && previous) {
    const { basis } = previous;
    const increment = snapshotIncrement(basis, fetched.data, fetched.increment, LOGIN_ID, INDEX_KEY);
    if (!increment) throw new Error("increment did not fit");
    const delta = extendSnapshotDelta({ delta: basis.delta, outline: basis.base.outline }, increment);
    const stored = JSON.parse(JSON.stringify(delta)) as SnapshotDelta; // as the store keeps it
    const card = { base: previous.base, basis: { ...basis, delta: stored, fetch } };
    return { card, snapshot: decodeSnapshotDelta(previous.base, stored), incremental: true };
  }
  const snapshot = buildSnapshot(fetched.data, LOGIN_ID, INDEX_KEY);
  const outline = outlineOf(snapshot, JSON.stringify(snapshot).length);
  const card = { base: snapshot, basis: { fetch, base: { id: "base", outline }, delta: null } };
  return { card, snapshot, incremental: false };
}

describe("incremental sandbox refresh", () => {
  it("gives exactly the snapshot of a full regeneration, night after night, whatever the gaps between refreshes", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 2 * 365 }),
        // Gaps between refreshes in hours: the same day, the next night, a week, past the window.
        fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(24, 168, 9_000)), { minLength: 1, maxLength: 4 }),
        fc.record(
          {
            daysOfHistory: fc.constantFrom(0, 30, 90, 365),
            accounts: fc.integer({ min: 1, max: 6 }),
            transactionsPerAccount: fc.integer({ min: 0, max: 1500 }),
            region: fc.constantFrom("CA" as const, "US" as const),
          },
          { requiredKeys: [] },
        ),
        (seed, startDay, gapsInHours, options) => {
          let asOfMs = Date.UTC(2025, 0, 1) + startDay * MS_PER_DAY + 15 * 3_600_000;
          let card = refresh(seed, asOfMs, options, null).card;
          for (const hours of gapsInHours) {
            asOfMs += hours * 3_600_000;
            const next = refresh(seed, asOfMs, options, card);
            expect(next.incremental).toBe(true);
            const full = buildSnapshot(fetchBankData(seed, new Date(asOfMs), options, undefined).data, LOGIN_ID, INDEX_KEY);
            expect(JSON.stringify(next.snapshot)).toBe(JSON.stringify(full));
            card = next.card;
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("fetches whole when the previous fetch had other options, another generator, or a later day", () => {
    const asOf = new Date("2026-01-16T05:00:00.000Z");
    const first = fetchBankData("greatday", new Date("2026-01-15T15:00:00.000Z"), {}, undefined);
    expect(first.basis).toMatch(/^sandbox-/);
    expect(first.increment).toBeUndefined();
    const basis = first.basis ?? "";
    expect(fetchBankData("greatday", asOf, {}, { basis, day: "2026-01-15" }).increment).toEqual({
      since: "2026-01-15",
      keepFrom: "2025-01-16",
    });
    expect(fetchBankData("greatday", asOf, { accounts: 5 }, { basis, day: "2026-01-15" }).increment).toBeUndefined();
    expect(fetchBankData("greatday", asOf, {}, { basis: "sandbox-0-old", day: "2026-01-15" }).increment).toBeUndefined();
    expect(fetchBankData("greatday", asOf, {}, { basis, day: "2026-01-17" }).increment).toBeUndefined();
  });
});
