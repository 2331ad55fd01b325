/**
 * A snapshot stored as a delta of an earlier one (storage/snapshot-delta.ts) decodes to exactly
 * the snapshot encoded — the same JSON, field order included — whatever changed: new
 * transactions on top, old ones dropped at the bottom, a transaction altered in the middle, an
 * account added, removed or reordered.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";
import { buildSnapshot } from "../../src/logins/build-snapshot.js";
import type { Snapshot } from "../../src/records/snapshot.js";
import { decodeSnapshotDelta, encodeSnapshotDelta } from "../../src/storage/snapshot-delta.js";

const INDEX_KEY = Buffer.alloc(32, 9);
const LOGIN_ID = "0d9c1e6a-3b7f-4f25-8e41-6a2c9d0b7e13";

function snapshotAt(seed: string, day: number, accounts: number): Snapshot {
  return buildSnapshot(generateBankData(seed, new Date(Date.UTC(2025, 5, 1) + day * 86_400_000), { accounts }), LOGIN_ID, INDEX_KEY);
}

type Edit = { kind: "alter" | "drop-account" | "reverse-accounts" | "drop-transaction"; at: number };

function edited(snapshot: Snapshot, edits: Edit[]): Snapshot {
  const copy = structuredClone(snapshot);
  for (const edit of edits) {
    const account = copy.accounts[edit.at % Math.max(1, copy.accounts.length)];
    if (edit.kind === "reverse-accounts") copy.accounts.reverse();
    else if (edit.kind === "drop-account") copy.accounts.splice(edit.at % Math.max(1, copy.accounts.length), 1);
    else if (account && account.transactions.length > 0) {
      const index = edit.at % account.transactions.length;
      if (edit.kind === "drop-transaction") account.transactions.splice(index, 1);
      else {
        const transaction = account.transactions[index];
        if (transaction) transaction.description = `${transaction.description} (corrected)`;
      }
    }
  }
  return copy;
}

describe("snapshot deltas", () => {
  it("decode(base, encode(base, next)) is next, byte for byte", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.record({
            kind: fc.constantFrom("alter" as const, "drop-account" as const, "reverse-accounts" as const, "drop-transaction" as const),
            at: fc.nat(),
          }),
          { maxLength: 3 },
        ),
        (seed, day, laterBy, baseAccounts, nextAccounts, edits) => {
          const base = snapshotAt(seed, day, baseAccounts);
          const next = edited(snapshotAt(seed, day + laterBy, nextAccounts), edits);
          const stored = JSON.parse(JSON.stringify(encodeSnapshotDelta(base, next)));
          expect(JSON.stringify(decodeSnapshotDelta(base, stored))).toBe(JSON.stringify(next));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps a night's refresh small: the day's transactions and the account fields, not the year before", () => {
    const base = snapshotAt("greatday", 0, 4);
    const next = snapshotAt("greatday", 1, 4);
    const delta = JSON.stringify(encodeSnapshotDelta(base, next));
    expect(delta.length).toBeLessThan(JSON.stringify(next).length / 10);
  });
});
